"""
The leaderboard of a grid's results: one row per system and corpus over its finished runs (every seed
and fold), as a Markdown table of `mean ± std` in percent, a CSV of the unrounded means and standard
deviations, and three plots (F1 bars, dev learning curves, speed against accuracy).
"""
import json
import math
import os
from dataclasses import dataclass
from typing import Any, Dict, FrozenSet, List, Optional, Sequence, Tuple

import matplotlib
import pandas
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.transforms import blended_transform_factory
from tabulate import tabulate

from jointre_plugins.harness.run_record import RUNS_DIRECTORY, RunRecord, epoch_metrics_files, read_records

MARKDOWN_FILE = "leaderboard.md"
CSV_FILE = "leaderboard.csv"
F1_PLOT_FILE = "f1.png"
LEARNING_CURVES_FILE = "learning_curves.png"
SPEED_ACCURACY_FILE = "speed_accuracy.png"

MACRO_CORPORA = frozenset({"ade", "conll04"})
"""The corpora whose papers report macro F1 (mean over types) next to micro F1."""
CASREL_CORPORA = frozenset({"nyt", "webnlg"})
"""The corpora of CasRel's evaluation, whose papers report Partial Match next to Exact Match."""

FINISHED = "finished"
FAILED = "failed"


@dataclass(frozen=True)
class Score:
    """
    A metric of AllenNLP's evaluation that the leaderboard reports in percent.

    # Parameters

    key : `str`
        The metric's key in a run record's `metrics` (and, prefixed with `validation_`, in the
        trainer's `metrics_epoch_<K>.json`).
    header : `str`
        The column's name in the Markdown table.
    corpora : `Optional[FrozenSet[str]]`
        The only corpora the score is reported for, `None` for all of them.
    """

    key: str
    header: str
    corpora: Optional[FrozenSet[str]] = None

    def reported_on(self, corpus: str) -> bool:
        """Whether the leaderboard shows the score for `corpus`."""
        return self.corpora is None or corpus in self.corpora


SCORES = (
    Score("ner_f1", "NER F1"),
    Score("ner_in_triple_f1", "NER in-triple F1"),
    Score("ner_out_triple_f1", "NER out-of-triple F1"),
    Score("rel_f1", "Rel boundaries F1"),
    Score("rel_strict_f1", "Rel strict F1"),
    Score("ner_macro_f1", "NER macro F1", MACRO_CORPORA),
    Score("rel_strict_macro_f1", "Rel strict macro F1", MACRO_CORPORA),
    Score("rel_partial_f1", "Partial Match", CASREL_CORPORA),
)

COSTS = {
    "epochs_trained": "Epochs",
    "training_minutes": "Training min",
    "sentences_per_second": "Sentences/s",
}
"""What a run cost, reported as a mean only in the Markdown (with its std in the CSV), by column and header."""


def run_frame(records: Sequence[RunRecord]) -> pandas.DataFrame:
    """
    One row per finished run of `records`: its identity, scores in percent (missing where the
    evaluation lacked the metric or the score is not reported on the corpus) and costs.
    """
    rows = []
    for record in records:
        if record.status != FINISHED:
            continue
        row: Dict[str, Any] = {
            "name": record.name,
            "system": record.system,
            "corpus": record.corpus,
            "seed": record.seed,
            "fold": record.fold,
            "split": record.split,
            "epochs": record.epochs,
            "transformer": record.transformer,
            "settings": _settings(record),
        }
        for score in SCORES:
            value = record.metrics.get(score.key)
            row[score.key] = 100 * value if value is not None and score.reported_on(record.corpus) else math.nan
        row["epochs_trained"] = _number(record.epochs_trained)
        row["training_minutes"] = _number(record.training_seconds) / 60
        row["sentences_per_second"] = _number(record.sentences_per_second)
        rows.append(row)
    frame = pandas.DataFrame(rows)
    if not frame.empty:
        # Nullable integers, so that a run without fold or epoch budget does not turn the others into floats.
        frame = frame.astype({"fold": "Int64", "epochs": "Int64"})
    return frame


def _settings(record: RunRecord) -> str:
    """The run's changed variables and its variant's overrides, `defaults` when it has neither."""
    parts = [f"{name}={value}" for name, value in sorted(record.variables.items())]
    if record.overrides:
        parts.append(f"overrides {json.dumps(record.overrides, sort_keys=True)}")
    return " ".join(parts) or "defaults"


def _number(value: Optional[float]) -> float:
    return math.nan if value is None else float(value)


def sample_standard_deviation(values: pandas.Series) -> float:
    """The standard deviation with ddof=1 of the present values, 0.0 for one value and NaN for none."""
    present = values.dropna()
    if present.empty:
        return math.nan
    if len(present) == 1:
        return 0.0
    return float(present.std(ddof=1))


