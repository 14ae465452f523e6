"""
The Selection Recurrent Network of "Towards Effective Multi-Task Interaction for Entity-Relation
Extraction: A Unified Framework with Selection Recurrent Network".
"""
import itertools
from typing import Dict, List, Optional, Sequence, Tuple

import torch
import torch.nn.functional as F
from allennlp.common.checks import ConfigurationError
from allennlp.modules.seq2seq_encoders import Seq2SeqEncoder

from jointre_plugins.encoders.multi_task_encoder import MultiTaskEncoder, PredictionHead


@Seq2SeqEncoder.register("srn")
class SelectionRecurrentNetwork(MultiTaskEncoder):
    """
    SRN (paper section 3.3, appendix F): an LSTM-like recurrence whose cell candidate and filtered
    history are split, by sigmoid master gates, into one memory per non-empty set of tasks:

        [f_t; o_t; ĉ_t] = [σ; σ; tanh](W_1 [h_{t-1}; x_t])                      (eq. 1)
        c̃_{t-1} = f_t ⊙ c_{t-1}                                                  (eq. 2)
        ρ_{k,ĉ}, ρ_{k,c̃} = σ(W_2 [h_{t-1}; x_t]), σ(W_3 [h_{t-1}; x_t])  per task k (eq. 3)
        s_S = g_{S,c̃} ⊙ c̃_{t-1} + g_{S,ĉ} ⊙ ĉ_t                 per task set S (eqs. 6-7)
        c_t = Linear([s_S for every S]),    h_t = o_t ⊙ tanh(c_t)                (eqs. 8-9)
        h_S = tanh(s_S)                                                           (eq. 10)

    A shared gate is the product of its tasks' master gates (eq. 4: g_es = ρ_e ⊙ ρ_s); a task's
    independent gate keeps what no other task selects, by inclusion-exclusion (eq. 5, garbled in
    the paper's text: g_e = ρ_e - g_es - g_eo + g_eso), which is ρ_e ⊙ Π_{j≠e} (1 - ρ_j).

    Choices where the paper is unclear: the history's master gates are computed "in exactly the
    same procedure" as the candidate's (section 3.3), read here as the same form with weights of
    their own (W_3). Appendix F's eq. 18 gates the two-task history with the candidate's gates;
    read as a typo, the history uses its own gates as eqs. 6-7 do for three tasks.

    Each task's output is the tanh of every memory whose task set contains it (eq. 11), in the
    order of `memory_names`: with tasks entity, subject, object, entity = [h_e, h_es, h_eo,
    h_eso]; with entity, relation, entity = [h_e, h_er]. The paper runs SRN left to right; with
    `bidirectional` a second SRN reads the sentence right to left and each task's output is the
    two directions' outputs concatenated (the BiSRN of the ablation).

    The inputs' share of every gate is one matrix product over all time steps; the loop computes
    one matrix product of h_{t-1} for all gates per step.

    Registered as a `Seq2SeqEncoder` with name "srn".

    # Parameters

    input_dim : `int`
        The size of the word vectors x_t.
    hidden_dim : `int`, optional (default = `128`)
        The size of the states and of every memory (appendix D: 128).
    tasks : `Sequence[str]`, optional (default = `("entity", "subject", "object")`)
        At least two distinct task names; three give the paper's seven memories, two the three of
        appendix F (e.g. `["entity", "relation"]`).
    bidirectional : `bool`, optional (default = `False`)
        Also read right to left.
    """

    def __init__(
        self,
        input_dim: int,
        hidden_dim: int = 128,
        tasks: Sequence[str] = ("entity", "subject", "object"),
        bidirectional: bool = False,
    ) -> None:
        super().__init__()
        tasks = tuple(tasks)
        if len(tasks) < 2 or len(set(tasks)) != len(tasks):
            raise ConfigurationError(f"SRN needs at least two distinct tasks, not {list(tasks)}")
        self._input_dim = input_dim
        self._hidden_dim = hidden_dim
        self._tasks = tasks
        self._bidirectional = bidirectional
        # Every non-empty set of task indices, singletons first: (0,), (1,), (2,), (0, 1), ...
        self._memory_sets: List[Tuple[int, ...]] = [
            subset for size in range(1, len(tasks) + 1) for subset in itertools.combinations(range(len(tasks)), size)
        ]
        self._directions = torch.nn.ModuleList(
            [_SrnDirection(input_dim, hidden_dim, len(tasks), self._memory_sets) for _ in range(1 + bidirectional)]
        )
        # For each task, the memories whose task set holds it (eq. 11).
        self._task_memories = {
            task: [memory for memory, subset in enumerate(self._memory_sets) if task_index in subset]
            for task_index, task in enumerate(tasks)
        }

    @property
    def task_names(self) -> Tuple[str, ...]:
        return self._tasks

    @property
    def memory_names(self) -> Tuple[str, ...]:
        """The memories' task sets, e.g. `("entity", "subject", ..., "entity+subject+object")`."""
        return tuple("+".join(self._tasks[index] for index in subset) for subset in self._memory_sets)

    def get_input_dim(self) -> int:
        return self._input_dim

    def get_task_output_dim(self, task: str) -> int:
        if task not in self._tasks:
            raise ValueError(f"this SRN has no task {task!r}; its tasks are {self._tasks}")
        per_direction = 2 ** (len(self._tasks) - 1) * self._hidden_dim
        return per_direction * len(self._directions)

    def is_bidirectional(self) -> bool:
        return self._bidirectional

    def forward_tasks(
        self,
        inputs: torch.Tensor,
        mask: torch.BoolTensor,
        heads: Optional[Dict[str, PredictionHead]] = None,
    ) -> Dict[str, torch.Tensor]:
        # each (batch_size, num_tokens, num_memories, hidden_dim)
        memories = [self._directions[0](inputs)]
        if self._bidirectional:
            reverse = _reversal_indices(mask)  # (batch_size, num_tokens)
            backward = self._directions[1](_gather_steps(inputs, reverse))
            memories.append(_gather_steps(backward, reverse))
        keep = mask.to(inputs.dtype).unsqueeze(-1)
        features = [torch.tanh(direction) for direction in memories]  # eq. 10, once per memory
        return {
            # (batch_size, num_tokens, get_task_output_dim(task))
            task: torch.cat([direction[:, :, chosen].flatten(2) for direction in features], dim=-1) * keep
            for task, chosen in self._task_memories.items()
        }


