import sys

from allennlp.commands import main

# Registers the subcommand, as jointre_plugins.commands does when the package is imported.
import jointre_plugins.commands.leaderboard  # noqa: F401
from jointre_plugins.harness.run_record import RUNS_DIRECTORY, RunRecord

FILES = ("leaderboard.md", "leaderboard.csv", "f1.png", "learning_curves.png", "speed_accuracy.png")


def write_results(results) -> None:
    """A results directory of one finished run of mge on conll04."""
    run = results / RUNS_DIRECTORY / "mge-conll04-seed1"
    run.mkdir(parents=True)
    RunRecord(
        name="mge-conll04-seed1",
        system="mge",
        corpus="conll04",
        config="training_configs/mge_conll04.jsonnet",
        seed=1,
        fold=None,
        epochs=2,
        split="test",
        transformer="packaged",
        status="finished",
        epochs_trained=2,
        best_epoch=1,
        training_seconds=90.0,
        evaluation_sentences=50,
        evaluation_seconds=5.0,
        metrics={"ner_f1": 0.75, "rel_strict_f1": 0.5, "ner_macro_f1": 0.7},
    ).write(str(run))
    (run / "metrics_epoch_0.json").write_text('{"validation_rel_strict_f1": 0.4, "validation_ner_f1": 0.7}')


def run_command(monkeypatch, *arguments: str) -> None:
    monkeypatch.setattr(sys, "argv", ["allennlp", "leaderboard", *arguments])
    main()


def test_the_command_writes_the_leaderboard_to_the_output_directory(tmp_path, monkeypatch, capsys):
    results, output = tmp_path / "results", tmp_path / "board"
    write_results(results)
    run_command(monkeypatch, str(results), "--output-dir", str(output))
    printed = capsys.readouterr().out
    markdown = (output / "leaderboard.md").read_text()
    assert printed.startswith(markdown)
    row = next(line for line in markdown.splitlines() if line.startswith("| mge"))
    assert [cell.strip() for cell in row.strip("|").split("|")] == [
        "mge", "conll04", "1", "1", "0", "75.0 ± 0.0", "", "", "", "50.0 ± 0.0",
        "70.0 ± 0.0", "", "", "2.0", "1.5", "10.0",
    ]
    for name in FILES:
        assert (output / name).stat().st_size > 0
        assert f"Wrote {output / name}\n" in printed
    assert not (results / "leaderboard.md").exists()


def test_the_output_directory_defaults_to_the_results_directory(tmp_path, monkeypatch, capsys):
    results = tmp_path / "results"
    write_results(results)
    run_command(monkeypatch, str(results))
    printed = capsys.readouterr().out
    for name in FILES:
        assert (results / name).stat().st_size > 0
        assert f"Wrote {results / name}\n" in printed