def _distinct(values: pandas.Series, missing: str = "") -> str:
    """The distinct values, sorted and comma-separated, `missing` standing for absent ones."""
    present = sorted(values.dropna().unique().tolist())
    labels = [str(value) for value in present]
    if values.isna().any() and missing:
        labels.append(missing)
    return ", ".join(labels)


def aggregate(runs: pandas.DataFrame) -> pandas.DataFrame:
    """
    One row per (system, corpus) of a `run_frame`: counts of runs, seeds and folds, how the runs were
    obtained, and `<column>_mean` and `<column>_std` of every score and cost, sorted by corpus, then
    relation strict F1 from best to worst.
    """
    rows = []
    for (system, corpus), group in runs.groupby(["system", "corpus"], sort=True):
        row: Dict[str, Any] = {
            "system": system,
            "corpus": corpus,
            "runs": len(group),
            "seeds": group["seed"].nunique(),
            "folds": group["fold"].nunique(),
            "split": _distinct(group["split"]),
            "seed_list": _distinct(group["seed"]),
            "fold_list": _distinct(group["fold"]),
            "epoch_budget": _distinct(group["epochs"], missing="config's own"),
            "transformer": _distinct(group["transformer"]),
            "settings": _distinct(group["settings"]),
        }
        for column in [score.key for score in SCORES] + list(COSTS):
            row[f"{column}_mean"] = group[column].mean()
            row[f"{column}_std"] = sample_standard_deviation(group[column])
        rows.append(row)
    summary = pandas.DataFrame(rows)
    summary = summary.sort_values(
        ["corpus", "rel_strict_f1_mean"], ascending=[True, False], na_position="last", kind="stable"
    )
    return summary.reset_index(drop=True)


def mean_and_std(mean: float, std: float) -> str:
    """A Markdown cell `mean ± std` with one decimal, empty when there is no mean."""
    if math.isnan(mean):
        return ""
    return f"{mean:.1f} ± {std:.1f}"


def _mean_only(mean: float) -> str:
    return "" if math.isnan(mean) else f"{mean:.1f}"


def markdown_table(summary: pandas.DataFrame) -> str:
    """The table of an `aggregate` summary, in Markdown (tabulate's pipe format)."""
    headers = ["System", "Corpus", "Runs", "Seeds", "Folds"]
    headers += [score.header for score in SCORES] + list(COSTS.values())
    rows = []
    for row in summary.itertuples(index=False):
        cells = [row.system, row.corpus, str(row.runs), str(row.seeds), str(row.folds)]
        cells += [mean_and_std(getattr(row, f"{score.key}_mean"), getattr(row, f"{score.key}_std")) for score in SCORES]
        cells += [_mean_only(getattr(row, f"{column}_mean")) for column in COSTS]
        rows.append(cells)
    # Cells stay as written (tabulate would re-parse "62.5" and drop its trailing zeros in "80.0"),
    # so the numbers' right alignment is asked for explicitly.
    alignment = ["left", "left"] + ["right"] * (len(headers) - 2)
    return tabulate(rows, headers=headers, tablefmt="pipe", disable_numparse=True, colalign=alignment)


TABLE_NOTES = (
    "Scores are in percent: the mean ± the sample standard deviation (ddof=1, 0.0 for a single run) over the "
    "finished runs of a system on a corpus, all seeds and folds together. "
    f"`{CSV_FILE}` holds the same means and standard deviations unrounded.",
    "NER F1: entity span and type. NER in-triple / out-of-triple F1: NER on the entities that take part in a "
    "relation / in none. Rel boundaries F1: both argument spans and the relation type. Rel strict F1: both "
    "argument spans, both entity types and the relation type.",
    "NER macro F1 and Rel strict macro F1 (mean over types) are given on "
    + ", ".join(sorted(MACRO_CORPORA))
    + " only, the corpora whose papers report macro F1.",
    "Partial Match (CasRel's: the last word of each argument and the relation type) is given on "
    + ", ".join(sorted(CASREL_CORPORA))
    + " only. Their Exact Match (whole argument strings) is the Rel strict F1 of the `_exact` configs: "
    "these corpora have a single entity type, so strict adds nothing to the boundaries.",
    "Epochs: epochs trained. Training min: wall-clock minutes of training. Sentences/s: prediction throughput "
    "on the evaluated split. All three are means over the runs.",
)


def provenance(summary: pandas.DataFrame) -> str:
    """A Markdown list saying, per row of an `aggregate` summary, how its numbers were obtained."""
    lines = []
    for row in summary.itertuples(index=False):
        folds = row.fold_list or "none"
        lines.append(
            f"- **{row.system}** on **{row.corpus}**: split {row.split}; seeds {row.seed_list}; folds {folds}; "
            f"epoch budget {row.epoch_budget}; transformer {row.transformer}; settings {row.settings}."
        )
    return "\n".join(lines)


