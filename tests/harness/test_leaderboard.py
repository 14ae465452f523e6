import csv
import json
import math
import os
from typing import Dict, List, Optional

import pytest

from jointre_plugins.harness.leaderboard import (
    aggregate,
    bar_positions,
    plot_learning_curves,
    plot_speed_accuracy,
    read_learning_curve,
    run_frame,
    write_leaderboard,
)
from jointre_plugins.harness.run_record import RUNS_DIRECTORY, RunRecord

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
PLOTS = ("f1.png", "learning_curves.png", "speed_accuracy.png")


def scores(ner: float, rel_strict: float, **others: float) -> Dict[str, float]:
    """Metrics of a run as AllenNLP's evaluate gives them (fractions); the unnamed ones derived from these two."""
    metrics = {
        "ner_f1": ner,
        "ner_in_triple_f1": ner + 0.05,
        "ner_out_triple_f1": ner - 0.10,
        "rel_f1": rel_strict + 0.02,
        "rel_strict_f1": rel_strict,
        "ner_macro_f1": ner - 0.02,
        "rel_strict_macro_f1": rel_strict - 0.05,
        "rel_partial_f1": rel_strict + 0.08,
    }
    metrics.update(others)
    return metrics


def add_run(
    results,
    system: str,
    corpus: str,
    seed: int,
    metrics: Dict[str, float],
    fold: Optional[int] = None,
    epochs: Optional[int] = 3,
    training_seconds: float = 60.0,
    evaluation_seconds: float = 2.0,
    status: str = "finished",
    error: Optional[str] = None,
    variables: Optional[Dict[str, str]] = None,
    overrides: Optional[Dict[str, object]] = None,
) -> str:
    name = f"{system}-{corpus}-seed{seed}" + ("" if fold is None else f"-fold{fold}")
    directory = results / RUNS_DIRECTORY / name
    directory.mkdir(parents=True)
    finished = status == "finished"
    RunRecord(
        name=name,
        system=system,
        corpus=corpus,
        config=f"training_configs/{system}_{corpus}.jsonnet",
        seed=seed,
        fold=fold,
        epochs=epochs,
        split="test",
        transformer="packaged",
        status=status,
        error=error,
        epochs_trained=3 if finished else None,
        best_epoch=2 if finished else None,
        training_seconds=training_seconds if finished else None,
        evaluation_sentences=100 if finished else None,
        evaluation_seconds=evaluation_seconds if finished else None,
        metrics=metrics,
        variables=variables or {},
        overrides=overrides or {},
    ).write(str(directory))
    return str(directory)


def write_epochs(run_directory: str, epochs: List[Dict[str, float]]) -> None:
    for epoch, metrics in enumerate(epochs):
        with open(os.path.join(run_directory, f"metrics_epoch_{epoch}.json"), "w") as file:
            json.dump({"epoch": epoch, **metrics}, file)


@pytest.fixture
def results(tmp_path):
    results = tmp_path / "results"
    a_seed1 = add_run(results, "a", "conll04", 1, scores(0.80, 0.60), training_seconds=120.0, evaluation_seconds=2.0)
    add_run(results, "a", "conll04", 2, scores(0.84, 0.65), training_seconds=180.0, evaluation_seconds=4.0)
    cpu = {"variables": {"JOINTRE_PROFILE": "cpu"}, "overrides": {"model.dropout": 0.3}}
    add_run(results, "b", "conll04", 1, scores(0.90, 0.70), epochs=None, **cpu)
    add_run(results, "b", "conll04", 2, scores(0.90, 0.70), epochs=None, **cpu)
    nyt = add_run(results, "rin_partial", "nyt", 1, scores(0.90, 0.50))
    add_run(results, "a", "ade", 1, scores(0.88, 0.80), fold=0)
    add_run(results, "a", "ade", 1, scores(0.86, 0.76), fold=1)
    add_run(results, "c", "conll04", 1, {}, status="failed", error="CUDA out of memory\nsee logs/c-conll04-seed1.log")
    # Eleven epochs, so that epoch 10 sorts after epoch 2 only when the files are ordered by number.
    write_epochs(a_seed1, [{"validation_rel_strict_f1": epoch / 20, "validation_ner_f1": 0.5} for epoch in range(11)])
    write_epochs(nyt, [{"training_rel_strict_f1": 0.3, "training_loss": 2.0}])
    return results


def read_csv(path: str) -> Dict[tuple, Dict[str, str]]:
    with open(path, newline="") as file:
        return {(row["system"], row["corpus"]): row for row in csv.DictReader(file)}


