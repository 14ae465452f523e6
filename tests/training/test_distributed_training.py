"""
Two CPU processes of AllenNLP's distributed trainer (torch DDP over gloo) learn what one process
learns from the same data: each worker takes half of every batch, and DDP averages their gradients.
"""
import json

import torch
from allennlp.commands.train import train_model
from allennlp.common import Params

from tests.conftest import tiny_variables


def trained_weights(monkeypatch, tmp_path, processes: int) -> dict:
    for name, value in tiny_variables().items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("JOINTRE_EPOCHS", "2")
    monkeypatch.setenv("JOINTRE_DISTRIBUTED", ",".join(["-1"] * processes) if processes > 1 else "")
    config = Params.from_file("training_configs/mge_conll04.jsonnet").as_dict(quiet=True)
    # Batches in file order, and no dropout, so that the union of the workers' k-th batches is the
    # single process's k-th batch (AllenNLP gives worker r the instances r, r + 2, ...) and both
    # runs draw nothing at random.
    config["data_loader"] = {"batch_size": 4 // processes, "shuffle": False}
    config["model"]["dropout"] = 0.0
    directory = tmp_path / f"processes_{processes}"
    train_model(Params(config), str(directory))
    metrics = json.loads((directory / "metrics.json").read_text())
    assert ("peak_worker_1_memory_MB" in metrics) == (processes == 2)
    return torch.load(directory / "best.th", map_location="cpu")


def test_two_processes_learn_what_one_learns(forkserver_spawn, monkeypatch, tmp_path):
    one = trained_weights(monkeypatch, tmp_path, 1)
    two = trained_weights(monkeypatch, tmp_path, 2)
    assert one.keys() == two.keys()
    for name in one:
        assert torch.allclose(one[name], two[name], atol=1e-5, rtol=1e-4), name
