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
