import json

import pytest
from allennlp.models.archival import load_archive
from allennlp.predictors import Predictor

from jointre_plugins.predictors.joint_extraction_predictor import JointExtractionPredictor
from tests.conftest import FIXTURES


@pytest.fixture(scope="module")
def predictor(tmp_path_factory) -> JointExtractionPredictor:
    """A predictor over an archive of the tiny fixture model, trained for one epoch."""
    from allennlp.commands.train import train_model_from_file

    serialization_dir = tmp_path_factory.mktemp("archive")
    train_model_from_file(
        str(FIXTURES / "experiments" / "mge_table_filling.jsonnet"),
        str(serialization_dir),
        overrides=json.dumps({"trainer.num_epochs": 1}),
    )
    archive = load_archive(str(serialization_dir / "model.tar.gz"))
    return Predictor.from_archive(archive)


def test_is_the_default_predictor(predictor):
    assert isinstance(predictor, JointExtractionPredictor)


def test_raw_sentence_is_tokenised_and_predicted(predictor):
    output = predictor.predict_json({"sentence": "John Smith lives in New York."})
    assert output["tokens"] == ["John", "Smith", "lives", "in", "New", "York", "."]
    assert set(output) == {"tokens", "entities", "relations"}
    for entity in output["entities"]:
        assert set(entity) == {"start", "end", "type"}
        assert 0 <= entity["start"] < entity["end"] <= 7
    for relation in output["relations"]:
        assert set(relation) == {"head", "tail", "type"}
        assert relation["head"] < len(output["entities"]) and relation["tail"] < len(output["entities"])


def test_tokens_with_gold_echo_the_gold(predictor):
    inputs = {
        "tokens": ["Booth", "shot", "Lincoln", "."],
        "entities": [{"start": 0, "end": 1, "type": "Peop"}, {"start": 2, "end": 3, "type": "Peop"}],
        "relations": [{"head": 0, "tail": 1, "type": "Kill"}],
    }
    [output] = predictor.predict_batch_json([inputs])
    assert output["tokens"] == inputs["tokens"]
    assert output["gold"] == {
        "tokens": inputs["tokens"],
        "entities": inputs["entities"],
        "relations": inputs["relations"],
    }


def test_corpus_instances_keep_their_gold(predictor):
    instances = list(predictor._dataset_reader.read(str(FIXTURES / "data" / "spert" / "sample.json")))
    outputs = predictor.predict_batch_instance(instances)
    assert [output["gold"] for output in outputs] == [
        instance["metadata"]["gold"].to_json() for instance in instances
    ]


@pytest.mark.parametrize(
    "line, problem",
    [
        ('{"sentence": "unclosed', "Input line 1 \\(counting non-blank lines\\) is not valid JSON"),
        ('["a", "list"]', "Input line 1 \\(counting non-blank lines\\): expected a JSON object, found list"),
        ('{"text": "no known key"}', 'expected a "sentence" \\(raw text\\) or "tokens"'),
        ('{"tokens": []}', '"tokens" must be a non-empty list of non-empty strings'),
        ('{"tokens": ["a", ""]}', '"tokens" must be a non-empty list of non-empty strings'),
        ('{"sentence": 3}', '"sentence" must be a string'),
        ('{"sentence": "   "}', '"sentence" has no words'),
        ('{"tokens": ["a"], "entities": [{"start": 0, "end": 3, "type": "Peop"}]}', "entity 0 spans \\[0, 3\\)"),
        ('{"tokens": ["a"], "entities": [{"start": 0, "type": "Peop"}]}', 'gold "entities" need start, end and type'),
    ],
)
def test_bad_input_lines_get_a_clear_error(predictor, line, problem):
    predictor._lines_read = 0
    with pytest.raises(ValueError, match=problem):
        predictor.load_line(line)


def test_line_numbers_count_the_lines_read(predictor):
    predictor._lines_read = 0
    predictor.load_line('{"sentence": "fine"}')
    with pytest.raises(ValueError, match="Input line 2"):
        predictor.load_line("{}")
