"""
The small extension of `Seq2SeqEncoder` that every interaction encoder shares: one output per task.
"""
from typing import Callable, Dict, Optional, Tuple

import torch
from allennlp.modules.seq2seq_encoders import Seq2SeqEncoder

PredictionHead = Callable[[torch.Tensor], torch.Tensor]
"""A scheme's prediction for one task from that task's features `(batch_size, num_tokens, dim)`."""


class MultiTaskEncoder(Seq2SeqEncoder):
    """
    A `Seq2SeqEncoder` that produces a separate feature sequence for each task, e.g.
    `("entity", "relation")` or `("entity", "subject", "object")`. Decoding schemes read the
    task outputs they need from `forward_tasks`; `forward` concatenates them in `task_names`
    order, so the encoder also works wherever AllenNLP expects a plain `Seq2SeqEncoder`.

    Inputs and outputs are word-level; padded positions of every output are zero.

    An encoder whose layers read the predictions of the layer before (RIN) names the tasks whose
    prediction heads it calls in `required_heads`; the model then passes the scheme's heads to
    `forward_tasks`, so the encoder needs no knowledge of the decoding scheme.
    """

    required_heads: Tuple[str, ...] = ()

    @property
    def task_names(self) -> Tuple[str, ...]:
        """The tasks this encoder produces features for, in the order `forward` concatenates them."""
        raise NotImplementedError

    def get_task_output_dim(self, task: str) -> int:
        """The feature size of the output for `task`."""
        raise NotImplementedError

    def forward_tasks(
        self,
        inputs: torch.Tensor,
        mask: torch.BoolTensor,
        heads: Optional[Dict[str, PredictionHead]] = None,
    ) -> Dict[str, torch.Tensor]:
        """
        # Parameters

        inputs : `torch.Tensor`
            Shape `(batch_size, num_tokens, input_dim)`.
        mask : `torch.BoolTensor`
            Shape `(batch_size, num_tokens)`.
        heads : `Dict[str, PredictionHead]`, optional
            The scheme's prediction heads for the tasks of `required_heads`; encoders that call
            none ignore it.

        # Returns

        `Dict[str, torch.Tensor]`
            For each task, a tensor of shape `(batch_size, num_tokens, get_task_output_dim(task))`,
            zero at padded positions.
        """
        raise NotImplementedError

    def get_output_dim(self) -> int:
        return sum(self.get_task_output_dim(task) for task in self.task_names)

    def forward(self, inputs: torch.Tensor, mask: torch.BoolTensor) -> torch.Tensor:
        """
        # Returns

        `torch.Tensor`
            The task outputs concatenated in `task_names` order,
            shape `(batch_size, num_tokens, get_output_dim())`.
        """
        if self.required_heads:
            raise ValueError(
                f"{type(self).__name__} calls the prediction heads of {self.required_heads}, which "
                "only a joint extraction model provides (through forward_tasks)"
            )
        outputs = self.forward_tasks(inputs, mask)
        return torch.cat([outputs[task] for task in self.task_names], dim=-1)
