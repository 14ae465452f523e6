"""
The grid runner on two tiny configs x two seeds with the fixture transformer: every run trains and
is evaluated, a rerun skips finished runs, an interrupted run resumes from its checkpoints, a failing
run is recorded and the grid goes on.
"""
import json
import os
import shutil
import subprocess
from dataclasses import replace

import pytest

from jointre_plugins.harness.grid import (
    GridEntry,
    _duration_seconds,
    _epoch_summary,
    plan,
    run_grid,
    system_name,
    transformer_description,
)
from jointre_plugins.harness.presets import PRESETS, preset_entries
from jointre_plugins.harness.run_record import RunRecord, read_records
from tests.conftest import FIXTURES, tiny_variables

CONFIGS = [GridEntry("training_configs/mge_conll04.jsonnet"), GridEntry("training_configs/rin_conll04.jsonnet")]
NAMES = ["mge-conll04-seed1", "rin-conll04-seed1", "mge-conll04-seed2", "rin-conll04-seed2"]


@pytest.fixture(scope="module")
def finished_grid(tmp_path_factory):
    """The two configs x seeds 1 and 2, two epochs each, evaluated on dev: trained once for the module."""
    results = str(tmp_path_factory.mktemp("grid"))
    with pytest.MonkeyPatch.context() as monkeypatch:
        for name, value in tiny_variables().items():
            monkeypatch.setenv(name, value)
        runs = plan(CONFIGS, [1, 2], results, split="dev", epochs=2)
        records = run_grid(runs, poll_seconds=0.5)
    return results, records


def copy_of(results: str, tmp_path) -> str:
    copy = str(tmp_path / "results")
    shutil.copytree(results, copy)
    return copy


def forbid_training(monkeypatch) -> None:
    def fail(*args, **kwargs):
        raise AssertionError("the grid started a training")

    monkeypatch.setattr(subprocess, "Popen", fail)


def test_every_run_trains_and_is_evaluated(finished_grid, capsys):
    results, records = finished_grid
    assert [record.name for record in records] == NAMES
    assert [record.status for record in records] == ["finished"] * 4
    assert [record.system for record in records] == ["mge", "rin", "mge", "rin"]
    assert [record.seed for record in records] == [1, 1, 2, 2]
    assert {record.corpus for record in records} == {"conll04"}
    assert [record.transformer for record in records][:2] == [f"{FIXTURES / 'tiny_bert'} random weights", "none"]
    for record in records:
        directory = os.path.join(results, "runs", record.name)
        assert record.epochs == record.epochs_trained == 2
        assert record.split == "dev"
        assert record.variables == {"JOINTRE_TRANSFORMER_DIM": "16", "JOINTRE_SIZE": "tiny"}
        assert record.overrides == {}
        # JOINTRE_SIZE=tiny reads the first 16 sentences of the dev file.
        assert record.evaluation_sentences == 16
        assert record.evaluation_seconds > 0 and record.training_seconds > 0
        assert {"ner_f1", "rel_f1", "rel_strict_f1", "ner_macro_f1", "loss"} <= set(record.metrics)
        with open(os.path.join(directory, "config.json")) as file:
            config = json.load(file)
        assert (config["random_seed"], config["numpy_seed"], config["pytorch_seed"]) == (record.seed,) * 3
        with open(os.path.join(directory, "predictions.jsonl")) as file:
            batches = [json.loads(line) for line in file]
        assert sum(len(batch["tokens"]) for batch in batches) == 16
        assert all(sentence is not None for batch in batches for sentence in batch["gold"])
    assert [record.name for record in read_records(results)] == sorted(NAMES)


def test_a_rerun_skips_finished_runs(finished_grid, tmp_path, monkeypatch, capsys, tiny_runs):
    results = copy_of(finished_grid[0], tmp_path)
    forbid_training(monkeypatch)
    records = run_grid(plan(CONFIGS, [1, 2], results, split="dev", epochs=2))
    assert [record.status for record in records] == ["finished"] * 4
    assert capsys.readouterr().out.splitlines() == [
        f"[{number}/4] {name}: finished before, skipped" for number, name in enumerate(NAMES, start=1)
    ]


def epoch_seconds(directory: str, epoch: int) -> float:
    with open(os.path.join(directory, f"metrics_epoch_{epoch}.json")) as file:
        return _duration_seconds(json.load(file)["training_duration"])


