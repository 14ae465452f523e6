import atexit
import json
import logging
import os
import pathlib
import subprocess
import sys
from typing import Iterable

import pytest
import torch
from allennlp.common import Params
from allennlp.data import DatasetReader, Vocabulary
from allennlp.models import Model
from allennlp.models.archival import archive_model, load_archive
from allennlp.predictors import Predictor

from jointre_plugins.labels import ENTITY_LABELS, RELATION_LABELS
from jointre_plugins.predictors.failed_lines import FailedLine, FailedLines
from jointre_plugins.predictors.joint_extraction_predictor import JointExtractionPredictor
from tests.conftest import FIXTURES, REPOSITORY

CONFIG = FIXTURES / "experiments" / "mge_table_filling.jsonnet"
MAX_LENGTH = 30  # the reader's max_length in CONFIG


def force_predictions(model: Model, entity_types: Iterable[str], relation_types: Iterable[str]) -> None:
    """
    Makes the model predict every cell of the tables of the named types and no other cell: the
    output layers of its table scorers get zero weights, so every logit is its type's bias.
    """
    with torch.no_grad():
        for output, namespace, predicted in (
            (model._entity_table._output, ENTITY_LABELS, set(entity_types)),
            (model._relation_table._output, RELATION_LABELS, set(relation_types)),
        ):
            labels = [
                model.vocab.get_token_from_index(index, namespace)
                for index in range(model.vocab.get_vocab_size(namespace))
            ]
            assert predicted <= set(labels)
            output.weight.zero_()
            output.bias.copy_(torch.tensor([10.0 if label in predicted else -10.0 for label in labels]))


@pytest.fixture(scope="module")
def archive_file(tmp_path_factory) -> str:
    """
    An archive of the untrained tiny fixture model whose tables predict every span as a Peop and
    every pair of entities as a Kill.
    """
    directory = tmp_path_factory.mktemp("archive")
    params = Params.from_file(str(CONFIG))
    params.to_file(str(directory / "config.json"))
    reader = DatasetReader.from_params(params.pop("dataset_reader"))
    vocab = Vocabulary.from_instances(reader.read(params.pop("train_data_path")))
    vocab.save_to_files(str(directory / "vocabulary"))
    model = Model.from_params(vocab=vocab, params=params.pop("model"))
    force_predictions(model, {"Peop"}, {"Kill"})
    torch.save(model.state_dict(), directory / "best.th")
    archive_model(str(directory))
    return str(directory / "model.tar.gz")


@pytest.fixture(scope="module")
def archive(archive_file):
    return load_archive(archive_file)


@pytest.fixture
def predictor(archive) -> JointExtractionPredictor:
    """A new predictor (no lines read) over the archived model, predicting every Peop span and Kill pair."""
    force_predictions(archive.model, {"Peop"}, {"Kill"})
    return Predictor.from_archive(archive)


@pytest.fixture
def registered(monkeypatch):
    """The functions registered with `atexit` during the test, instead of at the process's exit."""
    functions = []
    monkeypatch.setattr(atexit, "register", functions.append)
    monkeypatch.setattr(sys, "argv", ["/venv/bin/allennlp", "predict", "model.tar.gz", "input.jsonl"])
    return functions


@pytest.fixture
def model_batches(predictor, monkeypatch):
    """The words of every instance of every batch the predictor's model is given."""
    batches = []
    forward_on_instances = predictor._model.forward_on_instances

    def recording(instances):
        batches.append([[token.text for token in instance["tokens"].tokens] for instance in instances])
        return forward_on_instances(instances)

    monkeypatch.setattr(predictor._model, "forward_on_instances", recording)
    return batches


def peop(start, end):
    return {"start": start, "end": end, "type": "Peop"}


def kill(head, tail):
    return {"head": head, "tail": tail, "type": "Kill"}


