import multiprocessing.forkserver
import os
import pathlib

import pytest
import torch.multiprocessing

# Registers every component and gives the configs' variables their defaults, as
# `--include-package jointre_plugins` does for the allennlp command.
import jointre_plugins  # noqa: F401

REPOSITORY = pathlib.Path(__file__).resolve().parent.parent
FIXTURES = REPOSITORY / "fixtures"


@pytest.fixture(autouse=True)
def run_from_the_repository(monkeypatch):
    """Configs and fixtures name their files relative to the repository root, as the README runs them."""
    monkeypatch.chdir(REPOSITORY)
    yield
    assert os.getcwd() == str(REPOSITORY)


TINY_CONFIG_VARIABLES = {
    "JOINTRE_DATA": str(FIXTURES / "data"),
    "JOINTRE_TRANSFORMER": str(FIXTURES / "tiny_bert"),
    "JOINTRE_TRANSFORMER_DIM": "16",
    "JOINTRE_SIZE": "tiny",
}
"""The variables under which any config trains tiny on the fixture corpora and transformer."""


def tiny_variables() -> dict:
    """`TINY_CONFIG_VARIABLES` for trainings that run as processes of their own, on one thread each."""
    # One thread each keeps them off the other tests' core.
    return {**TINY_CONFIG_VARIABLES, "OMP_NUM_THREADS": "1"}


@pytest.fixture
def tiny_runs(monkeypatch):
    """Runs of the grid runner train tiny on the fixture corpora and transformer."""
    for name, value in tiny_variables().items():
        monkeypatch.setenv(name, value)


@pytest.fixture
def forkserver_spawn(monkeypatch):
    """
    Starts AllenNLP's distributed workers from a fork server that has imported AllenNLP, its
    plugins and what DDP imports on first use (torch._dynamo) once, instead of from fresh
    interpreters that each import them again: the same workers, started in a fraction of a second
    instead of about ten on two cores. The fork server forks before any tensor work, so the workers
    inherit no thread pools. Each worker computes on one thread, so that the two share two cores
    instead of spinning on four threads.
    """
    monkeypatch.setenv("OMP_NUM_THREADS", "1")
    multiprocessing.forkserver.set_forkserver_preload(
        ["allennlp.commands.train", "allennlp_models", "jointre_plugins", "torch._dynamo"]
    )

    def spawn(function, args=(), nprocs=1, join=True, daemon=False):
        return torch.multiprocessing.start_processes(
            function, args, nprocs, join, daemon, start_method="forkserver"
        )

    monkeypatch.setattr(torch.multiprocessing, "spawn", spawn)
