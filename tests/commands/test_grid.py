import subprocess
import sys

import pytest
from allennlp.commands import main

from tests.conftest import REPOSITORY


def run_command(monkeypatch, *arguments: str) -> None:
    monkeypatch.setattr(sys, "argv", ["allennlp", "grid", *arguments])
    main()


def test_allennlp_lists_the_harness_subcommands_with_the_plugin():
    # From the repository root, whose .allennlp_plugins names jointre_plugins.
    help_text = subprocess.run(
        [sys.executable, "-m", "allennlp", "--help"], cwd=REPOSITORY, capture_output=True, text=True, check=True
    ).stdout
    commands = [line.split()[0] for line in help_text.splitlines() if line.startswith("    ") and line.split()]
    assert {"grid", "leaderboard", "error-analysis"} <= set(commands)


def test_a_dry_run_lists_the_runs_of_a_preset(tmp_path, monkeypatch, capsys, tiny_runs):
    run_command(monkeypatch, "--preset", "deeper_table3", "--seeds", "1", "2", "--split", "dev", "--dry-run",
                "--results", str(tmp_path))
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 10
    assert lines[0] == (
        '[1/10] deeper-conll04-seed1 (not run): training_configs/deeper_conll04.jsonnet '
        '{"random_seed": 1, "numpy_seed": 1, "pytorch_seed": 1}'
    )
    assert lines[9].startswith('[10/10] deeper_lstm-conll04-seed2 (not run): training_configs/deeper_conll04.jsonnet ')
    assert lines[9].endswith('"model.encoder.cell": "lstm"}')
    assert not (tmp_path / "runs").exists()


def test_a_failed_run_ends_the_command_with_status_1(tmp_path, monkeypatch, capsys, tiny_runs):
    with pytest.raises(SystemExit) as exit_status:
        run_command(monkeypatch, "--configs", "training_configs/rin_conll04.jsonnet", "--overrides",
                    '{"test_data_path": "fixtures/nowhere.json"}', "--results", str(tmp_path))
    assert exit_status.value.code == 1
    output = capsys.readouterr().out
    assert "0 of 1 runs finished; results in " in output
    assert "failed: rin-conll04-seed13370: the test file fixtures/nowhere.json does not exist" in output