# What the forced model predicts for two words: every span a Peop, and a Kill from each entity to
# each other entity (the tables link the entities starting at the two words of a cell).
TWO_WORD_ENTITIES = [peop(0, 1), peop(0, 2), peop(1, 2)]
TWO_WORD_RELATIONS = [kill(0, 1), kill(1, 0), kill(0, 2), kill(1, 2), kill(2, 0), kill(2, 1)]


def test_is_the_default_predictor(predictor):
    assert isinstance(predictor, JointExtractionPredictor)


def test_tokens_with_gold_are_predicted_and_echo_the_gold(predictor):
    gold = {"entities": [peop(0, 1), peop(1, 2)], "relations": [kill(0, 1)]}
    inputs = {"tokens": ["Booth", "shot"], **gold}
    assert predictor.predict_json(inputs) == {
        "tokens": ["Booth", "shot"],
        "entities": TWO_WORD_ENTITIES,
        "relations": TWO_WORD_RELATIONS,
        "gold": {"tokens": ["Booth", "shot"], **gold},
    }


def test_raw_sentence_is_tokenised_and_predicted(predictor):
    force_predictions(predictor._model, {"Loc", "Org"}, set())
    assert predictor.predict_json({"sentence": "Booth died."}) == {
        "tokens": ["Booth", "died", "."],
        "entities": [
            {"start": start, "end": end, "type": entity_type}
            for start, end in ((0, 1), (0, 2), (0, 3), (1, 2), (1, 3), (2, 3))
            for entity_type in ("Loc", "Org")
        ],
        "relations": [],
    }


@pytest.mark.parametrize(
    "gold, echoed",
    [
        ({}, None),
        ({"entities": [peop(1, 2)]}, {"entities": [peop(1, 2)], "relations": []}),
        ({"relations": []}, {"entities": [], "relations": []}),
    ],
)
def test_entities_or_relations_make_a_gold_and_the_missing_one_is_empty(predictor, gold, echoed):
    output = predictor.predict_json({"tokens": ["Booth", "shot"], **gold})
    assert output.get("gold") == (None if echoed is None else {"tokens": ["Booth", "shot"], **echoed})


def test_corpus_instances_keep_their_gold(predictor):
    instances = list(predictor._dataset_reader.read(str(FIXTURES / "data" / "spert" / "sample.json")))
    outputs = predictor.predict_batch_instance(instances)
    golds = [instance["metadata"]["gold"].to_json() for instance in instances]
    assert [output["gold"] for output in outputs] == golds


@pytest.mark.parametrize(
    "line, problem",
    [
        ('{"sentence": "unclosed', "not valid JSON (Unterminated string starting at): '{\"sentence\": \"unclosed'"),
        ('["a", "list"]', "expected a JSON object, found list"),
        ('{"text": "no known key"}', 'expected a "sentence" (raw text) or "tokens" (a list of words) key'),
        ('{"tokens": []}', '"tokens" must be a non-empty list of non-empty strings'),
        ('{"tokens": ["a", ""]}', '"tokens" must be a non-empty list of non-empty strings'),
        ('{"sentence": 3}', '"sentence" must be a string'),
        ('{"sentence": "   "}', '"sentence" has no words'),
        (
            '{"tokens": ["a"], "entities": [{"start": 0, "end": 3, "type": "Peop"}]}',
            "gold: entity 0 spans [0, 3) (end exclusive), which is reversed, empty or outside the 1 tokens",
        ),
        ('{"tokens": ["a"], "entities": [{"start": 0, "type": "Peop"}]}', "gold: entity 0 is missing key(s) end"),
        ('{"tokens": ["a"], "relations": 3}', "gold: relations is 3, not a list"),
        (
            '{"tokens": ["a"], "relations": [{"head": 0, "tail": 0, "type": "Kill"}]}',
            "gold: relation 0 has head 0, but there are 0 entities",
        ),
    ],
)
def test_a_bad_line_becomes_an_error_record(predictor, registered, line, problem):
    record = predictor.load_line(line)
    assert isinstance(record, FailedLine)
    assert record == {"line": 1, "error": problem}


