import csv
import json
import pathlib
from typing import Any, Dict, List, Optional, Sequence

import pytest

from jointre_plugins.analysis.relation_errors import ERROR_TYPES
from jointre_plugins.data.structures import CorpusFormatError, Entity, Relation, Sentence
from jointre_plugins.harness.error_analysis import (
    NO_GOLD,
    errors_of_files,
    errors_of_results,
    format_table,
    parse_labelled_file,
    read_prediction_pairs,
    write_reports,
)
from jointre_plugins.harness.run_record import PREDICTIONS_FILE, RUNS_DIRECTORY, RunRecord

WORDS = tuple("Tom Baker shot Sam Reed in New York and fled to Boston".split())
TOM, SAM, NEW_YORK, BOSTON = Entity(0, 2, "Peop"), Entity(3, 5, "Peop"), Entity(6, 8, "Loc"), Entity(11, 12, "Loc")
GOLD_TRIPLES = [(TOM, SAM, "Kill"), (TOM, NEW_YORK, "Live_In"), (SAM, NEW_YORK, "Live_In"), (SAM, BOSTON, "Live_In")]


def predicted(entities: Sequence[Entity], triples: Sequence[tuple]) -> Sentence:
    index = {entity: position for position, entity in enumerate(entities)}
    return Sentence(
        WORDS, tuple(entities), tuple(Relation(index[head], index[tail], kind) for head, tail, kind in triples)
    )


GOLD = predicted([TOM, SAM, NEW_YORK, BOSTON], GOLD_TRIPLES)
BOSTON_AS_ORG = Entity(11, 12, "Org")
FLED = Entity(9, 10, "Peop")  # no gold entity has this span
ONE_ERROR_OF_EACH_TYPE = {
    "relation_type_error": predicted(GOLD.entities, [(TOM, SAM, "Work_For")] + GOLD_TRIPLES[1:]),
    "relation_not_found": predicted(GOLD.entities, GOLD_TRIPLES[:3]),
    "entity_type_error": predicted(
        [TOM, SAM, NEW_YORK, BOSTON_AS_ORG], GOLD_TRIPLES[:3] + [(SAM, BOSTON_AS_ORG, "Live_In")]
    ),
    "entity_not_found": predicted([TOM, SAM, NEW_YORK], GOLD_TRIPLES[:3]),
    "relation_match_error": predicted(GOLD.entities, GOLD_TRIPLES + [(NEW_YORK, SAM, "Located_In")]),
    "entity_span_error": predicted(GOLD.entities + (FLED,), GOLD_TRIPLES + [(FLED, BOSTON, "Live_In")]),
}
SIX_PREDICTIONS = [ONE_ERROR_OF_EACH_TYPE[error_type] for error_type in ERROR_TYPES]
ONE_OF_EACH = dict.fromkeys(ERROR_TYPES, 1)
FAILED_LINE = {"line": 4, "error": "not valid JSON (Expecting value): 'oops'"}


def predictor_record(prediction: Sentence, gold: Optional[Sentence] = GOLD) -> Dict[str, Any]:
    """A line of `allennlp predict` with the joint_extraction predictor."""
    return {**prediction.to_json(), "gold": None if gold is None else gold.to_json()}


def batch_record(predictions: Sequence[Sentence], gold: Any = None) -> Dict[str, List[Any]]:
    """A line of `allennlp evaluate --predictions-output-file`: one list per key, gold as GOLD unless given."""
    records = [prediction.to_json() for prediction in predictions]
    return {
        "tokens": [record["tokens"] for record in records],
        "entities": [record["entities"] for record in records],
        "relations": [record["relations"] for record in records],
        "gold": [GOLD.to_json() for _ in predictions] if gold is None else gold,
    }


def write_lines(path: pathlib.Path, records: Sequence[Any]) -> str:
    path.write_text("".join(json.dumps(record) + "\n" for record in records))
    return str(path)


def write_predictor_file(path: pathlib.Path) -> str:
    """The six predictions (one error of each type), a failed line and a perfect prediction, per sentence."""
    records: List[Any] = [predictor_record(prediction) for prediction in SIX_PREDICTIONS]
    records[3:3] = [FAILED_LINE]
    records.append(predictor_record(GOLD))
    return write_lines(path, records)


def write_batch_file(path: pathlib.Path) -> str:
    """The six predictions, one more relation not found and a perfect prediction, in two batches."""
    return write_lines(
        path,
        [
            batch_record(SIX_PREDICTIONS[:3]),
            batch_record(SIX_PREDICTIONS[3:] + [ONE_ERROR_OF_EACH_TYPE["relation_not_found"], GOLD]),
        ],
    )


