"""
The small extension of `Seq2SeqEncoder` that every interaction encoder shares: one output per task.
"""
from typing import Callable, Dict, Optional, Tuple

import torch
from allennlp.modules.seq2seq_encoders import Seq2SeqEncoder

PredictionHead = Callable[[torch.Tensor, torch.BoolTensor], torch.Tensor]
"""
A scheme's prediction per word for one task, `(batch_size, num_tokens, prediction_dim)`, from that
task's features `(batch_size, num_tokens, dim)` and the mask `(batch_size, num_tokens)`.
"""


class MultiTaskEncoder(Seq2SeqEncoder):
    """
    A `Seq2SeqEncoder` that produces a separate feature sequence for each task, e.g.
    `("entity", "relation")` or `("entity", "subject", "object")`. Decoding schemes read the
    task outputs they need from `forward_tasks`; `forward` concatenates them in `task_names`
    order, so the encoder also works wherever AllenNLP expects a plain `Seq2SeqEncoder`.

    Inputs and outputs are word-level; padded positions of every output are zero.

    An encoder whose layers read the predictions of the layer before (RIN) names the tasks whose
    prediction heads it calls in `required_heads`; the model tells it the size of each head's
    prediction (`set_prediction_dims`) before it initialises the parameters, and passes the
    scheme's heads to `forward_tasks`, so the encoder needs no knowledge of the decoding scheme.

    An encoder that reads a sentence agent (CTAM: the transformer's CLS vector) sets `reads_agent`;
    the model then passes each sentence's agent to `forward_tasks` as `agent`. Such an encoder may
    give each task an agent of its own, appended to every real word's features of that task (the
    last `get_task_agent_dim(task)` of them): any scheme can read them as word features, and a
    scheme that uses a sentence vector once (span classification) splits them off with
    `split_task_agent`.
    """

    required_heads: Tuple[str, ...] = ()
    reads_agent: bool = False

    @property
    def task_names(self) -> Tuple[str, ...]:
        """The tasks this encoder produces features for, in the order `forward` concatenates them."""
        raise NotImplementedError

    def get_task_output_dim(self, task: str) -> int:
        """The feature size of the output for `task`."""
        raise NotImplementedError

    def set_prediction_dims(self, dims: Dict[str, int]) -> None:
        """
        For an encoder with `required_heads`: the size of each head's prediction per word, by
        encoder task, which the model gives once, before it initialises the parameters, so that the
        layers reading the predictions can be built.
        """

    def get_task_agent_dim(self, task: str) -> int:
        """How many of the last features of `task`'s output are the task's sentence agent."""
        return 0

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

        An encoder with `reads_agent` also takes `agent`, one vector per sentence of shape
        `(batch_size, input_dim)`.

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


def split_task_agent(features: torch.Tensor, agent_dim: int) -> Tuple[torch.Tensor, Optional[torch.Tensor]]:
    """
    Splits a task's output into its word features and its sentence agent (see `MultiTaskEncoder`).

    # Parameters

    features : `torch.Tensor`
        A task's output, `(batch_size, num_tokens, dim)`.
    agent_dim : `int`
        `get_task_agent_dim` of the task; 0 for encoders without agents.

    # Returns

    `Tuple[torch.Tensor, Optional[torch.Tensor]]`
        The word features `(batch_size, num_tokens, dim - agent_dim)`, and the agent
        `(batch_size, agent_dim)` read at the first word, which every sentence has, or `None`.
    """
    if agent_dim == 0:
        return features, None
    return features[..., :-agent_dim], features[:, 0, -agent_dim:]
