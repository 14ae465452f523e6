"""
The grid runner behind `allennlp grid`: configs x folds x seeds, each trained by `allennlp train`,
evaluated by AllenNLP's `evaluate` on one split and recorded under one results directory.
"""
import datetime
import glob
import json
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field, replace
from typing import Any, Dict, List, Optional, Sequence

from allennlp.common import Params
from allennlp.data import DataLoader
from allennlp.models.archival import load_archive
from allennlp.training.util import evaluate

from jointre_plugins import CONFIG_VARIABLE_DEFAULTS
from jointre_plugins.harness.run_record import (
    LOGS_DIRECTORY,
    PREDICTIONS_FILE,
    RUNS_DIRECTORY,
    RunRecord,
    epoch_metrics_files,
)

FOLD_VARIABLES = {"ade": ("JOINTRE_ADE_FOLD", tuple(range(10))), "ace04": ("JOINTRE_ACE04_FOLD", tuple(range(1, 6)))}
"""The cross-validated corpora: the variable that picks a fold, and every fold it takes."""

SPLIT_KEYS = {"test": "test_data_path", "dev": "validation_data_path"}

PROGRESS_KEYS = ("ner_f1", "rel_strict_f1")

TRANSFORMER_EMBEDDERS = ("offline_transformer_mismatched", "pretrained_transformer_mismatched", "elmo_token_embedder")


@dataclass
class GridEntry:
    """
    One config of a grid, with the overrides of one variant.

    # Parameters

    config : `str`
        A training config file.
    overrides : `Dict[str, Any]`, optional (default = `{}`)
        AllenNLP overrides for this variant (`allennlp train -o`).
    system : `Optional[str]`, optional (default = `None`)
        The variant's name in the results; `None` takes the config's file name less its corpus
        (`srn_conll04_late.jsonnet` is `srn_late`).
    """

    config: str
    overrides: Dict[str, Any] = field(default_factory=dict)
    system: Optional[str] = None


@dataclass
class PlannedRun:
    """One training and evaluation of a grid, with everything its record will say."""

    record: RunRecord
    directory: str
    log: str
    environment: Dict[str, str]
    overrides: Dict[str, Any]
    evaluation_path: str


def system_name(config: str, corpus: str) -> str:
    """The config's file name without its extension and its corpus: `mge_conll04.jsonnet` is `mge`."""
    stem = os.path.basename(config).split(".")[0]
    return "_".join(part for part in stem.split("_") if part != corpus) or stem