def write_run(results: pathlib.Path, name: str, system: str, corpus: str, status: str = "finished") -> pathlib.Path:
    run_directory = results / RUNS_DIRECTORY / name
    run_directory.mkdir(parents=True)
    RunRecord(
        name=name,
        system=system,
        corpus=corpus,
        config=f"training_configs/{system}_{corpus}.jsonnet",
        seed=1,
        fold=None,
        epochs=None,
        split="test",
        transformer="packaged",
        status=status,
    ).write(str(run_directory))
    return run_directory


def test_the_predictor_format_pairs_predictions_with_gold_and_counts_failed_lines(tmp_path):
    path = write_predictor_file(tmp_path / "predict.jsonl")
    with open(path, "a") as file:
        file.write("\n")  # a blank line is no prediction
    predictions = read_prediction_pairs(path)
    assert predictions.path == path
    assert predictions.failed_lines == 1
    assert predictions.pairs == [(prediction, GOLD) for prediction in SIX_PREDICTIONS + [GOLD]]


def test_the_batch_format_yields_every_sentence_of_every_batch_in_order(tmp_path):
    predictions = read_prediction_pairs(write_batch_file(tmp_path / "evaluate.jsonl"))
    assert predictions.failed_lines == 0
    expected = SIX_PREDICTIONS + [ONE_ERROR_OF_EACH_TYPE["relation_not_found"], GOLD]
    assert predictions.pairs == [(prediction, GOLD) for prediction in expected]


def test_errors_are_counted_per_labelled_file_in_both_formats(tmp_path):
    predictor_file = write_predictor_file(tmp_path / "predict.jsonl")
    batch_file = write_batch_file(tmp_path / "evaluate.jsonl")
    report = errors_of_files([("beta", batch_file), ("alpha", predictor_file)])
    beta, alpha = report.rows
    assert (beta.system, beta.corpus, beta.files, beta.sentences, beta.failed_lines) == ("beta", None, 1, 8, 0)
    assert beta.errors == ONE_OF_EACH | {"relation_not_found": 2}
    assert beta.total == 7
    assert beta.share("relation_not_found") == pytest.approx(200 / 7)
    assert beta.share("entity_span_error") == pytest.approx(100 / 7)
    assert (alpha.system, alpha.files, alpha.sentences, alpha.failed_lines) == ("alpha", 1, 7, 1)
    assert alpha.errors == ONE_OF_EACH
    assert alpha.total == 6
    assert report.failed_lines == 1

    summed = errors_of_files([("both", batch_file), ("both", predictor_file)])
    (both,) = summed.rows
    assert (both.files, both.sentences, both.failed_lines) == (2, 15, 1)
    assert both.errors == dict.fromkeys(ERROR_TYPES, 2) | {"relation_not_found": 3}


def test_a_prediction_without_gold_names_the_file_and_line(tmp_path):
    no_gold = write_lines(tmp_path / "no_gold.jsonl", [predictor_record(GOLD), predictor_record(GOLD, gold=None)])
    with pytest.raises(CorpusFormatError, match=f"^{no_gold}, line 2: {NO_GOLD}$"):
        read_prediction_pairs(no_gold)
    without_key = write_lines(tmp_path / "raw_text.jsonl", [GOLD.to_json()])
    with pytest.raises(CorpusFormatError, match=f"^{without_key}, line 1: {NO_GOLD}$"):
        read_prediction_pairs(without_key)
    # AllenNLP's evaluate writes a missing gold as "None".
    batch = write_lines(tmp_path / "batch.jsonl", [batch_record([GOLD, GOLD], gold=[GOLD.to_json(), "None"])])
    with pytest.raises(CorpusFormatError, match=f"^{batch}, line 1, sentence 2: {NO_GOLD}$"):
        read_prediction_pairs(batch)
    assert "--use-dataset-reader" in NO_GOLD


def test_bad_lines_are_errors_naming_the_file_and_line(tmp_path):
    path = tmp_path / "broken.jsonl"
    path.write_text(json.dumps(predictor_record(GOLD)) + '\n{"tokens": ["Tom"\n')
    with pytest.raises(CorpusFormatError, match=r"broken\.jsonl, line 2: not valid JSON \("):
        read_prediction_pairs(str(path))

    uneven = batch_record([GOLD, GOLD])
    uneven["relations"].pop()
    uneven_file = write_lines(tmp_path / "uneven.jsonl", [uneven])
    uneven_problem = r'uneven\.jsonl, line 1: a batch of 2 sentences needs a list of 2 "relations"'
    with pytest.raises(CorpusFormatError, match=uneven_problem):
        read_prediction_pairs(uneven_file)

    bad_gold = predictor_record(GOLD)
    bad_gold["gold"]["relations"] = [{"head": 0, "tail": 9, "type": "Kill"}]
    bad_gold_file = write_lines(tmp_path / "bad_gold.jsonl", [bad_gold])
    with pytest.raises(CorpusFormatError, match=r"bad_gold\.jsonl, line 1, gold: "):
        read_prediction_pairs(bad_gold_file)


