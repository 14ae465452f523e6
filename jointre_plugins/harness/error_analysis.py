"""
The relation errors of each system (on each corpus), counted from prediction files by the six
types of the Cascade-SRN paper's appendix E, as a table, a CSV file and a plot.
"""
import csv
import os
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Sequence, Tuple

from matplotlib.figure import Figure
from tabulate import tabulate

from jointre_plugins.analysis.relation_errors import ERROR_TYPES, relation_errors
from jointre_plugins.data.formats import parse_spert_record, read_json_lines
from jointre_plugins.data.structures import CorpusFormatError, Sentence
from jointre_plugins.harness.run_record import PREDICTIONS_FILE, RUNS_DIRECTORY, read_records

ERROR_ABBREVIATIONS = {
    "relation_type_error": "RTE",
    "relation_not_found": "RNF",
    "entity_type_error": "ETE",
    "entity_not_found": "ENF",
    "relation_match_error": "RME",
    "entity_span_error": "ESE",
}
"""The paper's short name of each of `ERROR_TYPES`, the table's column headers."""

TABLE_FILE = "relation_errors.md"
CSV_FILE = "relation_errors.csv"
PLOT_FILE = "relation_errors.png"

NO_GOLD = (
    "has no gold: run allennlp predict on a corpus file with --use-dataset-reader, "
    "or on lines with entities/relations"
)
PREDICTION_KEYS = ("tokens", "entities", "relations")
FAILED_LINE_KEYS = {"line", "error"}

SentencePair = Tuple[Sentence, Sentence]


@dataclass
class PredictionPairs:
    """
    The (prediction, gold) sentence pairs of one prediction file.

    # Parameters

    path : `str`
        The prediction file.
    pairs : `List[SentencePair]`
        The predicted and the gold sentence of every prediction, in the file's order.
    failed_lines : `int`
        The `{"line", "error"}` records of input lines the predictor could not predict, skipped.
    """

    path: str
    pairs: List[SentencePair] = field(default_factory=list)
    failed_lines: int = 0


def read_prediction_pairs(path: str) -> PredictionPairs:
    """
    Reads a prediction file of the joint extraction models in either of its two JSON-lines forms:
    a record per sentence, `{"tokens", "entities", "relations", "gold"}`, as `allennlp predict`
    writes it with the `joint_extraction` predictor; or a record per batch holding a list of each
    of those keys, as `allennlp evaluate --predictions-output-file` and the grid runner write it.

    A prediction without gold, a line that is not UTF-8 or not JSON, or a record of neither form
    raises `CorpusFormatError` naming the file and the line.

    # Parameters

    path : `str`
        The prediction file.
    """
    predictions = PredictionPairs(path)
    for where, record in read_json_lines(path):
        if isinstance(record, dict) and set(record) == FAILED_LINE_KEYS:
            predictions.failed_lines += 1
        elif isinstance(record, dict) and _is_batch(record):
            predictions.pairs.extend(_batch_pairs(record, path, where))
        else:
            predictions.pairs.append(_pair(record, path, where))
    return predictions


def _is_batch(record: Dict[str, Any]) -> bool:
    tokens = record.get("tokens")
    return isinstance(tokens, list) and bool(tokens) and isinstance(tokens[0], list)


def _batch_pairs(batch: Dict[str, Any], path: str, where: str) -> List[SentencePair]:
    """The pairs of a batch record, whose every key holds one item per sentence."""
    size = len(batch["tokens"])
    items = {key: batch.get(key, [None] * size) for key in PREDICTION_KEYS + ("gold",)}
    for key, values in items.items():
        if not isinstance(values, list) or len(values) != size:
            raise CorpusFormatError(path, where, f'a batch of {size} sentences needs a list of {size} "{key}"')
    return [
        _pair({key: values[index] for key, values in items.items()}, path, f"{where}, sentence {index + 1}")
        for index in range(size)
    ]


def _pair(record: Any, path: str, where: str) -> SentencePair:
    """The predicted and the gold sentence of one prediction record."""
    prediction = parse_spert_record(record, path, where)
    gold = record.get("gold")
    # AllenNLP's evaluate command writes a missing gold as the string "None" (its `sanitize`).
    if gold is None or gold == "None":
        raise CorpusFormatError(path, where, NO_GOLD)
    return prediction, parse_spert_record(gold, path, f"{where}, gold")


