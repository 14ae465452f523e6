"""scripts/ade_cross_validation.py on the two fixture folds of ADE, with the tiny settings."""
import importlib.util
import json

import pytest

from tests.conftest import FIXTURES, REPOSITORY

SPEC = importlib.util.spec_from_file_location("ade_cross_validation", REPOSITORY / "scripts" / "ade_cross_validation.py")
cross_validation = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(cross_validation)


@pytest.fixture
def tiny(monkeypatch):
    monkeypatch.setenv("JOINTRE_TRANSFORMER", str(FIXTURES / "tiny_bert"))
    monkeypatch.setenv("JOINTRE_TRANSFORMER_DIM", "16")
    monkeypatch.setenv("JOINTRE_EPOCHS", "1")
    monkeypatch.setenv("JOINTRE_SIZE", "tiny")


def test_every_fold_trains_and_tests_and_a_rerun_resumes_without_redoing_finished_folds(tiny, tmp_path, capsys):
    runs = tmp_path / "runs"
    arguments = ["--runs", str(runs), "--data", str(FIXTURES / "data")]
    first = cross_validation.main(arguments + ["--folds", "0"])
    metrics = json.loads((runs / "fold_0" / "metrics.json").read_text())
    assert first == {0: {key: 100.0 * metrics[f"test_{key}"] for key in cross_validation.FIGURES}}
    archive = runs / "fold_0" / "model.tar.gz"
    trained_at = archive.stat().st_mtime_ns
    # Fold 1 was stopped before its first checkpoint: nothing to resume, it starts afresh.
    (runs / "fold_1").mkdir()
    (runs / "fold_1" / "out.log").write_text("killed\n")
    capsys.readouterr()
    both = cross_validation.main(arguments + ["--folds", "0", "1"])
    output = capsys.readouterr().out
    assert sorted(both) == [0, 1] and both[0] == first[0]
    assert archive.stat().st_mtime_ns == trained_at
    assert f"fold 0: done, kept ({runs / 'fold_0'})" in output
    assert f"fold 1: training into {runs / 'fold_1'}" in output
    assert "RE macro F1" in output and "mean" in output
    summary = json.loads((runs / "summary.json").read_text())
    assert summary["unfinished"] == [] and sorted(summary["folds"]) == ["0", "1"]
    # Fold 1 killed after its checkpoint, before the test evaluation was written, resumes from it;
    # fold 2, which the fixture lacks, fails, is reported, and fails the command.
    (runs / "fold_1" / "metrics.json").unlink()
    with pytest.raises(SystemExit, match=r"folds that failed: \[2\]"):
        cross_validation.main(arguments + ["--folds", "1", "2"])
    output = capsys.readouterr().out
    assert f"fold 1: resuming from the checkpoints in {runs / 'fold_1'}" in output
    assert "fold 2: allennlp train failed" in output
    summary = json.loads((runs / "summary.json").read_text())
    assert sorted(summary["folds"]) == ["1"] and summary["failed"] == [2] and summary["unfinished"] == [2]


def test_the_summary_is_the_mean_and_sample_deviation_over_folds():
    figures = {
        0: {"ner_macro_f1": 80.0, "ner_f1": 82.0, "rel_strict_macro_f1": 60.0, "rel_strict_f1": 61.0},
        1: {"ner_macro_f1": 90.0, "ner_f1": 84.0, "rel_strict_macro_f1": 70.0, "rel_strict_f1": 61.0},
    }
    summary = cross_validation.summarize(figures)
    assert summary["ner_macro_f1"] == {"mean": 85.0, "std": pytest.approx(7.0710678)}
    assert summary["rel_strict_f1"] == {"mean": 61.0, "std": 0.0}
    lines = cross_validation.table(figures).splitlines()
    assert lines[1].split() == ["0", "80.00", "82.00", "60.00", "61.00"]
    assert lines[-1].split() == ["mean", "85.00", "+-", "7.07", "83.00", "+-", "1.41", "65.00", "+-", "7.07", "61.00", "+-", "0.00"]


def test_table_only_trains_nothing(tmp_path, capsys):
    assert cross_validation.main(["--runs", str(tmp_path), "--table-only"]) == {}
    assert "no fold has finished" in capsys.readouterr().out
    assert list(tmp_path.iterdir()) == []
