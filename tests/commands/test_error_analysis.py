import sys
from typing import List

import pytest
from allennlp.commands import main

# Registers the subcommand, whichever modules jointre_plugins.commands imports.
import jointre_plugins.commands.error_analysis  # noqa: F401
from jointre_plugins.harness.run_record import PREDICTIONS_FILE
from tests.harness.test_error_analysis import (
    GOLD,
    ONE_ERROR_OF_EACH_TYPE,
    batch_record,
    write_batch_file,
    write_lines,
    write_predictor_file,
    write_run,
)

REPORT_FILES = ("relation_errors.md", "relation_errors.csv", "relation_errors.png")


def run_error_analysis(monkeypatch, arguments: List[str]) -> None:
    monkeypatch.setattr(sys, "argv", ["allennlp", "error-analysis"] + arguments)
    main()


def test_prediction_files_are_labelled_counted_and_reported(monkeypatch, capsys, tmp_path):
    predictor_file = write_predictor_file(tmp_path / "predict.jsonl")
    batch_file = write_batch_file(tmp_path / "srn_test.jsonl")
    output = tmp_path / "analysis"
    run_error_analysis(monkeypatch, [f"mge={predictor_file}", batch_file, "--output-dir", str(output)])

    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["system", "files", "sentences", "RTE", "RNF", "ETE", "ENF", "RME", "ESE", "total"]
    assert lines[2].split() == ["mge", "1", "7"] + ["1", "(16.7%)"] * 6 + ["6"]
    one_seventh, two_sevenths = ["1", "(14.3%)"], ["2", "(28.6%)"]
    assert lines[3].split() == ["srn_test.jsonl", "1", "8"] + one_seventh + two_sevenths + one_seventh * 4 + ["7"]
    assert lines[4].startswith("RTE = relation_type_error, ")
    assert lines[5] == "Skipped 1 input lines the predictor could not predict (mge: 1)."
    assert lines[6] == "Wrote " + ", ".join(str(output / name) for name in REPORT_FILES)
    assert len(lines) == 7
    for name in REPORT_FILES:
        assert (output / name).stat().st_size > 0


def test_a_results_directory_is_reported_into_itself(monkeypatch, capsys, tmp_path):
    for name in ("mge-conll04-seed1", "mge-conll04-seed2"):
        write_batch_file(write_run(tmp_path, name, "mge", "conll04") / PREDICTIONS_FILE)
    write_lines(
        write_run(tmp_path, "srn-conll04-seed1", "srn", "conll04") / PREDICTIONS_FILE,
        [batch_record([ONE_ERROR_OF_EACH_TYPE["entity_not_found"], GOLD])],
    )
    write_run(tmp_path, "rin-conll04-seed1", "rin", "conll04")
    write_run(tmp_path, "cascade-conll04-seed1", "cascade", "conll04", status="failed")
    run_error_analysis(monkeypatch, ["--results", str(tmp_path)])

    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split()[:4] == ["corpus", "system", "files", "sentences"]
    two, four, none = ["2", "(14.3%)"], ["4", "(28.6%)"], ["0", "(0.0%)"]
    assert lines[2].split() == ["conll04", "mge", "2", "16"] + two + four + two * 4 + ["14"]
    assert lines[3].split() == ["conll04", "srn", "1", "2"] + none * 3 + ["1", "(100.0%)"] + none * 2 + ["1"]
    assert lines[5:8] == [
        "Finished runs without predictions.jsonl: rin-conll04-seed1.",
        "Unfinished runs, not counted: cascade-conll04-seed1.",
        "Wrote " + ", ".join(str(tmp_path / name) for name in REPORT_FILES),
    ]
    csv_lines = (tmp_path / "relation_errors.csv").read_text().splitlines()
    assert csv_lines[1:] == [
        "conll04,mge,2,16,0,2,4,2,2,2,2,14,14.29,28.57,14.29,14.29,14.29,14.29",
        "conll04,srn,1,2,0,0,0,0,1,0,0,1,0.00,0.00,0.00,100.00,0.00,0.00",
    ]


def test_a_prediction_file_without_gold_stops_the_command(monkeypatch, tmp_path):
    raw = write_lines(tmp_path / "raw.jsonl", [GOLD.to_json()])
    with pytest.raises(ValueError, match=r"raw\.jsonl, line 1: has no gold: run allennlp predict on a corpus file"):
        run_error_analysis(monkeypatch, [raw, "--output-dir", str(tmp_path)])
    assert not (tmp_path / "relation_errors.md").exists()


@pytest.mark.parametrize(
    "arguments, problem",
    [
        ([], "one of the arguments [LABEL=]PREDICTIONS --results is required"),
        (["a.jsonl", "--results", "results"], "argument --results: not allowed with argument [LABEL=]PREDICTIONS"),
        (["mge="], "the label and the path must not be empty"),
    ],
)
def test_the_command_needs_either_prediction_files_or_a_results_directory(monkeypatch, capsys, arguments, problem):
    with pytest.raises(SystemExit) as exit_info:
        run_error_analysis(monkeypatch, arguments)
    assert exit_info.value.code == 2
    assert problem in capsys.readouterr().err
