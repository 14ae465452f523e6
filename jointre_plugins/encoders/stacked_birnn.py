"""
The encoder of "Deeper Task-Specificity": shared BiRNN layers, then a stack of BiRNN layers of each
task's own.
"""
from typing import Dict, Optional, Tuple, Type

import torch
from allennlp.common.checks import ConfigurationError
from allennlp.modules.seq2seq_encoders import PytorchSeq2SeqWrapper, Seq2SeqEncoder

from jointre_plugins.encoders.multi_task_encoder import MultiTaskEncoder, PredictionHead

TASKS = ("entity", "relation")

CELLS = {"gru": torch.nn.GRU, "lstm": torch.nn.LSTM}


@Seq2SeqEncoder.register("stacked_birnn")
class StackedBiRnn(MultiTaskEncoder):
    """
    Hard parameter sharing with deep task-specific layers (Crone 2020, section 3): the words pass
    through `num_shared_layers` BiRNN layers; their output feeds `num_entity_layers` NER-specific
    and `num_relation_layers` RE-specific BiRNN layers, whose last outputs are the `entity` and
    `relation` features. A stack of zero layers passes its input on, so with no task-specific
    layers both tasks read the shared output, and with no layers at all the words themselves.

    Dropout is applied before every BiRNN layer (the paper's "pre-BiRNN dropout"), the first shared
    one included, so a model on this encoder needs no dropout of its own on the words.

    Table 3's ablations are layer counts: no NER-specific layers (`num_entity_layers: 0`), no
    RE-specific layers, or none of either, each with shared layers added to keep the parameters.

    Choices where the paper is unclear: `hidden_dim` is each direction's size (table 1's 256 for
    CoNLL04 gives the paper's "about 6 million" trainable parameters only so); the layers of one
    stack are one multi-layer RNN, whose dropout between layers is the pre-layer dropout of all
    but its first.

    Registered as a `Seq2SeqEncoder` with name "stacked_birnn".

    # Parameters

    input_dim : `int`
        The size of the word vectors.
    hidden_dim : `int`
        The size of each direction of every BiRNN layer (table 1: 128 for ADE, 256 for CoNLL04).
    num_shared_layers : `int`, optional (default = `1`)
        The shared BiRNN layers.
    num_entity_layers : `int`, optional (default = `1`)
        The NER-specific BiRNN layers.
    num_relation_layers : `int`, optional (default = `1`)
        The RE-specific BiRNN layers.
    cell : `str`, optional (default = `"gru"`)
        `"gru"` or `"lstm"`, for every layer.
    dropout : `float`, optional (default = `0.0`)
        The dropout before every BiRNN layer.
    """

    def __init__(
        self,
        input_dim: int,
        hidden_dim: int,
        num_shared_layers: int = 1,
        num_entity_layers: int = 1,
        num_relation_layers: int = 1,
        cell: str = "gru",
        dropout: float = 0.0,
    ) -> None:
        super().__init__()
        if cell not in CELLS:
            raise ConfigurationError(f"cell must be one of {sorted(CELLS)}, not {cell!r}")
        counts = {
            "num_shared_layers": num_shared_layers,
            "num_entity_layers": num_entity_layers,
            "num_relation_layers": num_relation_layers,
        }
        negative = {name: count for name, count in counts.items() if count < 0}
        if negative:
            raise ConfigurationError(f"layer counts must be 0 or more, not {negative}")
        self._input_dim = input_dim
        self._hidden_dim = hidden_dim
        self._shared = self._stack(CELLS[cell], input_dim, num_shared_layers, dropout)
        shared_dim = 2 * hidden_dim if num_shared_layers else input_dim
        self._tasks = torch.nn.ModuleDict(
            {
                "entity": self._stack(CELLS[cell], shared_dim, num_entity_layers, dropout),
                "relation": self._stack(CELLS[cell], shared_dim, num_relation_layers, dropout),
            }
        )
        self._output_dims = {
            task: 2 * hidden_dim if num_layers else shared_dim
            for task, num_layers in (("entity", num_entity_layers), ("relation", num_relation_layers))
        }
        self._dropout = torch.nn.Dropout(dropout)

    def _stack(
        self, cell: Type[torch.nn.RNNBase], input_dim: int, num_layers: int, dropout: float
    ) -> Optional[PytorchSeq2SeqWrapper]:
        if num_layers == 0:
            return None
        rnn = cell(
            input_dim,
            self._hidden_dim,
            num_layers=num_layers,
            dropout=dropout if num_layers > 1 else 0.0,
            batch_first=True,
            bidirectional=True,
        )
        return PytorchSeq2SeqWrapper(rnn)

    @property
    def task_names(self) -> Tuple[str, ...]:
        return TASKS

    def get_input_dim(self) -> int:
        return self._input_dim

    def get_task_output_dim(self, task: str) -> int:
        if task not in TASKS:
            raise ValueError(f"stacked_birnn has no task {task!r}; its tasks are {TASKS}")
        return self._output_dims[task]

    def is_bidirectional(self) -> bool:
        return True

    def forward_tasks(
        self,
        inputs: torch.Tensor,
        mask: torch.BoolTensor,
        heads: Optional[Dict[str, PredictionHead]] = None,
    ) -> Dict[str, torch.Tensor]:
        shared = self._run(self._shared, inputs, mask)  # (batch_size, num_tokens, shared_dim)
        # (batch_size, num_tokens, get_task_output_dim(task)) for each task
        return {task: self._run(self._tasks[task], shared, mask) for task in TASKS}

    def _run(
        self, stack: Optional[PytorchSeq2SeqWrapper], inputs: torch.Tensor, mask: torch.BoolTensor
    ) -> torch.Tensor:
        if stack is None:
            return inputs * mask.unsqueeze(-1).to(inputs.dtype)
        return stack(self._dropout(inputs), mask)
