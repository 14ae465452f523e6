"""
The Selection Recurrent Network of "Towards Effective Multi-Task Interaction for Entity-Relation
Extraction: A Unified Framework with Selection Recurrent Network".
"""
import itertools
from typing import Dict, List, Optional, Sequence, Tuple

import torch
from allennlp.common.checks import ConfigurationError
from allennlp.modules.seq2seq_encoders import Seq2SeqEncoder
from torch.autograd.function import once_differentiable

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

    The inputs' share of every gate is one matrix product over all time steps; the recurrence is an
    autograd function with a hand-written backward through time (`_SrnRecurrence`), as autograd
    through its many small operations per step was the bulk of the time.

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
        # Each task's output is the tanh of every memory whose task set holds it (eq. 11), for each
        # direction; all tasks' outputs in `task_names` order are one selection among the memories
        # of all directions, (direction, memory) flattened.
        num_memories = len(self._memory_sets)
        selection = [
            direction * num_memories + memory
            for task_index in range(len(tasks))
            for direction in range(len(self._directions))
            for memory, subset in enumerate(self._memory_sets)
            if task_index in subset
        ]
        self.register_buffer("_selection", torch.tensor(selection), persistent=False)

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
        outputs = self.forward(inputs, mask)
        return dict(zip(self._tasks, outputs.split([self.get_task_output_dim(task) for task in self._tasks], -1)))

    def forward(self, inputs: torch.Tensor, mask: torch.BoolTensor) -> torch.Tensor:
        """
        The task outputs concatenated in `task_names` order, as `MultiTaskEncoder.forward` returns
        them, but selected from the memories at once rather than concatenated from `forward_tasks`.
        """
        # each (batch_size, num_tokens, num_memories, hidden_dim)
        memories = [self._directions[0](inputs)]
        if self._bidirectional:
            reverse = _reversal_indices(mask)  # (batch_size, num_tokens)
            backward = self._directions[1](_gather_steps(inputs, reverse))
            memories.append(_gather_steps(backward, reverse))
        # (batch_size, num_tokens, num_directions * num_memories, hidden_dim)
        memories = memories[0] if len(memories) == 1 else torch.cat(memories, dim=2)
        features = torch.tanh(memories) * mask.to(inputs.dtype)[:, :, None, None]  # eq. 10, once per memory
        return features.index_select(2, self._selection).flatten(2)


class _SrnDirection(torch.nn.Module):
    """One left-to-right pass of the SRN recurrence; returns the memories s_S of every step."""

    def __init__(
        self, input_dim: int, hidden_dim: int, num_tasks: int, memory_sets: List[Tuple[int, ...]]
    ) -> None:
        super().__init__()
        # f, o, ĉ, then the master gates of ĉ and of c̃ for each task.
        num_gates = 3 + 2 * num_tasks
        self._input_projection = torch.nn.Linear(input_dim, num_gates * hidden_dim)
        self._hidden_projection = torch.nn.Linear(hidden_dim, num_gates * hidden_dim, bias=False)
        self._cell = torch.nn.Linear(len(memory_sets) * hidden_dim, hidden_dim)
        self._memory_sets = memory_sets
        # The sums over the memories that the backward needs (see `_SrnRecurrence`): row 0 over all,
        # row 1 + k over those whose set holds task k, row 1 + K + k over those whose gate has a
        # factor of task k, ρ_k or 1 - ρ_k.
        gate_sums = torch.zeros(1 + 2 * num_tasks, len(memory_sets))
        gate_sums[0] = 1.0
        for memory, subset in enumerate(memory_sets):
            gate_sums[[1 + task for task in subset], memory] = 1.0
            factors = range(num_tasks) if len(subset) == 1 else subset
            gate_sums[[1 + num_tasks + task for task in factors], memory] = 1.0
        self.register_buffer("_gate_sums", gate_sums, persistent=False)

    def forward(self, inputs: torch.Tensor) -> torch.Tensor:
        """
        # Parameters

        inputs : `torch.Tensor`
            Shape `(batch_size, num_tokens, input_dim)`, read left to right.

        # Returns

        `torch.Tensor`
            The memories of every step, shape `(batch_size, num_tokens, num_memories, hidden_dim)`.
        """
        # The recurrence runs in the weights' precision: under mixed precision the input projection
        # comes out in half precision, which the recurrence's matrix products with the weights
        # cannot mix with.
        # (batch_size, num_tokens, num_gates * hidden_dim)
        projected_inputs = self._input_projection(inputs).to(self._hidden_projection.weight.dtype)
        memories = _SrnRecurrence.apply(
            projected_inputs,
            self._hidden_projection.weight,
            self._cell.weight,
            self._cell.bias,
            self._gate_sums,
            self._memory_sets,
        )
        return memories.transpose(0, 1)


