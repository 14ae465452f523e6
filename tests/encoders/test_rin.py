import pytest
import torch
from allennlp.common import Params
from allennlp.common.checks import ConfigurationError
from allennlp.modules.seq2seq_encoders import Seq2SeqEncoder

from jointre_plugins.encoders.rin import InteractionGate, RecurrentInteractionNetwork
from tests.encoders.batches import inputs_and_mask


class Heads(torch.nn.Module):
    """A scheme's heads: a 5-way softmax per word, and 3 sigmoids per word pair max-pooled over the second word."""

    def __init__(self, hidden_dim: int = 4) -> None:
        super().__init__()
        torch.manual_seed(3)
        self.entity = torch.nn.Linear(hidden_dim, 5)
        self.relation = torch.nn.Linear(2 * hidden_dim, 3)
        self.inputs = {"entity": [], "relation": []}

    def entity_head(self, features: torch.Tensor, mask: torch.BoolTensor) -> torch.Tensor:
        self.inputs["entity"].append(features)
        return torch.softmax(self.entity(features), dim=-1)

    def relation_head(self, features: torch.Tensor, mask: torch.BoolTensor) -> torch.Tensor:
        self.inputs["relation"].append(features)
        num_tokens = features.size(1)
        first = features.unsqueeze(2).expand(-1, -1, num_tokens, -1)
        second = features.unsqueeze(1).expand(-1, num_tokens, -1, -1)
        pairs = torch.cat([first, second], dim=-1)
        probabilities = torch.sigmoid(self.relation(pairs)) * mask[:, None, :, None]
        return probabilities.max(dim=2).values

    def as_dict(self):
        return {"entity": self.entity_head, "relation": self.relation_head}


def encoder(**settings) -> RecurrentInteractionNetwork:
    torch.manual_seed(0)
    rin = RecurrentInteractionNetwork(6, hidden_dim=4, **settings)
    rin.set_prediction_dims({"entity": 5, "relation": 3})
    return rin.eval()


def test_is_registered_with_its_dimensions_and_calls_both_heads():
    rin = Seq2SeqEncoder.from_params(Params({"type": "rin", "input_dim": 6, "hidden_dim": 4, "num_layers": 3}))
    assert isinstance(rin, RecurrentInteractionNetwork) and rin.required_heads == ("entity", "relation")
    assert rin.get_task_output_dim("entity") == rin.get_task_output_dim("relation") == 4
    rin.set_prediction_dims({"entity": 5, "relation": 3})
    assert sorted(rin._gates) == ["entity", "relation"]


def test_outputs_are_zero_at_padding_and_padding_changes_no_real_position():
    rin, heads = encoder(num_layers=2), Heads()
    inputs, mask = inputs_and_mask()
    outputs = rin.forward_tasks(inputs, mask, heads.as_dict())
    padded = rin.forward_tasks(
        torch.cat([inputs, torch.randn(3, 4, 6)], dim=1),
        torch.cat([mask, torch.zeros(3, 4, dtype=torch.bool)], dim=1),
        heads.as_dict(),
    )
    for task in ("entity", "relation"):
        assert outputs[task].shape == (3, 5, 4)
        assert torch.all(outputs[task][~mask] == 0) and torch.all(outputs[task][mask].abs().sum(-1) > 0)
        assert torch.allclose(padded[task][:, :5], outputs[task], atol=1e-6)
        assert torch.all(padded[task][:, 5:] == 0)


def test_the_layers_follow_eq_2_with_the_heads_reading_the_layer_before():
    rin, heads = encoder(num_layers=2), Heads()
    inputs, mask = inputs_and_mask()
    outputs = rin.forward_tasks(inputs, mask, heads.as_dict())
    keep = mask.unsqueeze(-1).float()
    shared = rin._shared(inputs, mask)
    features = {"entity": shared, "relation": shared}
    head = heads.as_dict()
    for layer in range(2):
        # Each head reads its own task's features of the layer before (H^0 for the first).
        for task in ("entity", "relation"):
            assert torch.allclose(heads.inputs[task][layer], features[task], atol=1e-6)
        features = {task: rin._gates[task](shared, head[task](features[task], mask)) * keep for task in features}
        shared = shared + features["entity"] + features["relation"]
    for task in ("entity", "relation"):
        assert torch.allclose(outputs[task], features[task], atol=1e-6)