def test_an_interrupted_run_resumes_from_its_checkpoints(finished_grid, tmp_path, capsys, tiny_runs):
    results = copy_of(finished_grid[0], tmp_path)
    directory = os.path.join(results, "runs", "rin-conll04-seed2")
    # What `allennlp train` stopped by a signal during its second epoch leaves: the first epoch's
    # checkpoint and metrics, and a model.tar.gz of the best weights so far, which is no finished model.
    for name in ("run.json", "metrics.json", "metrics_epoch_1.json", "model_state_e2_b0.th", "training_state_e2_b0.th"):
        os.remove(os.path.join(directory, name))
    first_session = epoch_seconds(directory, 0)
    records = run_grid(plan(CONFIGS, [1, 2], results, split="dev", epochs=2), poll_seconds=0.5)
    output = capsys.readouterr().out
    assert "[4/4] rin-conll04-seed2: resuming from its checkpoints" in output
    assert "[4/4] rin-conll04-seed2: epoch 2; " in output
    assert "[4/4] rin-conll04-seed2: epoch 1; " not in output
    assert records[3].status == "finished" and records[3].epochs_trained == 2
    # The stopped session's training time counts next to the resumed one's.
    assert records[3].training_seconds == pytest.approx(first_session + epoch_seconds(directory, 1))
    assert RunRecord.read(directory).status == "finished"


def test_a_run_stopped_after_its_last_epoch_resumes_to_its_archive(finished_grid, tmp_path, capsys, tiny_runs):
    results = copy_of(finished_grid[0], tmp_path)
    directory = os.path.join(results, "runs", "mge-conll04-seed2")
    for name in ("run.json", "metrics.json", "model.tar.gz"):
        os.remove(os.path.join(directory, name))
    records = run_grid(plan(CONFIGS, [1, 2], results, split="dev", epochs=2), poll_seconds=0.5)
    assert "[3/4] mge-conll04-seed2: resuming from its checkpoints" in capsys.readouterr().out
    # `allennlp train -r` has no epoch left to run: the figures come from the last epoch's file.
    assert (records[2].status, records[2].epochs_trained) == ("finished", 2)
    assert records[2].training_seconds == pytest.approx(epoch_seconds(directory, 1))
    assert records[2].metrics == pytest.approx(finished_grid[1][2].metrics)


def test_resuming_with_another_config_fails_with_the_keys_that_differ(finished_grid, tmp_path, monkeypatch, tiny_runs):
    results = copy_of(finished_grid[0], tmp_path)
    for name in ("run.json", "metrics.json", "model.tar.gz"):
        os.remove(os.path.join(results, "runs", "rin-conll04-seed1", name))
    forbid_training(monkeypatch)
    changed = GridEntry(CONFIGS[1].config, overrides={"trainer.grad_norm": 2.0}, system="rin")
    [record] = run_grid(plan([changed], [1], results, split="dev", epochs=2))
    assert record.status == "failed"
    assert record.error.startswith(f"its checkpoints in {results}/runs/rin-conll04-seed1 were trained with another ")
    assert "(it differs at trainer.grad_norm); delete the directory" in record.error


def test_a_finished_run_with_other_settings_is_not_taken_for_this_one(finished_grid, tmp_path, monkeypatch, tiny_runs):
    results = copy_of(finished_grid[0], tmp_path)
    forbid_training(monkeypatch)
    records = run_grid(plan(CONFIGS[:1], [1], results, split="dev", epochs=3))
    assert records[0].status == "failed"
    assert records[0].error == (
        f"{results}/runs/mge-conll04-seed1 holds a finished run with other settings (epochs 2, not 3); give these "
        "settings another --results, or delete the directory to run it again"
    )


def test_the_progress_display_waits_for_a_half_written_epoch_file(tmp_path):
    path = tmp_path / "metrics_epoch_0.json"
    path.write_text('{"epoch": 0, "training_ner_f1"')
    assert _epoch_summary(str(path)) is None
    path.write_text('{"epoch": 0, "training_ner_f1": 0.5, "training_rel_strict_f1": 0.25}')
    assert _epoch_summary(str(path)) == "epoch 1; training ner_f1 50.0, rel_strict_f1 25.0"


def test_a_trained_run_is_only_evaluated(finished_grid, tmp_path, monkeypatch, capsys, tiny_runs):
    results = copy_of(finished_grid[0], tmp_path)
    directory = os.path.join(results, "runs", "mge-conll04-seed1")
    # The grid records a training as done before it evaluates; an evaluation that stopped leaves this.
    replace(RunRecord.read(directory), status="trained", metrics={}).write(directory)
    forbid_training(monkeypatch)
    records = run_grid(plan(CONFIGS, [1], results, split="dev", epochs=2))
    assert records[0].status == "finished"
    assert records[0].metrics == pytest.approx(finished_grid[1][0].metrics)
    assert "[1/2] mge-conll04-seed1: evaluating on" in capsys.readouterr().out


