"""
ADE 10-fold cross-validation of Deeper task-specificity (or any config that reads JOINTRE_ADE_FOLD):
trains and tests every fold and prints, per fold and as mean +- standard deviation over the folds,
the macro and micro NER F1 and strict relation F1 of the fold's test file (the paper reports the
macro figures averaged over the folds).

Each fold runs `allennlp train` into --runs/fold_<k> with JOINTRE_ADE_FOLD=k and
JOINTRE_EVALUATE_ON_TEST=true; the run directories are kept. A fold whose metrics.json holds its
test figures is done and not trained again; a fold with checkpoints resumes from them (`allennlp
train -r`); a fold directory without any is started afresh. So an interrupted run resumes without
redoing finished folds. A fold that fails is reported and the others still run; the command then
exits with status 1. The table and summary.json in --runs are written from the finished folds.
Other variables (JOINTRE_EPOCHS, JOINTRE_SIZE, ...) pass through to the training; a finished fold
counts as done whatever settings it ran with, so give another config or setting its own --runs.

    python scripts/ade_cross_validation.py --data ../shared/datasets --runs runs/ade_cv
    python scripts/ade_cross_validation.py --runs runs/ade_cv --folds 0 1 2 --table-only
"""
import argparse
import glob
import json
import os
import shutil
import statistics
import subprocess
import sys
from typing import Dict, List, Optional

REPOSITORY = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

FIGURES = {
    "ner_macro_f1": "NER macro F1",
    "ner_f1": "NER micro F1",
    "rel_strict_macro_f1": "RE macro F1",
    "rel_strict_f1": "RE micro F1",
}
"""The test metrics reported per fold, by their key in the metric, with their column titles."""


def fold_directory(runs: str, fold: int) -> str:
    return os.path.join(runs, f"fold_{fold}")


def finished_figures(directory: str) -> Optional[Dict[str, float]]:
    """The fold's test figures (percent) if its training has ended with a test evaluation, else `None`."""
    path = os.path.join(directory, "metrics.json")
    if not os.path.isfile(path):
        return None
    with open(path) as file:
        metrics = json.load(file)
    if not all(f"test_{key}" in metrics for key in FIGURES):
        return None
    return {key: 100.0 * metrics[f"test_{key}"] for key in FIGURES}


def train_fold(config: str, directory: str, fold: int, data: Optional[str]) -> None:
    """Trains and tests one fold, resuming from its checkpoints when it has any."""
    command = [sys.executable, "-m", "allennlp", "train", config, "-s", directory, "--include-package", "jointre_plugins"]
    has_checkpoints = bool(glob.glob(os.path.join(directory, "model_state_*.th")))
    if has_checkpoints:
        command.append("-r")
        print(f"fold {fold}: resuming from the checkpoints in {directory}", flush=True)
    else:
        if os.path.isfile(os.path.join(directory, "model.tar.gz")):
            raise RuntimeError(
                f"fold {fold}: {directory} holds a model but neither checkpoints nor test metrics; "
                "evaluate it with allennlp evaluate, or delete the directory to train the fold again"
            )
        if os.path.isdir(directory):
            # A run stopped before its first checkpoint has nothing to resume.
            shutil.rmtree(directory)
        print(f"fold {fold}: training into {directory}", flush=True)
    environment = dict(os.environ, JOINTRE_ADE_FOLD=str(fold), JOINTRE_EVALUATE_ON_TEST="true")
    if data is not None:
        environment["JOINTRE_DATA"] = data
    if subprocess.run(command, env=environment, cwd=REPOSITORY).returncode != 0:
        raise RuntimeError(f"fold {fold}: allennlp train failed (its output is above)")
    if finished_figures(directory) is None:
        raise RuntimeError(f"fold {fold}: training ended without test metrics in {directory}/metrics.json")


def table(figures: Dict[int, Dict[str, float]]) -> str:
    """Per fold, then mean +- sample standard deviation over the folds (0 for one fold)."""
    header = "fold  " + "  ".join(f"{title:>14}" for title in FIGURES.values())
    lines = [header]
    for fold, values in sorted(figures.items()):
        lines.append(f"{fold:>4}  " + "  ".join(f"{values[key]:>14.2f}" for key in FIGURES))
    summary = summarize(figures)
    lines.append(
        "mean  " + "  ".join(f"{summary[key]['mean']:>7.2f} +- {summary[key]['std']:<4.2f}" for key in FIGURES)
    )
    return "\n".join(lines)


def summarize(figures: Dict[int, Dict[str, float]]) -> Dict[str, Dict[str, float]]:
    summary = {}
    for key in FIGURES:
        values = [fold_figures[key] for fold_figures in figures.values()]
        summary[key] = {
            "mean": statistics.fmean(values),
            "std": statistics.stdev(values) if len(values) > 1 else 0.0,
        }
    return summary


def main(arguments: List[str]) -> Dict[int, Dict[str, float]]:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", required=True, help="the directory of the folds' run directories")
    parser.add_argument("--config", default="training_configs/deeper_ade.jsonnet")
    parser.add_argument("--data", default=None, help="the corpora directory (JOINTRE_DATA), holding ade/")
    parser.add_argument("--folds", type=int, nargs="+", default=list(range(10)), choices=range(10))
    parser.add_argument("--table-only", action="store_true", help="report the finished folds, train none")
    options = parser.parse_args(arguments)
    runs = os.path.abspath(options.runs)
    config = os.path.abspath(options.config)
    data = None if options.data is None else os.path.abspath(options.data)
    figures: Dict[int, Dict[str, float]] = {}
    failed: List[int] = []
    for fold in options.folds:
        directory = fold_directory(runs, fold)
        done = finished_figures(directory)
        if done is None and not options.table_only:
            try:
                train_fold(config, directory, fold, data)
            except RuntimeError as error:
                print(error, flush=True)
                failed.append(fold)
            done = finished_figures(directory)
        elif done is not None:
            print(f"fold {fold}: done, kept ({directory})", flush=True)
        if done is not None:
            figures[fold] = done
    missing = sorted(set(options.folds) - set(figures))
    if figures:
        print(table(figures) + (f"\nfolds not finished: {missing}" if missing else ""))
        with open(os.path.join(runs, "summary.json"), "w") as file:
            summary = {"folds": figures, "summary": summarize(figures), "unfinished": missing, "failed": failed}
            json.dump(summary, file, indent=2)
    else:
        print("no fold has finished")
    if failed:
        sys.exit(f"folds that failed: {failed}")
    return figures


if __name__ == "__main__":
    main(sys.argv[1:])