def table_rows(markdown: str) -> List[List[str]]:
    """The header and body rows of the Markdown table, as lists of stripped cells."""
    lines = [line for line in markdown.splitlines() if line.startswith("|")]
    rows = [[cell.strip() for cell in line.strip("|").split("|")] for line in lines]
    return [rows[0]] + rows[2:]


def test_the_csv_holds_unrounded_means_and_sample_standard_deviations(results, tmp_path):
    output = tmp_path / "board"
    write_leaderboard(str(results), str(output))
    rows = read_csv(str(output / "leaderboard.csv"))
    assert list(rows) == [("a", "ade"), ("b", "conll04"), ("a", "conll04"), ("rin_partial", "nyt")]

    a = rows[("a", "conll04")]
    assert (a["runs"], a["seeds"], a["folds"]) == ("2", "2", "0")
    assert float(a["rel_strict_f1_mean"]) == pytest.approx(62.5, abs=1e-9)
    assert float(a["rel_strict_f1_std"]) == pytest.approx(math.sqrt(12.5), abs=1e-9)
    assert float(a["ner_f1_mean"]) == pytest.approx(82.0, abs=1e-9)
    assert float(a["ner_f1_std"]) == pytest.approx(math.sqrt(8.0), abs=1e-9)
    assert float(a["ner_in_triple_f1_mean"]) == pytest.approx(87.0, abs=1e-9)
    assert float(a["ner_out_triple_f1_mean"]) == pytest.approx(72.0, abs=1e-9)
    assert float(a["rel_f1_mean"]) == pytest.approx(64.5, abs=1e-9)
    assert float(a["ner_macro_f1_mean"]) == pytest.approx(80.0, abs=1e-9)
    assert float(a["rel_strict_macro_f1_mean"]) == pytest.approx(57.5, abs=1e-9)
    assert float(a["training_minutes_mean"]) == pytest.approx(2.5)
    assert float(a["training_minutes_std"]) == pytest.approx(math.sqrt(0.5))
    assert float(a["sentences_per_second_mean"]) == pytest.approx(37.5)
    assert float(a["epochs_trained_mean"]) == 3.0
    assert (a["split"], a["seed_list"], a["fold_list"], a["epoch_budget"], a["transformer"]) == (
        "test",
        "1, 2",
        "",
        "3",
        "packaged",
    )
    # The full precision is kept, not the table's one decimal.
    assert a["rel_strict_f1_std"].startswith("3.5355339")

    b = rows[("b", "conll04")]
    assert float(b["rel_strict_f1_mean"]) == pytest.approx(70.0, abs=1e-9)
    assert float(b["rel_strict_f1_std"]) == 0.0
    assert b["epoch_budget"] == "config's own"

    ade = rows[("a", "ade")]
    assert (ade["runs"], ade["seeds"], ade["folds"], ade["fold_list"]) == ("2", "1", "2", "0, 1")
    assert float(ade["rel_strict_f1_mean"]) == pytest.approx(78.0, abs=1e-9)

    # Macro F1 only on ade and conll04, Partial Match only on nyt and webnlg.
    nyt = rows[("rin_partial", "nyt")]
    assert nyt["ner_macro_f1_mean"] == nyt["ner_macro_f1_std"] == ""
    assert nyt["rel_strict_macro_f1_mean"] == nyt["rel_strict_macro_f1_std"] == ""
    assert float(nyt["rel_partial_f1_mean"]) == pytest.approx(58.0, abs=1e-9)
    assert float(nyt["rel_partial_f1_std"]) == 0.0
    assert a["rel_partial_f1_mean"] == a["rel_partial_f1_std"] == ""