def test_a_failing_run_is_recorded_and_the_grid_goes_on(tmp_path, capsys, tiny_runs):
    results = str(tmp_path)
    broken = GridEntry(
        "training_configs/rin_conll04.jsonnet",
        overrides={"train_data_path": "fixtures/data/conll04/missing.json"},
        system="rin_broken",
    )
    records = run_grid(plan([broken, CONFIGS[1]], [1], results, split="dev", epochs=1), poll_seconds=0.5)
    assert [record.status for record in records] == ["failed", "finished"]
    error = records[0].error
    assert error.startswith("allennlp train exited with status 1: ")
    assert "missing.json" in error
    assert error.endswith(f"(log: {results}/logs/rin_broken-conll04-seed1.log)")
    assert RunRecord.read(os.path.join(results, "runs", "rin_broken-conll04-seed1")).error == error
    assert "[1/2] rin_broken-conll04-seed1: FAILED: allennlp train exited" in capsys.readouterr().out


def test_a_missing_evaluation_file_fails_the_run_before_training(tmp_path, monkeypatch, tiny_runs):
    forbid_training(monkeypatch)
    entry = GridEntry("training_configs/rin_conll04.jsonnet", overrides={"test_data_path": "fixtures/nowhere.json"})
    [record] = run_grid(plan([entry], [1], str(tmp_path), split="test"))
    assert record.status == "failed"
    assert record.error == "the test file fixtures/nowhere.json does not exist, so the run was not trained"


def test_cross_validated_corpora_run_every_fold(tmp_path, tiny_runs):
    entry = GridEntry("training_configs/deeper_ade.jsonnet")
    runs = plan([entry], [1, 2], str(tmp_path))
    assert len(runs) == 20
    assert runs[0].record.name == "deeper-ade-fold0-seed1"
    assert runs[0].evaluation_path == f"{FIXTURES / 'data'}/ade/split_0_test.json"
    assert runs[0].environment["JOINTRE_ADE_FOLD"] == "0"
    assert runs[10].record.name == "deeper-ade-fold0-seed2"
    chosen = plan([entry], [1], str(tmp_path), folds=[1, 3])
    assert [run.record.name for run in chosen] == ["deeper-ade-fold1-seed1", "deeper-ade-fold3-seed1"]
    assert [run.evaluation_path.rsplit("/", 1)[1] for run in chosen] == ["split_1_test.json", "split_3_test.json"]
    with pytest.raises(ValueError, match=r"none of the folds \[10\] is a fold of ade"):
        plan([entry], [1], str(tmp_path), folds=[10])


def test_the_plan_rejects_what_it_cannot_run(tmp_path, tiny_runs):
    with pytest.raises(ValueError, match="split must be one of test, dev, not 'train'"):
        plan(CONFIGS, [1], str(tmp_path), split="train")
    with pytest.raises(ValueError, match="deeper_ade.jsonnet has no dev file"):
        plan([GridEntry("training_configs/deeper_ade.jsonnet")], [1], str(tmp_path), split="dev")
    with pytest.raises(ValueError, match="runs share a name: mge-conll04-seed1"):
        plan([CONFIGS[0], CONFIGS[0]], [1], str(tmp_path))
    with pytest.raises(ValueError, match="nowhere.jsonnet does not parse"):
        plan([GridEntry("training_configs/nowhere.jsonnet")], [1], str(tmp_path))


def test_every_preset_plans(tmp_path, tiny_runs):
    counts = {"mge_table4": 42, "srn_table2": 6, "sinet_table4": 10, "rin_table5": 8, "deeper_table3": 5, "conll04": 5}
    for name in PRESETS:
        runs = plan(preset_entries(name), [1], str(tmp_path), split="dev" if name != "rin_table5" else "test")
        assert len(runs) == counts[name]
    [bilstm] = [entry for entry in preset_entries("srn_table2") if entry.system == "srn_early_bilstm"]
    # The fixture transformer is 16 wide.
    assert bilstm.overrides["model.encoder"]["input_size"] == 16
    conll04 = [run.record.name for run in plan(preset_entries("conll04"), [1], str(tmp_path), split="dev")]
    assert conll04 == [
        "mge-conll04-seed1",
        "srn_late-conll04-seed1",
        "sinet-conll04-seed1",
        "rin-conll04-seed1",
        "deeper-conll04-seed1",
    ]
    with pytest.raises(ValueError, match="no preset 'table9'; the presets are mge_table4, "):
        preset_entries("table9")


def test_names_and_descriptions():
    assert system_name("training_configs/srn_conll04_late.jsonnet", "conll04") == "srn_late"
    assert system_name("deeper_conll04_no_task_specific.jsonnet", "conll04") == "deeper_no_task_specific"
    assert _duration_seconds("0:19:24.5") == 1164.5
    assert _duration_seconds("1 day, 2:00:01") == 93601.0
    frozen = {"type": "offline_transformer_mismatched", "train_parameters": False}
    model = {"model": {"text_field_embedder": {"token_embedders": {"a": frozen, "b": {"type": "embedding"}}}}}
    assert transformer_description(model) == "offline frozen"
    assert transformer_description({"model": {"text_field_embedder": {}}}) == "none"