def test_a_label_is_given_before_an_equals_sign_or_is_the_file_name():
    assert parse_labelled_file("mge=runs/a/predictions.jsonl") == ("mge", "runs/a/predictions.jsonl")
    assert parse_labelled_file("runs/a/predictions.jsonl") == ("predictions.jsonl", "runs/a/predictions.jsonl")
    assert parse_labelled_file("runs/lr=0.1/out.jsonl") == ("out.jsonl", "runs/lr=0.1/out.jsonl")
    with pytest.raises(ValueError, match="the label and the path must not be empty"):
        parse_labelled_file("mge=")


def test_a_results_directory_is_summed_per_system_and_corpus(tmp_path):
    for name in ("mge-conll04-seed1", "mge-conll04-seed2"):
        write_batch_file(write_run(tmp_path, name, "mge", "conll04") / PREDICTIONS_FILE)
    write_lines(
        write_run(tmp_path, "srn-conll04-seed1", "srn", "conll04") / PREDICTIONS_FILE,
        [batch_record([ONE_ERROR_OF_EACH_TYPE["entity_not_found"], GOLD])],
    )
    write_lines(write_run(tmp_path, "mge-ade-seed1", "mge", "ade") / PREDICTIONS_FILE, [batch_record([GOLD])])
    write_run(tmp_path, "rin-conll04-seed1", "rin", "conll04")
    failed_run = write_run(tmp_path, "cascade-conll04-seed1", "cascade", "conll04", status="failed")
    write_batch_file(failed_run / PREDICTIONS_FILE)  # a failed run's leftovers are not counted

    report = errors_of_results(str(tmp_path))
    assert [(row.corpus, row.system, row.files, row.sentences) for row in report.rows] == [
        ("ade", "mge", 1, 1),
        ("conll04", "mge", 2, 16),
        ("conll04", "srn", 1, 2),
    ]
    ade, mge, srn = report.rows
    assert ade.errors == dict.fromkeys(ERROR_TYPES, 0)
    assert ade.share("entity_not_found") is None
    assert mge.errors == dict.fromkeys(ERROR_TYPES, 2) | {"relation_not_found": 4}
    assert srn.errors == dict.fromkeys(ERROR_TYPES, 0) | {"entity_not_found": 1}
    assert report.runs_without_predictions == ["rin-conll04-seed1"]
    assert report.unfinished_runs == ["cascade-conll04-seed1"]


def test_a_results_directory_without_predictions_is_an_error(tmp_path):
    write_run(tmp_path, "rin-conll04-seed1", "rin", "conll04")
    problem = "no finished run of .* has a predictions.jsonl: 0 runs unfinished, 1 finished without one"
    with pytest.raises(ValueError, match=problem):
        errors_of_results(str(tmp_path))


def test_the_table_shows_counts_shares_and_totals(tmp_path):
    report = errors_of_files([("alpha", write_predictor_file(tmp_path / "predict.jsonl"))])
    header, rule, row = format_table(report).splitlines()
    assert header.split() == ["system", "files", "sentences", "RTE", "RNF", "ETE", "ENF", "RME", "ESE", "total"]
    assert row.split() == ["alpha", "1", "7"] + ["1", "(16.7%)"] * 6 + ["6"]
    assert format_table(report, "github").startswith("| system ")


def test_the_reports_are_written_as_markdown_csv_and_a_plot(tmp_path):
    report = errors_of_files(
        [
            ("alpha", write_predictor_file(tmp_path / "predict.jsonl")),
            ("beta", write_batch_file(tmp_path / "evaluate.jsonl")),
        ]
    )
    output = tmp_path / "analysis"
    paths = write_reports(report, str(output))
    names = ("relation_errors.md", "relation_errors.csv", "relation_errors.png")
    assert paths == [str(output / name) for name in names]

    markdown = (output / "relation_errors.md").read_text()
    assert "| alpha    |       1 |           7 | 1 (16.7%) |" in markdown
    assert "RTE = relation_type_error, RNF = relation_not_found" in markdown
    assert "Skipped 1 input lines the predictor could not predict (alpha: 1)." in markdown

    with open(output / "relation_errors.csv", newline="") as file:
        rows = list(csv.DictReader(file))
    assert [row["system"] for row in rows] == ["alpha", "beta"]
    assert rows[0]["corpus"] == ""
    assert [rows[0][key] for key in ("files", "sentences", "failed_lines", "total")] == ["1", "7", "1", "6"]
    assert [rows[1][error_type] for error_type in ERROR_TYPES] == ["1", "2", "1", "1", "1", "1"]
    assert rows[1]["relation_not_found_percent"] == "28.57"
    assert rows[1]["entity_span_error_percent"] == "14.29"

    plot = (output / "relation_errors.png").read_bytes()
    assert plot.startswith(b"\x89PNG\r\n\x1a\n")
    assert len(plot) > 10_000