def failed_runs(records: Sequence[RunRecord]) -> str:
    """A Markdown list of the failed runs of `records` with their errors."""
    lines = []
    for record in records:
        if record.status != FAILED:
            continue
        fold = "" if record.fold is None else f", fold {record.fold}"
        # Indented continuation lines keep a multi-line error inside its list item.
        error = "\n  ".join((record.error or "no error recorded").splitlines())
        lines.append(f"- `{record.name}` ({record.system} on {record.corpus}, seed {record.seed}{fold}): {error}")
    return "\n".join(lines) if lines else "No run failed."


def leaderboard_markdown(results: str, summary: pandas.DataFrame, records: Sequence[RunRecord]) -> str:
    """
    The whole Markdown of the leaderboard: the table and its notes, how each row was obtained and the
    failed runs.

    # Parameters

    results : `str`
        The results directory the records were read from, named in the text.
    summary : `pandas.DataFrame`
        The `aggregate` of the finished runs of `records`.
    records : `Sequence[RunRecord]`
        Every record of the results directory, finished or failed.
    """
    finished = sum(record.status == FINISHED for record in records)
    failed = sum(record.status == FAILED for record in records)
    notes = "\n".join(f"- {note}" for note in TABLE_NOTES)
    return (
        "# Leaderboard\n\n"
        f"{finished} finished and {failed} failed runs in `{results}`.\n\n"
        f"{markdown_table(summary)}\n\n"
        f"{notes}\n\n"
        "## How each number was obtained\n\n"
        f"{provenance(summary)}\n\n"
        "## Failed runs\n\n"
        f"{failed_runs(records)}\n"
    )


def read_learning_curve(run_directory: str) -> pandas.DataFrame:
    """
    The dev learning curve of a run from the trainer's `metrics_epoch_<K>.json` files: columns `epoch`
    (epochs trained, K + 1), `rel_strict_f1` and `ner_f1` (percent, NaN where absent); epochs
    without either validation metric are left out, so a run trained without a dev file gives no row.
    """
    rows = []
    for epoch, path in epoch_metrics_files(run_directory).items():
        with open(path) as file:
            metrics = json.load(file)
        rel_strict_f1 = metrics.get("validation_rel_strict_f1")
        ner_f1 = metrics.get("validation_ner_f1")
        if rel_strict_f1 is None and ner_f1 is None:
            continue
        rows.append(
            {
                "epoch": epoch + 1,
                "rel_strict_f1": 100 * _number(rel_strict_f1),
                "ner_f1": 100 * _number(ner_f1),
            }
        )
    curve = pandas.DataFrame(rows, columns=["epoch", "rel_strict_f1", "ner_f1"])
    return curve.sort_values("epoch").reset_index(drop=True)


def learning_curves(results: str, records: Sequence[RunRecord]) -> Dict[str, pandas.DataFrame]:
    """The dev learning curve of every run of `records` that has one, by run name."""
    curves = {}
    for record in records:
        curve = read_learning_curve(os.path.join(results, RUNS_DIRECTORY, record.name))
        if not curve.empty:
            curves[record.name] = curve
    return curves


def _new_figure(width: float, height: float, panels: int = 1) -> Tuple[Figure, List[Axes]]:
    # Drawn on an Agg canvas directly rather than through pyplot: no display is needed, and no global
    # backend is switched under the caller.
    figure = Figure(figsize=(width, height), layout="constrained")
    FigureCanvasAgg(figure)
    return figure, list(figure.subplots(panels, 1, squeeze=False)[:, 0])


def bar_positions(corpora: Sequence[str]) -> List[float]:
    """One x position per bar, consecutive within a corpus, one bar's width apart between corpora."""
    positions: List[float] = []
    for index, corpus in enumerate(corpora):
        if index == 0:
            positions.append(0.0)
        else:
            positions.append(positions[-1] + (1.0 if corpus == corpora[index - 1] else 2.0))
    return positions


def _label_corpora(axis: Axes, corpora: Sequence[str], positions: Sequence[float]) -> None:
    """Names each corpus above its group of bars and separates the groups with dotted lines."""
    above_the_axes = blended_transform_factory(axis.transData, axis.transAxes)
    group_start = 0
    for index in range(1, len(corpora) + 1):
        if index < len(corpora) and corpora[index] == corpora[group_start]:
            continue
        center = (positions[group_start] + positions[index - 1]) / 2
        axis.text(center, 1.01, corpora[group_start], transform=above_the_axes, ha="center", va="bottom")
        if index < len(corpora):
            axis.axvline((positions[index - 1] + positions[index]) / 2, color="grey", linestyle=":")
        group_start = index


