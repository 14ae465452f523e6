"""
Two CPU processes of AllenNLP's distributed trainer (torch DDP over gloo) learn what one process
learns from the same data: each worker takes half of every batch, and DDP averages their gradients;
and two "machines" (two `allennlp train --node-rank K` on this one) train one model together.
"""
import json
import os
import socket
import subprocess
import sys

import torch
from allennlp.commands.train import train_model
from allennlp.common import Params, cached_transformers

from tests.conftest import REPOSITORY, tiny_variables


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
    # AllenNLP caches the transformers it builds in the process, so a random one built by an earlier
    # test would come back instead of one drawn from this run's seed; the workers start uncached.
    cached_transformers._clear_caches()
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


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_two_machines_of_one_process_each_train_one_model(tmp_path):
    environment = dict(
        os.environ,
        **tiny_variables(),
        JOINTRE_EPOCHS="1",
        JOINTRE_DISTRIBUTED="-1",
        JOINTRE_NUM_NODES="2",
        JOINTRE_PRIMARY_PORT=str(free_port()),
    )
    nodes = [
        subprocess.Popen(
            [sys.executable, "-m", "allennlp", "train", "training_configs/rin_conll04.jsonnet",
             "-s", str(tmp_path / f"node_{rank}"), "--node-rank", str(rank), "--include-package", "jointre_plugins"],
            cwd=REPOSITORY, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        for rank in (1, 0)
    ]
    assert [node.wait(timeout=300) for node in nodes] == [0, 0]
    metrics = json.loads((tmp_path / "node_0" / "metrics.json").read_text())
    assert "peak_worker_1_memory_MB" in metrics
    # DDP keeps the replicas identical: both machines end with the same weights.
    weights = [torch.load(tmp_path / f"node_{rank}" / "best.th", map_location="cpu") for rank in (0, 1)]
    assert all(torch.equal(weights[0][name], weights[1][name]) for name in weights[0])