def test_a_layer_changes_when_the_previous_predictions_change():
    rin, heads = encoder(num_layers=1), Heads()
    inputs, mask = inputs_and_mask()
    before = rin.forward_tasks(inputs, mask, heads.as_dict())
    changed = dict(heads.as_dict(), entity=lambda features, mask: torch.full((*features.shape[:2], 5), 0.2))
    after = rin.forward_tasks(inputs, mask, changed)
    assert not torch.allclose(before["entity"], after["entity"])
    assert torch.allclose(before["relation"], after["relation"])


def test_without_interaction_both_tasks_read_the_bilstm():
    rin = encoder(num_layers=0)
    assert rin._gates is None
    inputs, mask = inputs_and_mask()
    outputs = rin.forward_tasks(inputs, mask, Heads().as_dict())
    assert torch.equal(outputs["entity"], rin._shared(inputs, mask))
    assert torch.equal(outputs["entity"], outputs["relation"])


@pytest.mark.parametrize("left_out", ["entity", "relation"])
def test_a_task_left_out_of_the_shared_update_reaches_the_other_task_no_more(left_out):
    inputs, mask = inputs_and_mask()
    other = "relation" if left_out == "entity" else "entity"
    for interacting, reaches in ((True, True), (False, False)):
        rin = encoder(num_layers=2, **{f"{left_out}_interaction": interacting})
        before = rin.forward_tasks(inputs, mask, Heads().as_dict())[other]
        with torch.no_grad():
            rin._gates[left_out]._candidate.weight.add_(1.0)
        after = rin.forward_tasks(inputs, mask, Heads().as_dict())[other]
        assert (not torch.allclose(before, after)) == reaches


def test_gradients_reach_every_parameter():
    rin, heads = encoder(num_layers=2), Heads()
    rin.train()
    inputs, mask = inputs_and_mask()
    outputs = rin.forward_tasks(inputs, mask, heads.as_dict())
    (outputs["entity"].pow(2).sum() + outputs["relation"].pow(2).sum()).backward()
    for name, parameter in list(rin.named_parameters()) + list(heads.named_parameters()):
        assert parameter.grad is not None and parameter.grad.abs().sum() > 0, name


def test_the_gate_follows_eq_4():
    torch.manual_seed(0)
    gate = InteractionGate(3, 2)
    shared, prediction = torch.randn(1, 4, 3), torch.softmax(torch.randn(1, 4, 2), dim=-1)
    w_z, w_u = gate._gates.weight[:3], gate._gates.weight[3:]
    joined = torch.cat([shared, prediction], dim=-1)
    z, u = torch.sigmoid(joined @ w_z.T), torch.sigmoid(joined @ w_u.T)
    candidate = torch.tanh(torch.cat([u * shared, prediction], dim=-1) @ gate._candidate.weight.T)
    assert torch.allclose(gate(shared, prediction), (1 - z) * shared + z * candidate, atol=1e-6)


def test_rin_without_heads_says_why():
    inputs, mask = inputs_and_mask()
    with pytest.raises(ValueError, match="calls the prediction heads"):
        encoder()(inputs, mask)
    with pytest.raises(ValueError, match="cannot run as a plain Seq2SeqEncoder"):
        encoder().forward_tasks(inputs, mask)


@pytest.mark.parametrize("settings, message", [({"hidden_dim": 5}, "even"), ({"num_layers": -1}, "0 or more")])
def test_bad_settings_are_configuration_errors(settings, message):
    with pytest.raises(ConfigurationError, match=message):
        RecurrentInteractionNetwork(6, **settings)