@pytest.mark.parametrize(
    "inputs, problem",
    [
        ({"text": "no known key"}, 'expected a "sentence" \\(raw text\\) or "tokens"'),
        ({"tokens": ["a"], "relations": 3}, "^gold: relations is 3, not a list$"),
    ],
)
def test_a_bad_input_given_directly_raises(predictor, registered, inputs, problem):
    with pytest.raises(ValueError, match=problem):
        predictor.predict_json(inputs)
    assert registered == []


def test_failed_lines_are_numbered_logged_and_make_the_exit_fail_once(predictor, registered, caplog):
    lines = ['{"sentence": "fine"}', "{}", '{"tokens": ["fine"]}', "[]"]
    with caplog.at_level(logging.WARNING):
        loaded = [predictor.load_line(line) for line in lines]
    assert loaded == [
        {"sentence": "fine"},
        {"line": 2, "error": 'expected a "sentence" (raw text) or "tokens" (a list of words) key'},
        {"tokens": ["fine"]},
        {"line": 4, "error": "expected a JSON object, found list"},
    ]
    assert [record.getMessage() for record in caplog.records] == [
        'Input line 2 cannot be predicted: expected a "sentence" (raw text) or "tokens" (a list of words) key',
        "Input line 4 cannot be predicted: expected a JSON object, found list",
    ]
    assert registered == [predictor._failed_lines.exit_with_failure]


def test_outside_the_predict_command_a_failed_line_leaves_the_exit_status_alone(predictor, registered, monkeypatch):
    monkeypatch.setattr(sys, "argv", ["/venv/bin/ipython"])
    assert predictor.load_line("[]") == {"line": predictor._failed_lines.lines_read, "error": "expected a JSON object, found list"}
    assert registered == []


def test_good_lines_register_nothing_at_exit(predictor, registered):
    predictor.load_line('{"sentence": "fine"}')
    assert registered == []


@pytest.mark.parametrize("uncaught_exception, exit_statuses", [(None, [1]), (RuntimeError("crash"), [])])
def test_the_exit_handler_reports_and_sets_status_1_unless_an_exception_ends_the_process(
    monkeypatch, registered, caplog, uncaught_exception, exit_statuses
):
    statuses = []
    monkeypatch.setattr(os, "_exit", statuses.append)
    monkeypatch.setattr(sys, "last_value", uncaught_exception, raising=False)
    failed_lines = FailedLines()
    failed_lines.lines_read = 3
    failed_lines.fail("bad")
    with caplog.at_level(logging.WARNING):
        failed_lines.exit_with_failure()
    assert caplog.records[-1].getMessage() == (
        '1 of 3 input lines could not be predicted; their output lines hold {"line": ..., "error": ...} '
        "records instead of predictions"
    )
    assert statuses == exit_statuses


def test_a_batch_predicts_its_good_lines_together_and_keeps_failed_lines_in_place(
    predictor, registered, model_batches
):
    lines = ['{"tokens": ["Booth", "shot"]}', "not json", '{"sentence": "Booth"}']
    outputs = predictor.predict_batch_json([predictor.load_line(line) for line in lines])
    assert model_batches == [[["Booth", "shot"], ["Booth"]]]
    assert outputs == [
        {"tokens": ["Booth", "shot"], "entities": TWO_WORD_ENTITIES, "relations": TWO_WORD_RELATIONS},
        {"line": 2, "error": "not valid JSON (Expecting value): 'not json'"},
        {"tokens": ["Booth"], "entities": [peop(0, 1)], "relations": []},
    ]


def spans_inside(windows):
    """Every span inside one of the windows `(first word, end)`, in order."""
    return sorted(
        {
            (start, end)
            for first, last in windows
            for start in range(first, last)
            for end in range(start + 1, last + 1)
        }
    )


