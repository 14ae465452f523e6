import io
import json

import pytest
import torch
from allennlp.commands.train import train_model
from allennlp.common import Params
from allennlp.training.checkpointer import Checkpointer
from allennlp.training.trainer import TrainerCheckpoint

from jointre_plugins.training.atomic_checkpointer import AtomicCheckpointer
from tests.conftest import FIXTURES

ORIGINAL_SAVE = torch.save


class FakeTrainer:
    """Hands the checkpointer the state of a trainer that has completed `epochs` epochs."""

    def __init__(self, epochs: int) -> None:
        self.epochs = epochs

    def get_checkpoint_state(self) -> TrainerCheckpoint:
        return TrainerCheckpoint(
            {"weight": torch.full((3,), float(self.epochs))},
            {"epochs_completed": self.epochs, "batches_in_epoch_completed": 0},
        )


def fixture_experiment() -> Params:
    params = Params.from_file(str(FIXTURES / "experiments" / "mge_table_filling.jsonnet")).as_dict()
    params["trainer"]["checkpointer"] = {"type": "atomic"}
    return Params(params)


def failing_save(file_stem: str, written: list):
    """A `torch.save` that writes half of what it should to a file whose name has `file_stem`, then fails."""

    def save(state, target):
        name = str(getattr(target, "name", target))
        if file_stem not in name:
            return ORIGINAL_SAVE(state, target)
        whole = io.BytesIO()
        ORIGINAL_SAVE(state, whole)
        part = whole.getvalue()[: len(whole.getvalue()) // 2]
        if isinstance(target, (str, bytes)) or not hasattr(target, "write"):
            with open(target, "wb") as file:
                file.write(part)
        else:
            target.write(part)
        written.append(name)
        raise OSError(28, "No space left on device")

    return save


def test_is_the_registered_atomic_checkpointer(tmp_path):
    checkpointer = Checkpointer.from_params(Params({"type": "atomic"}), serialization_dir=str(tmp_path))
    assert isinstance(checkpointer, AtomicCheckpointer)


@pytest.mark.parametrize("failing_file", ["training_state_e2", "model_state_e2"])
def test_a_write_failing_midway_leaves_the_last_checkpoint_and_training_resumes(
    failing_file, monkeypatch, tmp_path
):
    run = tmp_path / "run"
    written: list = []
    monkeypatch.setattr(torch, "save", failing_save(failing_file, written))
    with pytest.raises(OSError, match="No space left on device"):
        train_model(fixture_experiment(), str(run))
    assert len(written) == 1 and failing_file in written[0]
    # The failed checkpoint never counts (a training state written before a failed model state
    # waits to be overwritten), the one before it is the latest and loads whole, and no temporary
    # file is left.
    assert [path.name for path in run.glob("model_state_*")] == ["model_state_e1_b0.th"]
    assert not list(run.glob(".*"))
    _, training_state = AtomicCheckpointer(str(run)).load_checkpoint()
    assert training_state["epochs_completed"] == 1

    monkeypatch.setattr(torch, "save", ORIGINAL_SAVE)
    train_model(fixture_experiment(), str(run), recover=True)
    metrics = json.loads((run / "metrics.json").read_text())
    assert metrics["epoch"] == 1
    assert (run / "model_state_e2_b0.th").is_file() and (run / "model.tar.gz").is_file()


def test_keeps_the_most_recent_checkpoints_like_allennlps(tmp_path):
    checkpointer = AtomicCheckpointer(str(tmp_path), keep_most_recent_by_count=2)
    for epochs in (1, 2, 3):
        checkpointer.save_checkpoint(FakeTrainer(epochs))
    assert sorted(path.name for path in tmp_path.iterdir()) == [
        "model_state_e2_b0.th",
        "model_state_e3_b0.th",
        "training_state_e2_b0.th",
        "training_state_e3_b0.th",
    ]
    model_state, training_state = checkpointer.load_checkpoint()
    assert torch.equal(model_state["weight"], torch.full((3,), 3.0))
    assert training_state["epochs_completed"] == 3


def test_removes_what_a_killed_write_left_behind(tmp_path):
    leftover = tmp_path / ".model_state_e3_b0.th.4242.tmp"
    leftover.write_bytes(b"half a checkpoint")
    unrelated = tmp_path / ".notes.tmp"
    unrelated.write_text("mine")
    AtomicCheckpointer(str(tmp_path))
    assert not leftover.exists() and unrelated.exists()


def test_a_truncated_checkpoint_is_named_when_resuming(tmp_path):
    checkpointer = AtomicCheckpointer(str(tmp_path))
    checkpointer.save_checkpoint(FakeTrainer(1))
    truncated = tmp_path / "model_state_e2_b0.th"
    whole = io.BytesIO()
    ORIGINAL_SAVE({"weight": torch.zeros(3)}, whole)
    truncated.write_bytes(whole.getvalue()[:40])
    (tmp_path / "training_state_e2_b0.th").write_bytes(b"")
    with pytest.raises(RuntimeError, match=f"Cannot resume from the latest checkpoint, {truncated}"):
        checkpointer.load_checkpoint()