class _SrnDirection(torch.nn.Module):
    """One left-to-right pass of the SRN recurrence; returns the memories s_S of every step."""

    def __init__(
        self, input_dim: int, hidden_dim: int, num_tasks: int, memory_sets: List[Tuple[int, ...]]
    ) -> None:
        super().__init__()
        self._hidden_dim = hidden_dim
        self._num_tasks = num_tasks
        # f, o, ĉ, then the master gates of ĉ and of c̃ for each task.
        num_gates = 3 + 2 * num_tasks
        self._input_projection = torch.nn.Linear(input_dim, num_gates * hidden_dim)
        self._hidden_projection = torch.nn.Linear(hidden_dim, num_gates * hidden_dim, bias=False)
        self._cell = torch.nn.Linear(len(memory_sets) * hidden_dim, hidden_dim)
        # A memory's gate is a product over the tasks of one factor each: ρ_k for the tasks of its
        # set, 1 - ρ_k for the other tasks of a single-task set, and 1 otherwise. Row m of
        # `_selection` marks those factors among [log ρ_1 .. log ρ_K, log(1 - ρ_1) .. log(1 - ρ_K)],
        # so every gate is exp of one matrix product: fewer and cheaper steps to differentiate
        # than a product of gathered factors.
        selection = torch.zeros(len(memory_sets), 2 * num_tasks)
        for memory, subset in enumerate(memory_sets):
            selection[memory, list(subset)] = 1.0
            if len(subset) == 1:
                others = [num_tasks + task for task in range(num_tasks) if task != subset[0]]
                selection[memory, others] = 1.0
        self.register_buffer("_selection", selection, persistent=False)

    def selection_gates(self, master_logits: torch.Tensor) -> torch.Tensor:
        """
        The gate of every memory from the logits of the master gates ρ = σ(logits), shape
        `(..., num_tasks, hidden_dim)`: shape `(..., num_memories, hidden_dim)`.
        """
        # log ρ and log(1 - ρ), (..., 2 * num_tasks, hidden_dim)
        log_factors = torch.cat([F.logsigmoid(master_logits), F.logsigmoid(-master_logits)], dim=-2)
        return torch.matmul(self._selection, log_factors).exp()

    def forward(self, inputs: torch.Tensor) -> torch.Tensor:
        """
        # Parameters

        inputs : `torch.Tensor`
            Shape `(batch_size, num_tokens, input_dim)`, read left to right.

        # Returns

        `torch.Tensor`
            The memories of every step, shape `(batch_size, num_tokens, num_memories, hidden_dim)`.
        """
        batch_size, num_tokens, _ = inputs.shape
        projected_inputs = self._input_projection(inputs)  # (batch_size, num_tokens, num_gates * hidden_dim)
        hidden = inputs.new_zeros(batch_size, self._hidden_dim)
        cell = inputs.new_zeros(batch_size, self._hidden_dim)
        steps = []
        for step in range(num_tokens):
            # (batch_size, num_gates, hidden_dim)
            gates = torch.addmm(projected_inputs[:, step], hidden, self._hidden_projection.weight.t()).view(
                batch_size, -1, self._hidden_dim
            )
            forget, output = torch.sigmoid(gates[:, :2]).unbind(dim=1)
            candidate = torch.tanh(gates[:, 2])
            # (batch_size, 2, num_tasks, hidden_dim): the master gates' logits of ĉ, then of c̃
            master_logits = gates[:, 3:].view(batch_size, 2, self._num_tasks, self._hidden_dim)
            selection = self.selection_gates(master_logits)  # (batch_size, 2, num_memories, hidden_dim)
            # (batch_size, num_memories, hidden_dim)
            memories = torch.addcmul(
                selection[:, 0] * candidate.unsqueeze(1), selection[:, 1], (forget * cell).unsqueeze(1)
            )
            cell = self._cell(memories.flatten(1))
            hidden = output * torch.tanh(cell)
            steps.append(memories)
        return torch.stack(steps, dim=1)


def _reversal_indices(mask: torch.BoolTensor) -> torch.Tensor:
    """
    For each sentence, the index of the step each position reads when its real words are reversed
    in place (padding stays where it is): shape `(batch_size, num_tokens)`. Applying it twice is
    the identity.
    """
    lengths = mask.sum(dim=1, keepdim=True)  # (batch_size, 1)
    positions = torch.arange(mask.size(1), device=mask.device).unsqueeze(0)  # (1, num_tokens)
    return torch.where(positions < lengths, lengths - 1 - positions, positions)


def _gather_steps(values: torch.Tensor, indices: torch.Tensor) -> torch.Tensor:
    """`values` `(batch_size, num_tokens, ...)` reordered along the steps by `indices`."""
    expanded = indices.view(*indices.shape, *([1] * (values.dim() - 2))).expand_as(values)
    return values.gather(1, expanded)
