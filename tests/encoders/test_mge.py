import pytest
import torch
from allennlp.common import Params
from allennlp.modules.seq2seq_encoders import Seq2SeqEncoder

from jointre_plugins.encoders.mge import MultiGateEncoder
from tests.encoders.batches import assert_padding_changes_no_real_position, inputs_and_mask

GATES = ("entity_task_gate", "relation_task_gate", "entity_interaction_gate", "relation_interaction_gate")


def test_is_registered_with_its_dimensions():
    encoder = Seq2SeqEncoder.from_params(Params({"type": "mge", "input_dim": 6, "hidden_dim": 4}))
    assert isinstance(encoder, MultiGateEncoder)
    assert encoder.task_names == ("entity", "relation")
    assert encoder.get_input_dim() == 6
    assert encoder.get_task_output_dim("entity") == 8
    assert encoder.get_task_output_dim("relation") == 8
    assert encoder.get_output_dim() == 16


def test_outputs_have_task_dimensions_and_zero_padding():
    encoder = MultiGateEncoder(6, hidden_dim=4)
    inputs, mask = inputs_and_mask()
    outputs = encoder.forward_tasks(inputs, mask)
    assert outputs["entity"].shape == (3, 5, 8)
    assert outputs["relation"].shape == (3, 5, 8)
    for output in outputs.values():
        assert torch.all(output[~mask] == 0)
        assert torch.all(output[mask].abs().sum(-1) > 0)
    concatenated = encoder(inputs, mask)
    assert torch.equal(concatenated, torch.cat([outputs["entity"], outputs["relation"]], dim=-1))


def test_padding_does_not_change_real_positions():
    assert_padding_changes_no_real_position(MultiGateEncoder(6, hidden_dim=4))


def test_follows_the_equations_of_the_paper():
    encoder = MultiGateEncoder(6, hidden_dim=4)
    inputs, mask = inputs_and_mask()
    weight, bias = encoder._projection.weight, encoder._projection.bias
    blocks = [inputs @ weight[i * 4 : (i + 1) * 4].T + bias[i * 4 : (i + 1) * 4] for i in range(6)]
    entity_candidate, relation_candidate = torch.tanh(blocks[0]), torch.tanh(blocks[1])
    entity_task_gate, relation_task_gate, entity_inter_gate, relation_inter_gate = (
        torch.sigmoid(block) for block in blocks[2:]
    )
    expected_ner = torch.cat([entity_task_gate * entity_candidate, relation_inter_gate * relation_candidate], -1)
    expected_re = torch.cat([relation_task_gate * relation_candidate, entity_inter_gate * entity_candidate], -1)
    outputs = encoder.forward_tasks(inputs, mask)
    keep = mask.unsqueeze(-1)
    assert torch.allclose(outputs["entity"], expected_ner * keep, atol=1e-6)
    assert torch.allclose(outputs["relation"], expected_re * keep, atol=1e-6)


def test_gradients_reach_every_parameter():
    encoder = MultiGateEncoder(6, hidden_dim=4)
    inputs, mask = inputs_and_mask()
    encoder(inputs, mask).sum().backward()
    for name, parameter in encoder.named_parameters():
        assert parameter.grad is not None and parameter.grad.abs().sum() > 0, name


@pytest.mark.parametrize(
    "switched_off, entity_dim, relation_dim, projection_blocks",
    [
        ("entity_task_gate", 8, 8, 5),
        ("relation_task_gate", 8, 8, 5),
        ("entity_interaction_gate", 8, 4, 5),
        ("relation_interaction_gate", 4, 8, 5),
    ],
)
def test_each_gate_switch(switched_off, entity_dim, relation_dim, projection_blocks):
    encoder = MultiGateEncoder(6, hidden_dim=4, **{switched_off: False})
    inputs, mask = inputs_and_mask()
    outputs = encoder.forward_tasks(inputs, mask)
    assert encoder._projection.out_features == 4 * projection_blocks
    assert outputs["entity"].shape[-1] == entity_dim == encoder.get_task_output_dim("entity")
    assert outputs["relation"].shape[-1] == relation_dim == encoder.get_task_output_dim("relation")
    blocks = (inputs @ encoder._projection.weight.T + encoder._projection.bias).split(4, dim=-1)
    keep = mask.unsqueeze(-1)
    if switched_off == "entity_task_gate":
        # the entity task features are the ungated candidate features
        assert torch.allclose(outputs["entity"][..., :4], torch.tanh(blocks[0]) * keep, atol=1e-6)
    if switched_off == "relation_task_gate":
        assert torch.allclose(outputs["relation"][..., :4], torch.tanh(blocks[1]) * keep, atol=1e-6)


def test_without_both_interaction_gates_the_tasks_do_not_exchange_features():
    encoder = MultiGateEncoder(6, hidden_dim=4, entity_interaction_gate=False, relation_interaction_gate=False)
    inputs, mask = inputs_and_mask()
    inputs.requires_grad_(True)
    outputs = encoder.forward_tasks(inputs, mask)
    assert outputs["entity"].shape[-1] == 4 and outputs["relation"].shape[-1] == 4
    # The entity output depends only on the entity candidate and task gate blocks.
    outputs["entity"].sum().backward()
    relation_rows = encoder._projection.weight.grad[4:8]
    assert torch.all(relation_rows == 0)


def test_unknown_task_is_an_error():
    with pytest.raises(ValueError, match="MGE has no task 'subject'"):
        MultiGateEncoder(6).get_task_output_dim("subject")
