import math

import pytest
import torch
from allennlp.common import Params
from allennlp.common.checks import ConfigurationError
from allennlp.modules.seq2seq_encoders import Seq2SeqEncoder

from jointre_plugins.encoders.srn import SelectionRecurrentNetwork
from tests.encoders.batches import assert_padding_changes_no_real_position, inputs_and_mask


def test_is_registered_with_the_papers_three_tasks_and_seven_memories():
    encoder = Seq2SeqEncoder.from_params(Params({"type": "srn", "input_dim": 6, "hidden_dim": 4}))
    assert isinstance(encoder, SelectionRecurrentNetwork)
    assert encoder.task_names == ("entity", "subject", "object")
    assert encoder.memory_names == (
        "entity",
        "subject",
        "object",
        "entity+subject",
        "entity+object",
        "subject+object",
        "entity+subject+object",
    )
    assert [encoder.get_task_output_dim(task) for task in encoder.task_names] == [16, 16, 16]
    assert encoder.get_output_dim() == 48
    assert not encoder.is_bidirectional()


def test_two_tasks_have_three_memories_and_bidirectional_doubles_every_output():
    encoder = SelectionRecurrentNetwork(6, hidden_dim=4, tasks=["entity", "relation"], bidirectional=True)
    assert encoder.memory_names == ("entity", "relation", "entity+relation")
    assert encoder.get_task_output_dim("entity") == encoder.get_task_output_dim("relation") == 16
    with pytest.raises(ValueError, match="no task 'subject'"):
        encoder.get_task_output_dim("subject")


@pytest.mark.parametrize("tasks", [["entity"], ["entity", "entity"]])
def test_fewer_than_two_distinct_tasks_is_a_configuration_error(tasks):
    with pytest.raises(ConfigurationError, match="at least two distinct tasks"):
        SelectionRecurrentNetwork(6, tasks=tasks)


@pytest.mark.parametrize("bidirectional", [False, True])
def test_outputs_are_zero_at_padding_and_padding_changes_no_real_position(bidirectional):
    encoder = SelectionRecurrentNetwork(6, hidden_dim=4, bidirectional=bidirectional)
    inputs, mask = inputs_and_mask()
    outputs = encoder.forward_tasks(inputs, mask)
    for task, output in outputs.items():
        assert output.shape == (3, 5, encoder.get_task_output_dim(task))
        assert torch.all(output[~mask] == 0)
        assert torch.all(output[mask].abs().sum(-1) > 0)
    assert_padding_changes_no_real_position(encoder)


def test_a_sentence_gives_the_same_features_alone_and_in_a_padded_batch():
    encoder = SelectionRecurrentNetwork(6, hidden_dim=4, bidirectional=True)
    inputs, mask = inputs_and_mask()
    batched = encoder(inputs, mask)[1, :3]
    alone = encoder(inputs[1:2, :3], mask[1:2, :3])[0]
    assert torch.allclose(batched, alone, atol=1e-6)


@pytest.mark.parametrize("bidirectional, reads_ahead", [(False, False), (True, True)])
def test_only_the_bidirectional_srn_reads_later_words(bidirectional, reads_ahead):
    encoder = SelectionRecurrentNetwork(6, hidden_dim=4, bidirectional=bidirectional)
    inputs, mask = inputs_and_mask()
    changed = inputs.clone()
    changed[0, 4] += 1.0
    before, after = encoder(inputs, mask), encoder(changed, mask)
    assert torch.equal(before[1:], after[1:])
    assert torch.allclose(before[0, :4], after[0, :4]) != reads_ahead
    assert not torch.allclose(before[0, 4], after[0, 4])


def test_gradients_reach_every_parameter():
    encoder = SelectionRecurrentNetwork(6, hidden_dim=4, bidirectional=True)
    inputs, mask = inputs_and_mask()
    encoder(inputs, mask).sum().backward()
    for name, parameter in encoder.named_parameters():
        assert parameter.grad is not None and parameter.grad.abs().sum() > 0, name


def sigmoid(value: float) -> float:
    return 1.0 / (1.0 + math.exp(-value))


