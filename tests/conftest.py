import os
import pathlib

import pytest

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


def tiny_variables() -> dict:
    """The variables under which any config trains tiny on the fixture corpora and transformer, a process each."""
    return {
        "JOINTRE_DATA": str(FIXTURES / "data"),
        "JOINTRE_TRANSFORMER": str(FIXTURES / "tiny_bert"),
        "JOINTRE_TRANSFORMER_DIM": "16",
        "JOINTRE_SIZE": "tiny",
        # Each training is a process of its own; one thread each keeps them off the other tests' core.
        "OMP_NUM_THREADS": "1",
    }


@pytest.fixture
def tiny_runs(monkeypatch):
    """Runs of the grid runner train tiny on the fixture corpora and transformer."""
    for name, value in tiny_variables().items():
        monkeypatch.setenv(name, value)