def transformer_description(params: Dict[str, Any]) -> str:
    """
    The contextual embedders a parsed config's model reads, as the leaderboard names them:
    `offline` for the packaged MiniLM, a model name otherwise, `ELMo` for ELMo, with `frozen` for
    one that is not trained and `random weights` for one left unloaded (tiny runs); `none` when
    the model has none (GloVe-only RIN).
    """
    found: List[str] = []

    def visit(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") in TRANSFORMER_EMBEDDERS:
                name = {"offline_transformer_mismatched": "offline", "elmo_token_embedder": "ELMo"}.get(
                    node["type"], node.get("model_name", "")
                )
                if node.get("train_parameters") is False or node.get("requires_grad") is False:
                    name += " frozen"
                if node.get("load_weights") is False:
                    name += " random weights"
                found.append(name)
            for value in node.values():
                visit(value)
        elif isinstance(node, list):
            for value in node:
                visit(value)

    visit(params.get("model", {}).get("text_field_embedder", {}))
    return ", ".join(sorted(set(found))) or "none"


def recorded_variables(environment: Dict[str, str]) -> Dict[str, str]:
    """The configs' variables a run record keeps: those set to other than their defaults, less the recorded ones."""
    unrecorded = {"JOINTRE_DATA", "JOINTRE_EPOCHS", "JOINTRE_TRANSFORMER"} | {
        variable for variable, _ in FOLD_VARIABLES.values()
    }
    return {
        name: environment[name]
        for name, default in CONFIG_VARIABLE_DEFAULTS.items()
        if name not in unrecorded and environment.get(name, default) != default
    }


def seed_overrides(seed: int) -> Dict[str, int]:
    """Sets AllenNLP's three seeds, which the configs write out, to one value."""
    return {"random_seed": seed, "numpy_seed": seed, "pytorch_seed": seed}


def plan(
    entries: Sequence[GridEntry],
    seeds: Sequence[int],
    results: str,
    split: str = "test",
    epochs: Optional[int] = None,
    folds: Optional[Sequence[int]] = None,
) -> List[PlannedRun]:
    """
    Every run of the grid, in order: seeds, then entries, then the folds of a cross-validated corpus.
    Each config is parsed here with the run's variables, so a config that does not parse fails the
    plan before any training starts.

    # Parameters

    entries : `Sequence[GridEntry]`
        The configs and variants.
    seeds : `Sequence[int]`
        The seeds each variant trains with.
    results : `str`
        The results directory; runs go to `results/runs/<name>`, their logs to `results/logs`.
    split : `str`, optional (default = `"test"`)
        `test` or `dev`: the file each run is evaluated on.
    epochs : `Optional[int]`, optional (default = `None`)
        The epoch budget of every run (`JOINTRE_EPOCHS`); `None` keeps each config's.
    folds : `Optional[Sequence[int]]`, optional (default = `None`)
        The folds of cross-validated corpora to run; `None` runs them all.
    """
    if split not in SPLIT_KEYS:
        raise ValueError(f"split must be one of {', '.join(SPLIT_KEYS)}, not {split!r}")
    runs: List[PlannedRun] = []
    for entry in entries:
        base_environment = dict(os.environ)
        if epochs is not None:
            base_environment["JOINTRE_EPOCHS"] = str(epochs)
        params = _parse(entry, base_environment)
        corpus = params["dataset_reader"]["type"]
        fold_variable, corpus_folds = FOLD_VARIABLES.get(corpus, (None, (None,)))
        if folds is not None and fold_variable is not None:
            corpus_folds = tuple(fold for fold in corpus_folds if fold in folds)
        if not corpus_folds:
            raise ValueError(f"none of the folds {list(folds or [])} is a fold of {corpus} ({entry.config})")
        system = entry.system or system_name(entry.config, corpus)
        for fold in corpus_folds:
            environment = dict(base_environment)
            if fold_variable is not None:
                environment[fold_variable] = str(fold)
                params = _parse(entry, environment)
            evaluation_path = params.get(SPLIT_KEYS[split])
            if not evaluation_path:
                raise ValueError(f"{entry.config} has no {split} file ({SPLIT_KEYS[split]}) to evaluate on")
            for seed in seeds:
                name = f"{system}-{corpus}" + ("" if fold is None else f"-fold{fold}") + f"-seed{seed}"
                record = RunRecord(
                    name=name,
                    system=system,
                    corpus=corpus,
                    config=entry.config,
                    seed=seed,
                    fold=fold,
                    epochs=params["trainer"]["num_epochs"],
                    split=split,
                    transformer=transformer_description(params),
                    status="planned",
                    overrides=entry.overrides,
                    variables=recorded_variables(environment),
                )
                runs.append(
                    PlannedRun(
                        record=record,
                        directory=os.path.join(results, RUNS_DIRECTORY, name),
                        log=os.path.join(results, LOGS_DIRECTORY, f"{name}.log"),
                        environment=environment,
                        overrides={**seed_overrides(seed), **entry.overrides},
                        evaluation_path=evaluation_path,
                    )
                )
    # Every variant's first seed before any second one, so that a grid stopped early has them all.
    runs.sort(key=lambda run: list(seeds).index(run.record.seed))
    names = [run.record.name for run in runs]
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise ValueError(f"runs share a name: {', '.join(repeated)}; give the variants different `system` names")
    return runs


def _parse(entry: GridEntry, environment: Dict[str, str]) -> Dict[str, Any]:
    try:
        return Params.from_file(entry.config, json.dumps(entry.overrides), ext_vars=environment).as_dict(quiet=True)
    except Exception as error:
        raise ValueError(f"{entry.config} does not parse with overrides {entry.overrides}: {error}") from error


def run_grid(runs: Sequence[PlannedRun], cuda_device: int = -1, poll_seconds: float = 5.0) -> List[RunRecord]:
    """
    Trains and evaluates every run, each in turn, and returns their records. A finished run (its
    record says so) is skipped, unless it ran with other settings, which fails it with a message; a
    run whose training the grid recorded as complete is only evaluated; a run with checkpoints
    resumes from them (`allennlp train -r`); any other starts afresh in an empty directory. A run
    that fails is recorded with its error and the grid goes on.

    # Parameters

    runs : `Sequence[PlannedRun]`
        The runs of `plan`.
    cuda_device : `int`, optional (default = `-1`)
        The device evaluation runs on; training takes the config's.
    poll_seconds : `float`, optional (default = `5.0`)
        How often the progress display looks for a new epoch's metrics.
    """
    records = []
    for number, run in enumerate(runs, start=1):
        prefix = f"[{number}/{len(runs)}] {run.record.name}"
        previous = RunRecord.read(run.directory)
        if previous is not None and previous.status == "finished":
            differences = _setting_differences(previous, run.record)
            if not differences:
                print(f"{prefix}: finished before, skipped", flush=True)
                records.append(previous)
                continue
            record = replace(
                run.record,
                status="failed",
                error=f"{run.directory} holds a finished run with other settings ({differences}); "
                "give these settings another --results, or delete the directory to run it again",
            )
            print(f"{prefix}: FAILED: {record.error}", flush=True)
            records.append(record)
            continue
        record = _run_one(run, previous, prefix, cuda_device, poll_seconds)
        record.write(run.directory)
        if record.status == "finished":
            figures = ", ".join(
                f"{key} {100 * record.metrics[key]:.1f}" for key in PROGRESS_KEYS if key in record.metrics
            )
            print(f"{prefix}: finished: {run.record.split} {figures}", flush=True)
        else:
            print(f"{prefix}: FAILED: {record.error}", flush=True)
        records.append(record)
    return records


def _setting_differences(previous: RunRecord, planned: RunRecord) -> str:
    """What a recorded run ran with that the planned one does not, e.g. `split dev, not test`."""
    differences = []
    for name in ("config", "seed", "fold", "epochs", "split", "overrides", "variables"):
        old, new = getattr(previous, name), getattr(planned, name)
        if old != new:
            differences.append(f"{name} {json.dumps(old)}, not {json.dumps(new)}")
    return "; ".join(differences)


def _run_one(
    run: PlannedRun, previous: Optional[RunRecord], prefix: str, cuda_device: int, poll_seconds: float
) -> RunRecord:
    record = replace(run.record, metrics={})
    archive = os.path.join(run.directory, "model.tar.gz")
    if not os.path.isfile(run.evaluation_path):
        record.status = "failed"
        record.error = f"the {record.split} file {run.evaluation_path} does not exist, so the run was not trained"
        return record
    try:
        trained = previous is not None and previous.epochs_trained is not None and os.path.isfile(archive)
        if trained:
            record.epochs_trained = previous.epochs_trained
            record.best_epoch = previous.best_epoch
            record.training_seconds = previous.training_seconds
        else:
            _train(run, prefix, poll_seconds)
            _read_training(run.directory, record)
            # Recorded before evaluating, so that a rerun after a failed evaluation does not train again.
            replace(record, status="trained").write(run.directory)
        print(f"{prefix}: evaluating on {run.evaluation_path}", flush=True)
        _evaluate(run, archive, cuda_device, record)
    except RunFailed as failure:
        record.status, record.error = "failed", str(failure)
        return record
    except Exception as error:
        record.status, record.error = "failed", f"{type(error).__name__}: {error}"
        return record
    record.status = "finished"
    return record


class RunFailed(Exception):
    """A run's training process failed; the message says how and where its log is."""


SESSIONS_FILE = "grid_sessions.json"
"""The training seconds of the stopped sessions of a resumed run, and the last epoch they counted."""


def _train(run: PlannedRun, prefix: str, poll_seconds: float) -> None:
    # A model or metrics the grid has not recorded come from a training stopped by a signal (AllenNLP
    # archives the best weights so far when interrupted) or killed while archiving: not a finished one.
    for name in ("model.tar.gz", "metrics.json"):
        path = os.path.join(run.directory, name)
        if os.path.isfile(path):
            os.remove(path)
    resume = bool(glob.glob(os.path.join(run.directory, "model_state_*.th")))
    if resume:
        _check_same_config(run)
        _count_stopped_session(run.directory)
    elif os.path.isdir(run.directory):
        # Nothing to resume from: a run stopped before its first checkpoint, or a failed one.
        shutil.rmtree(run.directory)
    os.makedirs(os.path.dirname(run.log), exist_ok=True)
    command = [
        sys.executable, "-m", "allennlp", "train", run.record.config,
        "-s", run.directory,
        "-o", json.dumps(run.overrides),
        "--include-package", "jointre_plugins",
        "--file-friendly-logging",
    ] + (["-r"] if resume else [])
    print(f"{prefix}: {'resuming from its checkpoints' if resume else 'training'} (log: {run.log})", flush=True)
    with open(run.log, "a") as log:
        attempt_start = log.tell()
        process = subprocess.Popen(command, env=run.environment, stdout=log, stderr=subprocess.STDOUT)
        try:
            _follow(process, run.directory, prefix, poll_seconds)
        finally:
            # The grid stopped (an error, Ctrl-C, SIGTERM): the training stops with it, not behind it.
            if process.poll() is None:
                process.terminate()
                process.wait()
    if process.returncode != 0:
        how = (
            f"was killed by signal {-process.returncode}"
            if process.returncode < 0
            else f"exited with status {process.returncode}"
        )
        raise RunFailed(f"allennlp train {how}: {_last_error(run.log, attempt_start)} (log: {run.log})")


def _check_same_config(run: PlannedRun) -> None:
    """`allennlp train -r` needs the config the checkpoints were trained with; say plainly when it differs."""
    planned = Params.from_file(run.record.config, json.dumps(run.overrides), ext_vars=run.environment)
    saved = Params.from_file(os.path.join(run.directory, "config.json"))
    planned_values, saved_values = planned.as_flat_dict(), saved.as_flat_dict()
    differing = sorted(
        key
        for key in set(planned_values) | set(saved_values)
        if planned_values.get(key, "(absent)") != saved_values.get(key, "(absent)")
    )
    if differing:
        raise RunFailed(
            f"its checkpoints in {run.directory} were trained with another config (it differs at "
            f"{', '.join(differing)}); delete the directory to train the run afresh, or give these settings "
            "another --results"
        )


def _count_stopped_session(directory: str) -> None:
    """
    Adds the training time of the session that wrote the newest epoch metrics to the run's sessions
    file, once: AllenNLP's `training_duration` restarts with every `allennlp train -r`.
    """
    sessions = _sessions(directory)
    epoch_files = epoch_metrics_files(directory)
    if not epoch_files:
        return
    newest = max(epoch_files)
    if newest <= sessions["through_epoch"]:
        return
    with open(epoch_files[newest]) as file:
        duration = json.load(file)["training_duration"]
    sessions["seconds"] += _duration_seconds(duration)
    sessions["through_epoch"] = newest
    with open(os.path.join(directory, SESSIONS_FILE), "w") as file:
        json.dump(sessions, file)


def _sessions(directory: str) -> Dict[str, Any]:
    path = os.path.join(directory, SESSIONS_FILE)
    if not os.path.isfile(path):
        return {"seconds": 0.0, "through_epoch": -1}
    with open(path) as file:
        return json.load(file)


def _follow(process: subprocess.Popen, directory: str, prefix: str, poll_seconds: float) -> None:
    """Waits for the training, printing each epoch's metrics as AllenNLP writes them."""
    shown = set(epoch_metrics_files(directory))
    while True:
        try:
            process.wait(timeout=poll_seconds)
            finished = True
        except subprocess.TimeoutExpired:
            finished = False
        epoch_files = epoch_metrics_files(directory)
        for epoch in sorted(set(epoch_files) - shown):
            summary = _epoch_summary(epoch_files[epoch])
            if summary is not None:
                shown.add(epoch)
                print(f"{prefix}: {summary}", flush=True)
        if finished:
            return


def _epoch_summary(path: str) -> Optional[str]:
    """One line of an epoch's metrics; `None` while AllenNLP is still writing the file."""
    try:
        with open(path) as file:
            metrics = json.load(file)
    except (OSError, ValueError):
        return None
    parts = [f"epoch {metrics['epoch'] + 1}"]
    for phase in ("training", "validation"):
        values = [
            f"{key} {100 * metrics[f'{phase}_{key}']:.1f}" for key in PROGRESS_KEYS if f"{phase}_{key}" in metrics
        ]
        if values:
            parts.append(f"{phase} " + ", ".join(values))
    return "; ".join(parts)


def _last_error(log: str, start: int) -> str:
    """The last line of this attempt's output (from `start` in the log) naming an error, else its last line."""
    with open(log) as file:
        file.seek(start)
        lines = [line.strip() for line in file if line.strip()]
    for line in reversed(lines):
        if "Error" in line or "error" in line:
            return line
    return lines[-1] if lines else "no output"


def _read_training(directory: str, record: RunRecord) -> None:
    """
    The epochs and training time of a finished training. A resumed training that had every epoch
    done runs none and writes no epoch figures to metrics.json: the newest epoch's file has them.
    """
    with open(os.path.join(directory, "metrics.json")) as file:
        metrics = json.load(file)
    if "epoch" not in metrics:
        epoch_files = epoch_metrics_files(directory)
        with open(epoch_files[max(epoch_files)]) as file:
            metrics = {**json.load(file), "training_duration": "0:00:00"}
    record.epochs_trained = metrics["epoch"] + 1
    record.best_epoch = metrics.get("best_epoch")
    record.training_seconds = _sessions(directory)["seconds"] + _duration_seconds(metrics["training_duration"])


def _duration_seconds(duration: str) -> float:
    """AllenNLP writes `training_duration` as `str(datetime.timedelta)`: `H:MM:SS[.ffffff]`, maybe with days."""
    days = 0
    if "day" in duration:
        day_part, duration = duration.split(", ")
        days = int(day_part.split()[0])
    hours, minutes, seconds = duration.split(":")
    return datetime.timedelta(days=days, hours=int(hours), minutes=int(minutes), seconds=float(seconds)).total_seconds()


def _evaluate(run: PlannedRun, archive_path: str, cuda_device: int, record: RunRecord) -> None:
    """
    AllenNLP's evaluation of the archive on the run's split, as `allennlp evaluate` does it (the
    archive's validation reader and loader), timed around the evaluation loop alone: the file is
    read and indexed before.
    """
    archive = load_archive(archive_path, cuda_device=cuda_device)
    config = archive.config.duplicate()
    loader_params = config.get("validation_data_loader", None) or config.get("data_loader")
    # Without a chunk size the loader keeps the instances it reads, so the timed loop reads nothing.
    loader_params.pop("max_instances_in_memory", None)
    loader = DataLoader.from_params(
        params=loader_params, reader=archive.validation_dataset_reader, data_path=run.evaluation_path
    )
    loader.index_with(archive.model.vocab)
    record.evaluation_sentences = sum(1 for _ in loader.iter_instances())
    predictions = os.path.join(run.directory, PREDICTIONS_FILE)
    start = time.perf_counter()
    metrics = evaluate(archive.model, loader, cuda_device=cuda_device, predictions_output_file=predictions)
    record.evaluation_seconds = time.perf_counter() - start
    record.metrics = {key: float(value) for key, value in metrics.items()}