def test_two_steps_of_the_two_task_cell_match_a_hand_computation():
    encoder = SelectionRecurrentNetwork(1, hidden_dim=1, tasks=["entity", "relation"])
    direction = encoder._directions[0]
    # Gates in order f, o, ĉ, ρ_e(ĉ), ρ_r(ĉ), ρ_e(c̃), ρ_r(c̃).
    input_weights = [0.5, -0.3, 0.8, 1.0, -1.0, 0.2, 0.4]
    input_biases = [0.1, 0.2, -0.1, 0.0, 0.3, -0.2, 0.1]
    hidden_weights = [0.7, 0.1, -0.6, 0.5, 0.2, -0.4, 0.9]
    cell_weights, cell_bias = [0.6, -0.5, 0.9], 0.05
    with torch.no_grad():
        direction._input_projection.weight.copy_(torch.tensor(input_weights).unsqueeze(1))
        direction._input_projection.bias.copy_(torch.tensor(input_biases))
        direction._hidden_projection.weight.copy_(torch.tensor(hidden_weights).unsqueeze(1))
        direction._cell.weight.copy_(torch.tensor([cell_weights]))
        direction._cell.bias.fill_(cell_bias)

    hidden, cell, expected = 0.0, 0.0, []
    for word in (1.5, -0.7):
        pre = [w * word + b + u * hidden for w, b, u in zip(input_weights, input_biases, hidden_weights)]
        forget, output, candidate = sigmoid(pre[0]), sigmoid(pre[1]), math.tanh(pre[2])
        rho_e, rho_r, rho_e_history, rho_r_history = (sigmoid(value) for value in pre[3:])
        history = forget * cell
        memories = [
            (rho_e_history - rho_e_history * rho_r_history) * history + (rho_e - rho_e * rho_r) * candidate,
            (rho_r_history - rho_e_history * rho_r_history) * history + (rho_r - rho_e * rho_r) * candidate,
            rho_e_history * rho_r_history * history + rho_e * rho_r * candidate,
        ]
        cell = sum(weight * memory for weight, memory in zip(cell_weights, memories)) + cell_bias
        hidden = output * math.tanh(cell)
        expected.append([math.tanh(memory) for memory in memories])

    outputs = encoder.forward_tasks(torch.tensor([[[1.5], [-0.7]]]), torch.ones(1, 2, dtype=torch.bool))
    entity = [value for step in expected for value in (step[0], step[2])]
    relation = [value for step in expected for value in (step[1], step[2])]
    assert outputs["entity"][0].flatten().tolist() == pytest.approx(entity, abs=1e-6)
    assert outputs["relation"][0].flatten().tolist() == pytest.approx(relation, abs=1e-6)


def reference_memories(encoder: SelectionRecurrentNetwork, inputs: torch.Tensor) -> torch.Tensor:
    """The left-to-right memories by the docstring's equations, one step at a time, for autograd."""
    direction = encoder._directions[0]
    batch_size, num_tokens, _ = inputs.shape
    hidden_dim, num_tasks = direction._cell.out_features, len(encoder.task_names)
    hidden = cell = inputs.new_zeros(batch_size, hidden_dim)
    steps = []
    for step in range(num_tokens):
        pre = direction._input_projection(inputs[:, step]) + direction._hidden_projection(hidden)
        forget, output, candidate, *masters = pre.split(hidden_dim, dim=-1)
        forget, output, candidate = torch.sigmoid(forget), torch.sigmoid(output), torch.tanh(candidate)
        candidate_masters = [torch.sigmoid(master) for master in masters[:num_tasks]]
        history_masters = [torch.sigmoid(master) for master in masters[num_tasks:]]
        history = forget * cell
        memories = []
        for subset in encoder._memory_sets:
            gates = []
            for master in (candidate_masters, history_masters):
                gate = math.prod(master[task] for task in subset)
                if len(subset) == 1:  # eq. 5: what no other task selects
                    gate = gate * math.prod(1 - master[task] for task in range(num_tasks) if task != subset[0])
                gates.append(gate)
            memories.append(gates[0] * candidate + gates[1] * history)
        cell = direction._cell(torch.cat(memories, dim=-1))
        hidden = output * torch.tanh(cell)
        steps.append(torch.stack(memories, dim=1))
    return torch.stack(steps, dim=1)


@pytest.mark.parametrize("tasks", [["entity", "relation"], ["entity", "subject", "object"]])
def test_memories_and_gradients_match_autograd_through_the_equations(tasks):
    torch.manual_seed(0)
    encoder = SelectionRecurrentNetwork(5, hidden_dim=4, tasks=tasks).double()
    inputs = torch.randn(3, 6, 5, dtype=torch.float64, requires_grad=True)
    memories, expected = encoder._directions[0](inputs), reference_memories(encoder, inputs)
    assert torch.allclose(memories, expected)
    upstream = torch.randn_like(memories)
    wrt = [inputs, *encoder.parameters()]
    for grad, expected_grad in zip(
        torch.autograd.grad(memories, wrt, upstream), torch.autograd.grad(expected, wrt, upstream)
    ):
        assert torch.allclose(grad, expected_grad)


@pytest.mark.parametrize("tasks", [["entity", "relation"], ["entity", "subject", "object"]])
def test_the_hand_written_backward_passes_gradcheck_for_the_inputs_and_every_parameter(tasks):
    torch.manual_seed(0)
    direction = SelectionRecurrentNetwork(3, hidden_dim=2, tasks=tasks).double()._directions[0]
    names, parameters = zip(*direction.named_parameters())

    def memories(inputs: torch.Tensor, *values: torch.Tensor) -> torch.Tensor:
        return torch.func.functional_call(direction, dict(zip(names, values)), (inputs,))

    inputs = torch.randn(2, 4, 3, dtype=torch.float64, requires_grad=True)
    values = [parameter.detach().requires_grad_() for parameter in parameters]
    assert torch.autograd.gradcheck(memories, (inputs, *values))


def test_saturated_master_gates_give_finite_gradients():
    encoder = SelectionRecurrentNetwork(6, hidden_dim=4)
    # σ(40) is 1 in single precision, so the factor 1 - ρ of every single-task gate is exactly 0.
    with torch.no_grad():
        encoder._directions[0]._input_projection.bias[3 * 4 :].fill_(40.0)
    inputs, mask = inputs_and_mask()
    encoder(inputs, mask).sum().backward()
    for name, parameter in encoder.named_parameters():
        assert torch.isfinite(parameter.grad).all(), name
