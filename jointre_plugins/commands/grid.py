"""
The `allennlp grid` command: trains, evaluates and records a grid of configs x seeds (x folds).
"""
import argparse
import json
import os
import signal
import sys
from typing import List

import torch
from allennlp.commands.subcommand import Subcommand

from jointre_plugins.harness.grid import GridEntry, plan, run_grid
from jointre_plugins.harness.presets import PRESETS, preset_entries
from jointre_plugins.harness.run_record import RunRecord


@Subcommand.register("grid")
class Grid(Subcommand):
    """
    Trains a grid of configs x seeds (x folds of ADE and ACE04), evaluates each run on the test or
    dev split with AllenNLP's evaluation, and records all under one results directory, which
    `allennlp leaderboard` and `allennlp error-analysis` read.

        allennlp grid --preset conll04 --seeds 1 2 --epochs 5 --split dev --results runs/conll04_grid

    Finished runs are skipped on a rerun, an interrupted run resumes from its checkpoints, and a
    failed run is recorded with its error while the grid goes on; the command then exits with
    status 1. The configs' variables (`JOINTRE_DATA`, `JOINTRE_TRANSFORMER`, ...) pass through to
    every run.

    Registered as a `Subcommand` with name "grid".
    """

    def add_subparser(self, parser: argparse._SubParsersAction) -> argparse.ArgumentParser:
        description = "Train, evaluate and record a grid of configs x seeds (x folds)."
        subparser = parser.add_parser(self.name, description=description, help=description)
        source = subparser.add_mutually_exclusive_group(required=True)
        source.add_argument("--configs", nargs="+", help="config files, each run as it is")
        source.add_argument(
            "--preset",
            choices=sorted(PRESETS),
            help="a paper table's grid: " + "; ".join(f"{name}: {text}" for name, (_, text) in PRESETS.items()),
        )
        subparser.add_argument(
            "--overrides",
            default="{}",
            help="a JSON object of AllenNLP overrides added to every run (on top of a preset's own)",
        )
        subparser.add_argument("--seeds", nargs="+", type=int, default=[13370], help="the seeds of every variant")
        subparser.add_argument(
            "--epochs", type=int, default=None, help="the epochs of every run; default: each config's"
        )
        subparser.add_argument(
            "--split",
            choices=["test", "dev"],
            default="test",
            help="the file each run is evaluated on (dev where test files are withheld)",
        )
        subparser.add_argument("--folds", nargs="+", type=int, default=None, help="the folds of ADE / ACE04 to run")
        subparser.add_argument("--results", required=True, help="the results directory")
        subparser.add_argument(
            "--cuda-device",
            type=int,
            default=default_cuda_device(),
            help="the device of evaluation (default: JOINTRE_CUDA_DEVICE if set, else the first GPU if any, "
            "else the CPU)",
        )
        subparser.add_argument(
            "--dry-run", action="store_true", help="list the runs (and which are finished) without training"
        )
        subparser.set_defaults(func=run_grid_from_args)
        return subparser


def default_cuda_device() -> int:
    """Where the runs train (`JOINTRE_CUDA_DEVICE`), else AllenNLP's choice: the first GPU if any, else the CPU."""
    chosen = os.environ.get("JOINTRE_CUDA_DEVICE", "")
    if chosen:
        return int(chosen)
    return 0 if torch.cuda.is_available() else -1


def entries_from_args(args: argparse.Namespace) -> List[GridEntry]:
    """The preset's or the configs' entries, each with the command's overrides on top of its own."""
    overrides = json.loads(args.overrides)
    if not isinstance(overrides, dict):
        raise ValueError(f"--overrides must be a JSON object, not {args.overrides}")
    entries = preset_entries(args.preset) if args.preset is not None else [GridEntry(config) for config in args.configs]
    return [GridEntry(entry.config, {**entry.overrides, **overrides}, entry.system) for entry in entries]


def run_grid_from_args(args: argparse.Namespace) -> None:
    """Plans the grid, then lists it (`--dry-run`) or runs it, exiting with status 1 if a run failed."""
    # A SIGTERM unwinds the grid like Ctrl-C does, so that the training it runs is stopped with it.
    signal.signal(signal.SIGTERM, lambda signal_number, frame: sys.exit(128 + signal_number))
    runs = plan(entries_from_args(args), args.seeds, args.results, args.split, args.epochs, args.folds)
    if args.dry_run:
        for number, run in enumerate(runs, start=1):
            previous = RunRecord.read(run.directory)
            status = "not run" if previous is None else previous.status
            settings = f"{run.record.config} {json.dumps(run.overrides)}"
            print(f"[{number}/{len(runs)}] {run.record.name} ({status}): {settings}")
        return
    records = run_grid(runs, cuda_device=args.cuda_device)
    failed = [record for record in records if record.status != "finished"]
    print(f"{len(records) - len(failed)} of {len(records)} runs finished; results in {args.results}")
    if failed:
        for record in failed:
            print(f"failed: {record.name}: {record.error}")
        sys.exit(1)