class _SrnRecurrence(torch.autograd.Function):
    """
    The SRN recurrence over a whole sentence, with a hand-written backward through time.

    Autograd would record some twenty small operations per step and replay each; here the forward
    loop runs without a graph and keeps the activations, and the backward loop takes a dozen
    operations per step, with every factor that does not depend on the incoming gradient computed
    for all steps at once before it. The weights' gradients are one matrix product each, over all
    steps, after it. Every step writes into buffers for all steps through views made before the
    loop (`unbind`), which costs less than a view or an allocation per operation.

    The gate of memory m is g_m = Π_k φ_mk, with each factor φ_mk being ρ_k, 1 - ρ_k or 1 and
    ρ_k = σ(a_k); so ∂g_m/∂a_k is g_m (1 - ρ_k) where φ_mk = ρ_k and -g_m ρ_k where φ_mk = 1 - ρ_k,
    without a division by a factor (which can be 0 in floating point). With the gradients δ_m of
    the memories and the source u that the gates multiply (ĉ_t or c̃_t), the logit a_k thus gets
    u (Σ_{m: k ∈ S_m} δ_m g_m - ρ_k Σ_{m: φ_mk ≠ 1} δ_m g_m): two fixed sums over the memories,
    taken in one matrix product with `gate_sums` along with the sum that gives u's gradient.
    """

    @staticmethod
    def forward(  # type: ignore[override]
        ctx,
        projected_inputs: torch.Tensor,
        hidden_weight: torch.Tensor,
        cell_weight: torch.Tensor,
        cell_bias: torch.Tensor,
        gate_sums: torch.Tensor,
        memory_sets: List[Tuple[int, ...]],
    ) -> torch.Tensor:
        """
        # Parameters

        projected_inputs : `torch.Tensor`
            The inputs' share of the gate logits, shape `(batch_size, num_tokens, num_gates * hidden_dim)`.
        hidden_weight : `torch.Tensor`
            Shape `(num_gates * hidden_dim, hidden_dim)`.
        cell_weight : `torch.Tensor`
            Shape `(hidden_dim, num_memories * hidden_dim)`.
        cell_bias : `torch.Tensor`
            Shape `(hidden_dim,)`.
        gate_sums : `torch.Tensor`
            Shape `(1 + 2 * num_tasks, num_memories)`, see `_SrnDirection`.
        memory_sets : `List[Tuple[int, ...]]`
            The task set of every memory.

        # Returns

        `torch.Tensor`
            The memories of every step, shape `(num_tokens, batch_size, num_memories, hidden_dim)`.
        """
        batch_size, num_tokens, _ = projected_inputs.shape
        hidden_dim = hidden_weight.size(1)
        num_memories = len(memory_sets)
        num_tasks = (gate_sums.size(0) - 1) // 2
        num_gates = 3 + 2 * num_tasks
        new = projected_inputs.new_empty
        logits = new(batch_size, num_gates * hidden_dim)  # of the current step
        # tanh is several times slower on a strided tensor than on a contiguous one
        candidate_logits = new(batch_size, hidden_dim)
        complements = new(batch_size, 2, num_tasks, hidden_dim)  # 1 - ρ of the current step
        # What the backward reads, step-major: σ of every logit (that of ĉ unused), ĉ_t,
        # c̃_t = f_t ⊙ c_{t-1}, the gates of ĉ and of c̃, the memories, tanh(c_t), h_{t-1} and c_{t-1}.
        activations = new(num_tokens, batch_size, num_gates, hidden_dim)
        candidate = new(num_tokens, batch_size, hidden_dim)
        history = new(num_tokens, batch_size, hidden_dim)
        gates = new(num_tokens, batch_size, 2, num_memories, hidden_dim)
        memories = new(num_tokens, batch_size, num_memories, hidden_dim)
        cell_tanh = new(num_tokens, batch_size, hidden_dim)
        hidden = projected_inputs.new_zeros(num_tokens + 1, batch_size, hidden_dim)  # h_{t-1} at t
        cell = projected_inputs.new_zeros(num_tokens + 1, batch_size, hidden_dim)  # c_{t-1} at t
        one = projected_inputs.new_ones(())

        def steps(tensor: torch.Tensor) -> Tuple[torch.Tensor, ...]:
            return tensor.unbind(0)

        input_steps = projected_inputs.unbind(1)
        activation_steps = steps(activations.view(num_tokens, batch_size, -1))
        forget_steps, output_steps = steps(activations[:, :, 0]), steps(activations[:, :, 1])
        masters = activations[:, :, 3:].view(num_tokens, batch_size, 2, num_tasks, hidden_dim)
        master_steps = steps(masters)
        candidate_steps, history_steps = steps(candidate), steps(history)
        # broadcast over the memories: (batch_size, 1, hidden_dim)
        candidate_source_steps, history_source_steps = steps(candidate.unsqueeze(2)), steps(history.unsqueeze(2))
        candidate_gate_steps, history_gate_steps = steps(gates[:, :, 0]), steps(gates[:, :, 1])
        memory_steps, flat_memory_steps = steps(memories), steps(memories.view(num_tokens, batch_size, -1))
        cell_tanh_steps, hidden_steps, cell_steps = steps(cell_tanh), steps(hidden), steps(cell)
        # Each gate, for ĉ and c̃ at once, (batch_size, 2, hidden_dim), with its factors: ρ_k of each
        # task k of its set, and 1 - ρ_j of every other task j for a single task. A product of
        # these few small tensors is cheaper than one of all num_memories x num_tasks factors.
        task_steps = [steps(masters[:, :, :, task]) for task in range(num_tasks)]
        task_complements = [[complement] * num_tokens for complement in complements.unbind(2)]
        gate_products = [
            (
                steps(gates[:, :, :, memory]),
                [task_steps[task] for task in subset]
                + [task_complements[task] for task in range(num_tasks) if len(subset) == 1 and task != subset[0]],
            )
            for memory, subset in enumerate(memory_sets)
        ]
        hidden_weight_t, cell_weight_t = hidden_weight.t(), cell_weight.t()
        for step in range(num_tokens):
            torch.addmm(input_steps[step], hidden_steps[step], hidden_weight_t, out=logits)
            torch.sigmoid(logits, out=activation_steps[step])
            candidate_logits.copy_(logits[:, 2 * hidden_dim : 3 * hidden_dim])
            torch.tanh(candidate_logits, out=candidate_steps[step])
            torch.mul(forget_steps[step], cell_steps[step], out=history_steps[step])
            torch.sub(one, master_steps[step], out=complements)
            for gate_steps, (first, second, *others) in gate_products:
                gate = gate_steps[step]
                torch.mul(first[step], second[step], out=gate)
                for factor in others:
                    gate.mul_(factor[step])
            torch.mul(candidate_gate_steps[step], candidate_source_steps[step], out=memory_steps[step])
            memory_steps[step].addcmul_(history_gate_steps[step], history_source_steps[step])
            torch.addmm(cell_bias, flat_memory_steps[step], cell_weight_t, out=cell_steps[step + 1])
            torch.tanh(cell_steps[step + 1], out=cell_tanh_steps[step])
            torch.mul(output_steps[step], cell_tanh_steps[step], out=hidden_steps[step + 1])
        ctx.save_for_backward(
            hidden_weight, cell_weight, gate_sums, activations, candidate, history, gates, memories, cell_tanh, hidden,
            cell
        )
        return memories

    @staticmethod
    @once_differentiable
    def backward(  # type: ignore[override]
        ctx, memories_grad: torch.Tensor
    ) -> Tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor, None, None]:
        (
            hidden_weight, cell_weight, gate_sums, activations, candidate, history, gates, memories, cell_tanh, hidden,
            cell
        ) = ctx.saved_tensors
        num_tokens, batch_size, num_gates, hidden_dim = activations.shape
        num_memories = memories.size(2)
        num_tasks = (num_gates - 3) // 2
        forget, output = activations[:, :, 0], activations[:, :, 1]
        masters = activations[:, :, 3:].view(num_tokens, batch_size, 2, num_tasks, hidden_dim)
        # The factors between a gradient and a logit or c_{t-1}, for all steps at once.
        cell_tanh_grad = output * (1 - cell_tanh * cell_tanh)  # c_t to h_t
        output_logit_grad = cell_tanh * output * (1 - output)  # h_t to a_o
        forget_logit_grad = cell[:-1] * forget * (1 - forget)  # c̃_t to a_f
        candidate_logit_grad = 1 - candidate * candidate  # ĉ_t to a_ĉ
        sources = torch.stack([candidate, history], dim=2).unsqueeze(3)  # (..., 2, 1, hidden_dim), u

        new = activations.new_empty
        logits_grad = new(num_tokens, batch_size, num_gates, hidden_dim)
        cell_grad = new(num_tokens, batch_size, hidden_dim)  # of c_t, in full
        # per step: of the memories, then the products δ_m g_m, their sums (see `_SrnDirection`)
        # and the master gates' share of them
        memory_grad = new(batch_size, num_memories, hidden_dim)
        weighted = new(batch_size, 2, num_memories, hidden_dim)
        sums = new(batch_size, 2, 1 + 2 * num_tasks, hidden_dim)
        master_sums = new(batch_size, 2, num_tasks, hidden_dim)
        hidden_grad = activations.new_zeros(batch_size, hidden_dim)  # of h_t; the last one reaches nothing
        later_cell_grad = activations.new_zeros(batch_size, hidden_dim)  # of c_t through c̃_{t+1}

        def steps(tensor: torch.Tensor) -> Tuple[torch.Tensor, ...]:
            return tensor.unbind(0)

        memories_grad_steps = steps(memories_grad.reshape(num_tokens, batch_size, -1))
        gate_steps, master_steps = steps(gates), steps(masters)
        source_steps, forget_steps = steps(sources), steps(forget)
        logit_grad_steps = steps(logits_grad.view(num_tokens, batch_size, -1))
        forget_grad_steps, output_grad_steps = steps(logits_grad[:, :, 0]), steps(logits_grad[:, :, 1])
        candidate_grad_steps = steps(logits_grad[:, :, 2])
        master_grad_steps = steps(logits_grad[:, :, 3:].view(num_tokens, batch_size, 2, num_tasks, hidden_dim))
        cell_grad_steps, cell_tanh_grad_steps = steps(cell_grad), steps(cell_tanh_grad)
        output_logit_grad_steps, forget_logit_grad_steps = steps(output_logit_grad), steps(forget_logit_grad)
        candidate_logit_grad_steps = steps(candidate_logit_grad)
        flat_memory_grad = memory_grad.view(batch_size, -1)
        expanded_gate_sums = gate_sums.expand(2 * batch_size, -1, -1)
        flat_weighted = weighted.view(2 * batch_size, num_memories, hidden_dim)
        flat_sums = sums.view(2 * batch_size, -1, hidden_dim)
        candidate_sum, history_sum = sums[:, 0, 0], sums[:, 1, 0]
        in_set_sums, factor_sums = sums[:, :, 1 : 1 + num_tasks], sums[:, :, 1 + num_tasks :]
        for step in range(num_tokens - 1, -1, -1):
            torch.addcmul(later_cell_grad, hidden_grad, cell_tanh_grad_steps[step], out=cell_grad_steps[step])
            torch.addmm(memories_grad_steps[step], cell_grad_steps[step], cell_weight, out=flat_memory_grad)
            torch.mul(memory_grad.unsqueeze(1), gate_steps[step], out=weighted)
            torch.bmm(expanded_gate_sums, flat_weighted, out=flat_sums)
            torch.addcmul(in_set_sums, master_steps[step], factor_sums, value=-1, out=master_sums)
            torch.mul(master_sums, source_steps[step], out=master_grad_steps[step])
            torch.mul(candidate_sum, candidate_logit_grad_steps[step], out=candidate_grad_steps[step])
            torch.mul(history_sum, forget_logit_grad_steps[step], out=forget_grad_steps[step])
            torch.mul(hidden_grad, output_logit_grad_steps[step], out=output_grad_steps[step])
            torch.mul(history_sum, forget_steps[step], out=later_cell_grad)
            torch.mm(logit_grad_steps[step], hidden_weight, out=hidden_grad)

        flat_logits_grad = logits_grad.view(num_tokens * batch_size, -1)
        flat_cell_grad = cell_grad.view(num_tokens * batch_size, hidden_dim)
        hidden_weight_grad = torch.mm(flat_logits_grad.t(), hidden[:-1].reshape(num_tokens * batch_size, hidden_dim))
        cell_weight_grad = torch.mm(flat_cell_grad.t(), memories.view(num_tokens * batch_size, -1))
        projected_inputs_grad = logits_grad.view(num_tokens, batch_size, -1).transpose(0, 1)
        return projected_inputs_grad, hidden_weight_grad, cell_weight_grad, flat_cell_grad.sum(0), None, None


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