@pytest.mark.parametrize(
    "num_words, windows",
    [(MAX_LENGTH, [(0, MAX_LENGTH)]), (MAX_LENGTH + 1, [(0, MAX_LENGTH), (1, MAX_LENGTH + 1)])],
)
def test_an_input_longer_than_max_length_is_split_into_windows(predictor, model_batches, num_words, windows):
    force_predictions(predictor._model, {"Peop"}, set())
    words = [f"w{index}" for index in range(num_words)]
    output = predictor.predict_json({"tokens": words})
    assert model_batches == [[words[first:last]] for first, last in windows]
    # Every window predicts every span inside it; with two windows, all but the whole sentence.
    entities = [peop(*span) for span in spans_inside(windows)]
    assert output == {"tokens": words, "entities": entities, "relations": []}


def test_a_2000_word_line_is_predicted_whole(predictor, model_batches):
    force_predictions(predictor._model, {"Peop"}, set())
    words = [f"w{index}" for index in range(2000)]
    long_input = {"tokens": words, "entities": [peop(1990, 1992)], "relations": []}
    short_input = {"tokens": ["Booth", "shot"]}

    long_output, short_output = predictor.predict_batch_json([long_input, short_input])

    # As many instances per model batch as inputs in the call, none longer than the reader's max_length.
    assert all(len(batch) <= 2 for batch in model_batches)
    instances = [instance for batch in model_batches for instance in batch]
    assert instances[-1] == ["Booth", "shot"]
    windows = []
    for instance in instances[:-1]:
        first = int(instance[0][1:])
        assert len(instance) == MAX_LENGTH and instance == words[first : first + MAX_LENGTH]
        windows.append((first, first + MAX_LENGTH))
    assert windows[0][0] == 0 and windows[-1][1] == 2000
    assert all(following[0] < previous[1] for previous, following in zip(windows, windows[1:]))

    # Every window predicts every span inside it, so the merge keeps every span inside a window.
    assert long_output == {
        "tokens": words,
        "entities": [peop(*span) for span in spans_inside(windows)],
        "relations": [],
        "gold": {"tokens": words, "entities": [peop(1990, 1992)], "relations": []},
    }
    assert short_output == predictor.predict_json(short_input)


def test_allennlp_predict_writes_error_records_goes_on_and_exits_with_status_1(archive_file, tmp_path):
    input_file = tmp_path / "input.jsonl"
    input_file.write_text(
        '{"tokens": ["Booth", "shot"]}\n'
        '{"sentence": "unclosed\n'
        "\n"
        '{"sentence": "Lincoln"}\n'
        '{"text": "no words"}\n'
        '{"tokens": ["Booth"], "relations": []}\n'
    )
    output_file = tmp_path / "output.jsonl"
    allennlp = pathlib.Path(sys.executable).parent / "allennlp"
    command = [str(allennlp), "predict", archive_file, str(input_file), "--output-file", str(output_file)]
    command += ["--silent", "--batch-size", "2", "--include-package", "jointre_plugins"]

    finished = subprocess.run(command, cwd=REPOSITORY, capture_output=True, text=True, timeout=300)

    assert finished.returncode == 1, finished.stderr
    assert [json.loads(line) for line in output_file.read_text().splitlines()] == [
        {"tokens": ["Booth", "shot"], "entities": TWO_WORD_ENTITIES, "relations": TWO_WORD_RELATIONS},
        {"line": 2, "error": "not valid JSON (Unterminated string starting at): '{\"sentence\": \"unclosed'"},
        {"tokens": ["Lincoln"], "entities": [peop(0, 1)], "relations": []},
        {"line": 4, "error": 'expected a "sentence" (raw text) or "tokens" (a list of words) key'},
        {
            "tokens": ["Booth"],
            "entities": [peop(0, 1)],
            "relations": [],
            "gold": {"tokens": ["Booth"], "entities": [], "relations": []},
        },
    ]
    assert (
        '2 of 5 input lines could not be predicted; their output lines hold {"line": ..., "error": ...} '
        "records instead of predictions"
    ) in finished.stderr