def plot_f1(summary: pandas.DataFrame, path: str) -> None:
    """
    Writes to `path` bars of relation strict F1 (top panel) and NER F1 (bottom panel) per system,
    grouped by corpus, with the standard deviation as error bars.
    """
    corpora = summary["corpus"].tolist()
    positions = bar_positions(corpora)
    systems = sorted(summary["system"].unique())
    # One color per system, the same on every corpus; tab20 tells up to 20 systems apart.
    palette = matplotlib.colormaps["tab20"]
    colors = [palette(systems.index(system) % palette.N) for system in summary["system"]]
    figure, axes = _new_figure(max(6.0, 0.5 * len(positions) + 2.0), 8.0, panels=2)
    for axis, key, title in zip(axes, ("rel_strict_f1", "ner_f1"), ("Relation strict F1", "NER F1")):
        axis.bar(positions, summary[f"{key}_mean"], yerr=summary[f"{key}_std"], color=colors, capsize=3)
        axis.set_ylabel(f"{title} (%)")
        axis.set_xticks(positions, summary["system"].tolist(), rotation=45, ha="right")
        _label_corpora(axis, corpora, positions)
    figure.savefig(path)


def plot_learning_curves(curves: Dict[str, pandas.DataFrame], path: str) -> None:
    """
    Writes to `path` the dev relation strict F1 (top panel) and NER F1 (bottom panel) of each run
    against its epochs, one line per run of `curves` (as `learning_curves` gives them).
    """
    figure, axes = _new_figure(8.0, 8.0 + 0.25 * math.ceil(len(curves) / 2), panels=2)
    for axis, key, title in zip(axes, ("rel_strict_f1", "ner_f1"), ("Dev relation strict F1", "Dev NER F1")):
        for name, curve in curves.items():
            axis.plot(curve["epoch"], curve[key], marker=".", label=name)
        axis.set_xlabel("epoch")
        axis.set_ylabel(f"{title} (%)")
        if not curves:
            axis.text(
                0.5, 0.5, "No run has validation metrics (no dev file)", transform=axis.transAxes, ha="center"
            )
    if curves:
        figure.legend(*axes[0].get_legend_handles_labels(), loc="outside lower center", ncols=2, fontsize="small")
    figure.savefig(path)


def plot_speed_accuracy(summary: pandas.DataFrame, path: str) -> None:
    """
    Writes to `path` the relation strict F1 of each (system, corpus) of `summary` against its
    prediction sentences per second (log scale), with the F1's standard deviation as error bars and
    one color per corpus; rows without either number are left out.
    """
    figure, (axis,) = _new_figure(8.0, 6.0)
    measured = summary.dropna(subset=["sentences_per_second_mean", "rel_strict_f1_mean"])
    for corpus, rows in measured.groupby("corpus", sort=True):
        axis.errorbar(
            rows["sentences_per_second_mean"],
            rows["rel_strict_f1_mean"],
            yerr=rows["rel_strict_f1_std"],
            fmt="o",
            capsize=3,
            label=corpus,
        )
        for row in rows.itertuples(index=False):
            axis.annotate(
                row.system,
                (row.sentences_per_second_mean, row.rel_strict_f1_mean),
                textcoords="offset points",
                xytext=(4, 4),
                fontsize="small",
            )
    axis.set_xlabel("prediction sentences/s")
    axis.set_ylabel("Relation strict F1 (%)")
    if measured.empty:
        axis.text(0.5, 0.5, "No run has a prediction speed", transform=axis.transAxes, ha="center")
    else:
        axis.set_xscale("log")
        axis.legend(title="corpus")
    figure.savefig(path)


def write_leaderboard(results: str, output: str) -> str:
    """
    Writes the leaderboard of the grid results in `results` to `output` (created when missing):
    `leaderboard.md`, `leaderboard.csv`, `f1.png`, `learning_curves.png` and `speed_accuracy.png`,
    and returns the Markdown. Raises a `ValueError` when `results` holds no finished run.
    """
    records = read_records(results)
    runs = run_frame(records)
    if runs.empty:
        raise ValueError(f"No finished run in {results}: its {RUNS_DIRECTORY}/ holds no run.json of status finished")
    summary = aggregate(runs)
    os.makedirs(output, exist_ok=True)
    markdown = leaderboard_markdown(results, summary, records)
    with open(os.path.join(output, MARKDOWN_FILE), "w") as file:
        file.write(markdown)
    summary.to_csv(os.path.join(output, CSV_FILE), index=False)
    plot_f1(summary, os.path.join(output, F1_PLOT_FILE))
    plot_learning_curves(learning_curves(results, records), os.path.join(output, LEARNING_CURVES_FILE))
    plot_speed_accuracy(summary, os.path.join(output, SPEED_ACCURACY_FILE))
    return markdown
