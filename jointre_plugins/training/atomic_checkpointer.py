"""
A checkpointer whose files are either whole or absent, so that a run killed at any moment resumes.
"""
import glob
import os
from typing import Any, Optional

import torch
from allennlp.training.checkpointer import Checkpointer
from allennlp.training.trainer import Trainer, TrainerCheckpoint

# Temporary files start with a dot and end in .tmp, so that the base class, which looks for
# model_state_e*_b*.th and training_state_e*_b*.th, never takes one for a checkpoint.
TEMPORARY_PATTERN = ".*_state_e*_b*.th.*.tmp"


@Checkpointer.register("atomic")
class AtomicCheckpointer(Checkpointer):
    """
    AllenNLP's checkpointer, writing each file atomically: to a temporary file in the same
    directory, flushed to disk, then renamed over the final name with `os.replace`. AllenNLP's
    own checkpointer writes the final file in place, so a kill while it writes leaves a truncated
    checkpoint, which `allennlp train -r` picks as the latest and fails on.

    The training state is written before the model state, and a checkpoint counts only once its
    model state exists, so a kill between the two files leaves the previous checkpoint the latest.
    Temporary files a killed run left behind are removed when the checkpointer starts, and an
    unreadable checkpoint (one written by another checkpointer) raises an error naming its files.

    Registered as a `Checkpointer` with name "atomic".

    # Parameters

    serialization_dir : `str`
        The run's directory.
    **kwargs
        The parameters of AllenNLP's `Checkpointer`: `save_completed_epochs`,
        `save_every_num_seconds`, `save_every_num_batches`, `keep_most_recent_by_count`,
        `keep_most_recent_by_age`.
    """

    def __init__(self, serialization_dir: str, **kwargs) -> None:
        super().__init__(serialization_dir, **kwargs)
        if self._is_primary:
            for leftover in glob.glob(os.path.join(self._serialization_dir, TEMPORARY_PATTERN)):
                os.remove(leftover)

    def save_checkpoint(self, trainer: Trainer) -> None:
        """
        Writes the trainer's checkpoint atomically, then lets the base class keep its count of
        saves and remove old checkpoints; it finds both files already there and writes neither.
        """
        state = trainer.get_checkpoint_state()
        if state is not None:
            point = (
                state.trainer_state["epochs_completed"],
                state.trainer_state["batches_in_epoch_completed"],
            )
            _save_atomically(state.trainer_state, self._training_state_path(*point))
            _save_atomically(state.model_state, self._model_state_path(*point))
        super().save_checkpoint(trainer)

    def load_checkpoint(self) -> Optional[TrainerCheckpoint]:
        """The latest checkpoint, as the base class loads it, or an error naming its files."""
        try:
            return super().load_checkpoint()
        # torch.load fails on a damaged file in several ways (RuntimeError, EOFError, pickle errors).
        except Exception as error:
            model_path, training_path = self.find_latest_checkpoint()  # type: ignore[misc]
            raise RuntimeError(
                f"Cannot resume from the latest checkpoint, {model_path} and {training_path} ({error}). "
                "Delete both files to resume from the checkpoint before."
            ) from error


def _save_atomically(state: Any, path: str) -> None:
    """Saves `state` at `path` with `torch.save`, so that `path` is either the whole file or untouched."""
    directory, name = os.path.split(path)
    temporary_path = os.path.join(directory, f".{name}.{os.getpid()}.tmp")
    try:
        with open(temporary_path, "wb") as temporary:
            torch.save(state, temporary)
            temporary.flush()
            # Without it, a crash of the machine soon after the rename can leave an empty file.
            os.fsync(temporary.fileno())
        os.replace(temporary_path, path)
    except BaseException:
        if os.path.exists(temporary_path):
            os.remove(temporary_path)
        raise