def test_the_markdown_table_gives_mean_and_std_with_one_decimal(results, tmp_path):
    output = tmp_path / "board"
    markdown = write_leaderboard(str(results), str(output))
    assert (output / "leaderboard.md").read_text() == markdown
    rows = table_rows(markdown)
    assert rows[0] == [
        "System",
        "Corpus",
        "Runs",
        "Seeds",
        "Folds",
        "NER F1",
        "NER in-triple F1",
        "NER out-of-triple F1",
        "Rel boundaries F1",
        "Rel strict F1",
        "NER macro F1",
        "Rel strict macro F1",
        "Partial Match",
        "Epochs",
        "Training min",
        "Sentences/s",
    ]
    assert rows[1:] == [
        ["a", "ade", "2", "1", "2", "87.0 ± 1.4", "92.0 ± 1.4", "77.0 ± 1.4", "80.0 ± 2.8", "78.0 ± 2.8",
         "85.0 ± 1.4", "73.0 ± 2.8", "", "3.0", "1.0", "50.0"],
        ["b", "conll04", "2", "2", "0", "90.0 ± 0.0", "95.0 ± 0.0", "80.0 ± 0.0", "72.0 ± 0.0", "70.0 ± 0.0",
         "88.0 ± 0.0", "65.0 ± 0.0", "", "3.0", "1.0", "50.0"],
        ["a", "conll04", "2", "2", "0", "82.0 ± 2.8", "87.0 ± 2.8", "72.0 ± 2.8", "64.5 ± 3.5", "62.5 ± 3.5",
         "80.0 ± 2.8", "57.5 ± 3.5", "", "3.0", "2.5", "37.5"],
        ["rin_partial", "nyt", "1", "1", "0", "90.0 ± 0.0", "95.0 ± 0.0", "80.0 ± 0.0", "52.0 ± 0.0", "50.0 ± 0.0",
         "", "", "58.0 ± 0.0", "3.0", "1.0", "50.0"],
    ]
    assert "Exact Match (whole argument strings) is the Rel strict F1 of the `_exact` configs" in markdown
    assert "7 finished and 1 failed runs" in markdown


def test_the_markdown_says_how_each_row_was_obtained_and_lists_failed_runs(results, tmp_path):
    markdown = write_leaderboard(str(results), str(tmp_path / "board"))
    assert (
        "- **a** on **ade**: split test; seeds 1; folds 0, 1; epoch budget 3; transformer packaged; "
        "settings defaults." in markdown
    )
    assert (
        "- **b** on **conll04**: split test; seeds 1, 2; folds none; epoch budget config's own; "
        "transformer packaged; settings JOINTRE_PROFILE=cpu overrides {\"model.dropout\": 0.3}." in markdown
    )
    failed = markdown.split("## Failed runs")[1]
    assert failed == (
        "\n\n- `c-conll04-seed1` (c on conll04, seed 1): CUDA out of memory\n  see logs/c-conll04-seed1.log\n"
    )


def test_the_plots_are_pngs(results, tmp_path):
    output = tmp_path / "new" / "board"
    write_leaderboard(str(results), str(output))
    for name in PLOTS:
        content = (output / name).read_bytes()
        assert content.startswith(PNG_SIGNATURE)
        assert len(content) > 1000


def test_plots_without_validation_metrics_or_speed_are_still_written(tmp_path):
    plot_learning_curves({}, str(tmp_path / "curves.png"))
    results = tmp_path / "results"
    add_run(results, "a", "conll04", 1, scores(0.8, 0.6), evaluation_seconds=0.0)
    summary = aggregate(run_frame([RunRecord.read(str(results / RUNS_DIRECTORY / "a-conll04-seed1"))]))
    assert math.isnan(summary.loc[0, "sentences_per_second_mean"])
    plot_speed_accuracy(summary, str(tmp_path / "speed.png"))
    for name in ("curves.png", "speed.png"):
        assert (tmp_path / name).read_bytes().startswith(PNG_SIGNATURE)


def test_learning_curves_come_from_the_epoch_files_in_epoch_order(results):
    curve = read_learning_curve(str(results / RUNS_DIRECTORY / "a-conll04-seed1"))
    assert curve["epoch"].tolist() == list(range(1, 12))
    assert curve["rel_strict_f1"].tolist() == pytest.approx([epoch * 5.0 for epoch in range(11)])
    assert curve["ner_f1"].tolist() == [50.0] * 11
    # Trained without a dev file: no validation metric, no curve.
    assert read_learning_curve(str(results / RUNS_DIRECTORY / "rin_partial-nyt-seed1")).empty
    assert read_learning_curve(str(results / RUNS_DIRECTORY / "c-conll04-seed1")).empty


def test_bars_are_consecutive_within_a_corpus_and_apart_between_corpora():
    assert bar_positions(["ade", "conll04", "conll04", "nyt"]) == [0.0, 2.0, 3.0, 5.0]


def test_no_finished_run_is_an_error_naming_the_directory(tmp_path):
    results = tmp_path / "results"
    (results / RUNS_DIRECTORY).mkdir(parents=True)
    with pytest.raises(ValueError, match=f"No finished run in {results}"):
        write_leaderboard(str(results), str(tmp_path / "board"))
    add_run(results, "c", "conll04", 1, {}, status="failed", error="killed")
    with pytest.raises(ValueError, match=f"No finished run in {results}"):
        write_leaderboard(str(results), str(tmp_path / "board"))
    assert not (tmp_path / "board").exists()
    with pytest.raises(FileNotFoundError, match="no runs/"):
        write_leaderboard(str(tmp_path), str(tmp_path / "board"))