@dataclass
class SystemErrors:
    """
    The relation errors of one system on one corpus, summed over its prediction files.

    # Parameters

    system : `str`
        The system, or the label of a prediction file.
    corpus : `Optional[str]`
        The corpus, `None` when the prediction files were given without one.
    files : `int`
        The prediction files summed (one per run of a grid).
    sentences : `int`
        The sentences predicted in them.
    failed_lines : `int`
        The input lines the predictor could not predict, skipped.
    errors : `Dict[str, int]`
        The count of each of `ERROR_TYPES`.
    """

    system: str
    corpus: Optional[str]
    files: int = 0
    sentences: int = 0
    failed_lines: int = 0
    errors: Dict[str, int] = field(default_factory=lambda: dict.fromkeys(ERROR_TYPES, 0))

    def add(self, predictions: PredictionPairs) -> None:
        """Adds the errors of one more prediction file."""
        self.files += 1
        self.sentences += len(predictions.pairs)
        self.failed_lines += predictions.failed_lines
        counts = relation_errors(
            [prediction for prediction, _ in predictions.pairs], [gold for _, gold in predictions.pairs]
        )
        for error_type, count in counts.items():
            self.errors[error_type] += count

    @property
    def total(self) -> int:
        return sum(self.errors.values())

    def share(self, error_type: str) -> Optional[float]:
        """The percentage of the errors that are of `error_type`, `None` when there is no error."""
        return 100 * self.errors[error_type] / self.total if self.total else None

    @property
    def label(self) -> str:
        """The system, with the corpus when there is one."""
        return self.system if self.corpus is None else f"{self.system} ({self.corpus})"


@dataclass
class RelationErrorReport:
    """
    The relation errors of every system, with what could not be counted.

    # Parameters

    rows : `List[SystemErrors]`
        One per system (and corpus).
    runs_without_predictions : `List[str]`
        Finished runs of a results directory that have no prediction file.
    unfinished_runs : `List[str]`
        Runs of a results directory that did not finish, so have nothing to count.
    """

    rows: List[SystemErrors]
    runs_without_predictions: List[str] = field(default_factory=list)
    unfinished_runs: List[str] = field(default_factory=list)

    @property
    def has_corpora(self) -> bool:
        return any(row.corpus is not None for row in self.rows)

    @property
    def failed_lines(self) -> int:
        return sum(row.failed_lines for row in self.rows)


def parse_labelled_file(argument: str) -> Tuple[str, str]:
    """
    The label and the path of a `label=path` argument; a bare path is labelled with its file
    name. A label holds no `/`, so a path with `=` in a directory name stays a path.
    """
    label, separator, path = argument.partition("=")
    if not separator or os.sep in label:
        return os.path.basename(argument), argument
    if not label or not path:
        raise ValueError(f"{argument!r} is no label=path: the label and the path must not be empty")
    return label, path


def errors_of_files(labelled_files: Sequence[Tuple[str, str]]) -> RelationErrorReport:
    """
    The errors of prediction files, one row per label in the order given; the files of a label
    given more than once are summed.

    # Parameters

    labelled_files : `Sequence[Tuple[str, str]]`
        The label and the path of each file, as `parse_labelled_file` returns them.
    """
    rows: Dict[str, SystemErrors] = {}
    for label, path in labelled_files:
        rows.setdefault(label, SystemErrors(label, None)).add(read_prediction_pairs(path))
    return RelationErrorReport(list(rows.values()))


def errors_of_results(results: str) -> RelationErrorReport:
    """
    The errors of the finished runs of a results directory of `allennlp grid`, summed over the
    runs (seeds, folds) of each system on each corpus, one row per corpus and system in
    alphabetical order. Runs without a prediction file and unfinished runs are listed in the
    report; `ValueError` when no run has a prediction file.

    # Parameters

    results : `str`
        The results directory, holding `runs/<run>/run.json` and `runs/<run>/predictions.jsonl`.
    """
    rows: Dict[Tuple[str, str], SystemErrors] = {}
    report = RelationErrorReport([])
    for record in read_records(results):
        if record.status != "finished":
            report.unfinished_runs.append(record.name)
            continue
        path = os.path.join(results, RUNS_DIRECTORY, record.name, PREDICTIONS_FILE)
        if not os.path.isfile(path):
            report.runs_without_predictions.append(record.name)
            continue
        key = (record.corpus, record.system)
        rows.setdefault(key, SystemErrors(record.system, record.corpus)).add(read_prediction_pairs(path))
    if not rows:
        raise ValueError(
            f"no finished run of {results} has a {PREDICTIONS_FILE}: {len(report.unfinished_runs)} runs unfinished, "
            f"{len(report.runs_without_predictions)} finished without one"
        )
    report.rows = [rows[key] for key in sorted(rows)]
    return report


def _count_with_share(row: SystemErrors, error_type: str) -> str:
    share = row.share(error_type)
    return str(row.errors[error_type]) if share is None else f"{row.errors[error_type]} ({share:.1f}%)"


def format_table(report: RelationErrorReport, table_format: str = "simple") -> str:
    """
    The report as a `tabulate` table: per row the files and sentences counted, each error type's
    count with its share of the row's errors, and the total.

    # Parameters

    report : `RelationErrorReport`
        The errors to show.
    table_format : `str`
        A `tabulate` format, `simple` for a terminal, `github` for Markdown.
    """
    corpus_header = ["corpus"] if report.has_corpora else []
    headers = corpus_header + ["system", "files", "sentences"]
    headers += [ERROR_ABBREVIATIONS[error_type] for error_type in ERROR_TYPES] + ["total"]
    table = []
    for row in report.rows:
        corpus_cell = [row.corpus] if report.has_corpora else []
        cells = corpus_cell + [row.system, row.files, row.sentences]
        table.append(cells + [_count_with_share(row, error_type) for error_type in ERROR_TYPES] + [row.total])
    return tabulate(table, headers=headers, tablefmt=table_format)


def legend() -> str:
    """What the table's abbreviations stand for."""
    return ", ".join(f"{ERROR_ABBREVIATIONS[error_type]} = {error_type}" for error_type in ERROR_TYPES)


def notes(report: RelationErrorReport) -> List[str]:
    """One line for each kind of prediction that could not be counted, none when all were."""
    lines = []
    if report.failed_lines:
        files = ", ".join(f"{row.label}: {row.failed_lines}" for row in report.rows if row.failed_lines)
        lines.append(f"Skipped {report.failed_lines} input lines the predictor could not predict ({files}).")
    if report.runs_without_predictions:
        lines.append(f"Finished runs without {PREDICTIONS_FILE}: {', '.join(report.runs_without_predictions)}.")
    if report.unfinished_runs:
        lines.append(f"Unfinished runs, not counted: {', '.join(report.unfinished_runs)}.")
    return lines


def write_reports(report: RelationErrorReport, output_dir: str) -> List[str]:
    """
    Writes the table as Markdown (`relation_errors.md`), the counts and shares as CSV
    (`relation_errors.csv`) and a bar chart of the error types stacked per system
    (`relation_errors.png`) to `output_dir`, created if missing, and returns their paths.
    """
    os.makedirs(output_dir, exist_ok=True)
    paths = [os.path.join(output_dir, name) for name in (TABLE_FILE, CSV_FILE, PLOT_FILE)]
    table_path, csv_path, plot_path = paths
    with open(table_path, "w") as file:
        file.write("# Relation errors\n\n" + format_table(report, "github") + "\n\n" + legend() + ".\n")
        file.writelines(f"\n{line}\n" for line in notes(report))
    with open(csv_path, "w", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(
            ["corpus", "system", "files", "sentences", "failed_lines"]
            + list(ERROR_TYPES)
            + ["total"]
            + [f"{error_type}_percent" for error_type in ERROR_TYPES]
        )
        for row in report.rows:
            shares = [row.share(error_type) for error_type in ERROR_TYPES]
            writer.writerow(
                [row.corpus or "", row.system, row.files, row.sentences, row.failed_lines]
                + [row.errors[error_type] for error_type in ERROR_TYPES]
                + [row.total]
                + ["" if share is None else f"{share:.2f}" for share in shares]
            )
    _plot(report, plot_path)
    return paths


def _plot(report: RelationErrorReport, path: str) -> None:
    # A bare `Figure` draws with the Agg canvas and leaves pyplot's global backend and figures
    # alone, which matters to a notebook that imports this module.
    figure = Figure(figsize=(1.2 * len(report.rows) + 6, 5), layout="constrained")
    axes = figure.add_subplot()
    positions = range(len(report.rows))
    bottoms = [0] * len(report.rows)
    for error_type in ERROR_TYPES:
        counts = [row.errors[error_type] for row in report.rows]
        axes.bar(positions, counts, bottom=bottoms, label=f"{ERROR_ABBREVIATIONS[error_type]}: {error_type}")
        bottoms = [bottom + count for bottom, count in zip(bottoms, counts)]
    axes.set_xticks(list(positions), [row.label for row in report.rows], rotation=30, ha="right")
    axes.set_ylabel("relation errors")
    axes.set_title("Relation errors by type")
    # Reversed, so the legend lists the types in the order they are stacked, top first.
    figure.legend(loc="outside right upper", fontsize="small", reverse=True)
    figure.savefig(path, dpi=120)
