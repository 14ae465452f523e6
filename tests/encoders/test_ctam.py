import math

import pytest
import torch
from allennlp.common import Params
from allennlp.common.checks import ConfigurationError
from allennlp.modules.seq2seq_encoders import Seq2SeqEncoder

from jointre_plugins.encoders.ctam import CrossTaskAttention, CrossTaskAttentionEncoder
from jointre_plugins.encoders.multi_task_encoder import split_task_agent
from tests.encoders.batches import assert_padding_changes_no_real_position, inputs_and_mask


def agent_of(batch_size: int = 3, dim: int = 6) -> torch.Tensor:
    torch.manual_seed(1)
    return torch.randn(batch_size, dim)


def test_is_registered_with_its_dimensions_and_reads_the_agent():
    encoder = Seq2SeqEncoder.from_params(Params({"type": "ctam", "input_dim": 6, "num_heads": 2}))
    assert isinstance(encoder, CrossTaskAttentionEncoder) and encoder.reads_agent
    assert encoder.task_names == ("entity", "relation")
    assert encoder.get_task_output_dim("entity") == encoder.get_task_output_dim("relation") == 12
    assert encoder.get_task_agent_dim("entity") == 6
    assert encoder.get_output_dim() == 24


def test_outputs_are_each_spaces_words_and_agent_and_zero_at_padding():
    encoder = CrossTaskAttentionEncoder(6, num_heads=2).eval()
    inputs, mask = inputs_and_mask()
    outputs = encoder.forward_tasks(inputs, mask, agent=agent_of())
    for task, output in outputs.items():
        assert output.shape == (3, 5, 12)
        assert torch.all(output[~mask] == 0)
        words, agent = split_task_agent(output, 6)
        projection = encoder._projections[task].weight
        assert torch.allclose(words, (inputs @ projection.T) * mask.unsqueeze(-1), atol=1e-6)
        # The agent is the same at every real word of a sentence.
        assert torch.allclose(output[mask][:, 6:], agent.repeat_interleave(mask.sum(1), dim=0))


def test_the_agents_follow_eqs_2_to_4():
    encoder = CrossTaskAttentionEncoder(6, num_heads=2, attention_dropout=0.0).eval()
    inputs, mask = inputs_and_mask()
    sentence_agent = agent_of()
    outputs = encoder.forward_tasks(inputs, mask, agent=sentence_agent)
    layer = encoder._layers[0]
    projections = {task: encoder._projections[task].weight for task in ("entity", "relation")}
    for task, other in (("entity", "relation"), ("relation", "entity")):
        for sentence in range(3):
            length = int(mask[sentence].sum())
            own = sentence_agent[sentence] @ projections[task].T  # (6,)
            keys_and_values = torch.cat([inputs[sentence, :length] @ projections[other].T, own.unsqueeze(0)])
            query, keys, values = (
                own @ layer._query.weight.T,
                keys_and_values @ layer._key.weight.T,
                keys_and_values @ layer._value.weight.T,
            )
            heads = []
            for head in range(2):
                part = slice(3 * head, 3 * head + 3)
                weights = torch.softmax(keys[:, part] @ query[part] / math.sqrt(3), dim=0)
                heads.append(weights @ values[:, part])
            expected = layer._layer_norm(own + torch.cat(heads) @ layer._output.weight.T)
            _, agent = split_task_agent(outputs[task], 6)
            assert torch.allclose(agent[sentence], expected, atol=1e-5), (task, sentence)


def test_attention_weights_sum_to_one_over_the_real_words_and_the_agent():
    layer = CrossTaskAttention(6, num_heads=3, dropout=0.0, layer_norm=True)
    inputs, mask = inputs_and_mask()
    _, weights = layer(agent_of(), inputs, mask)
    assert weights.shape == (3, 3, 6)  # five words and the agent
    positions = torch.cat([mask, torch.ones(3, 1, dtype=torch.bool)], dim=1).unsqueeze(1).expand_as(weights)
    assert torch.all(weights[~positions] == 0)
    assert torch.all(weights[positions] > 0)
    assert torch.allclose(weights.sum(-1), torch.ones(3, 3))


def test_padding_does_not_change_real_positions():
    assert_padding_changes_no_real_position(CrossTaskAttentionEncoder(6, num_heads=2, agent="mean").eval())


def test_gradients_reach_every_parameter():
    encoder = CrossTaskAttentionEncoder(6, num_heads=2, num_layers=2)
    inputs, mask = inputs_and_mask()
    torch.cat(list(encoder.forward_tasks(inputs, mask, agent=agent_of()).values()), -1).pow(2).sum().backward()
    for name, parameter in encoder.named_parameters():
        assert parameter.grad is not None and parameter.grad.abs().sum() > 0, name


def test_base_shares_the_raw_words_and_agent_between_both_tasks():
    encoder = CrossTaskAttentionEncoder(6, num_heads=2, task_projections=False, cross_task_attention=[])
    assert not list(encoder.parameters())
    inputs, mask = inputs_and_mask()
    sentence_agent = agent_of()
    outputs = encoder.forward_tasks(inputs, mask, agent=sentence_agent)
    expected = torch.cat([inputs, sentence_agent.unsqueeze(1).expand(-1, 5, -1)], -1) * mask.unsqueeze(-1)
    assert torch.equal(outputs["entity"], expected) and torch.equal(outputs["relation"], expected)


@pytest.mark.parametrize("attending, plain", [(["entity"], "relation"), (["relation"], "entity")])
def test_one_way_attention_leaves_the_other_agent_projected(attending, plain):
    encoder = CrossTaskAttentionEncoder(6, num_heads=2, cross_task_attention=attending).eval()
    inputs, mask = inputs_and_mask()
    sentence_agent = agent_of()
    outputs = encoder.forward_tasks(inputs, mask, agent=sentence_agent)
    _, plain_agent = split_task_agent(outputs[plain], 6)
    _, attended_agent = split_task_agent(outputs[attending[0]], 6)
    assert torch.allclose(plain_agent, sentence_agent @ encoder._projections[plain].weight.T, atol=1e-6)
    assert not torch.allclose(attended_agent, sentence_agent @ encoder._projections[attending[0]].weight.T)


@pytest.mark.parametrize("pooling", ["max", "mean"])
def test_a_pooled_agent_needs_none_given(pooling):
    encoder = CrossTaskAttentionEncoder(6, num_heads=2, task_projections=False, cross_task_attention=[], agent=pooling)
    inputs, mask = inputs_and_mask()
    _, agent = split_task_agent(encoder.forward_tasks(inputs, mask)["entity"], 6)
    for sentence in range(3):
        words = inputs[sentence, : int(mask[sentence].sum())]
        expected = words.max(dim=0).values if pooling == "max" else words.mean(dim=0)
        assert torch.allclose(agent[sentence], expected, atol=1e-6)


def test_without_layer_norm_the_agent_is_the_residual_sum():
    with_norm = CrossTaskAttentionEncoder(6, num_heads=2).eval()
    without = CrossTaskAttentionEncoder(6, num_heads=2, layer_norm=False).eval()
    assert without._layers[0]._layer_norm is None
    without.load_state_dict(with_norm.state_dict(), strict=False)
    inputs, mask = inputs_and_mask()
    normed = with_norm.forward_tasks(inputs, mask, agent=agent_of())["entity"]
    raw = without.forward_tasks(inputs, mask, agent=agent_of())["entity"]
    assert torch.allclose(with_norm._layers[0]._layer_norm(raw[:, 0, 6:]), normed[:, 0, 6:], atol=1e-6)


def test_each_layer_attends_with_the_agents_of_the_layer_before_over_the_same_words():
    encoder = CrossTaskAttentionEncoder(8, num_heads=4, num_layers=3).eval()
    assert len(encoder._layers) == 3 and encoder._layers[0]._num_heads == 4
    inputs, mask = inputs_and_mask(input_dim=8)
    sentence_agent = agent_of(dim=8)
    words = {task: inputs @ encoder._projections[task].weight.T for task in ("entity", "relation")}
    agents = {task: sentence_agent @ encoder._projections[task].weight.T for task in ("entity", "relation")}
    for layer in encoder._layers:
        agents = {
            "entity": layer(agents["entity"], words["relation"], mask)[0],
            "relation": layer(agents["relation"], words["entity"], mask)[0],
        }
    outputs = encoder.forward_tasks(inputs, mask, agent=sentence_agent)
    for task in ("entity", "relation"):
        assert torch.allclose(split_task_agent(outputs[task], 8)[1], agents[task], atol=1e-5)


def test_padding_changes_nothing_with_the_given_agent():
    encoder = CrossTaskAttentionEncoder(6, num_heads=2).eval()
    inputs, mask = inputs_and_mask()
    padded_inputs = torch.cat([inputs, torch.randn(3, 4, 6)], dim=1)
    padded_mask = torch.cat([mask, torch.zeros(3, 4, dtype=torch.bool)], dim=1)
    short = encoder.forward_tasks(inputs, mask, agent=agent_of())
    long = encoder.forward_tasks(padded_inputs, padded_mask, agent=agent_of())
    for task in ("entity", "relation"):
        assert torch.allclose(long[task][:, :5], short[task], atol=1e-6)
        assert torch.all(long[task][:, 5:] == 0)


def test_the_cls_agent_used_as_a_plain_encoder_says_what_to_do():
    inputs, mask = inputs_and_mask()
    with pytest.raises(ValueError, match="choose agent 'max' or 'mean'"):
        CrossTaskAttentionEncoder(6, num_heads=2)(inputs, mask)


@pytest.mark.parametrize(
    "settings, message",
    [
        ({"num_heads": 4}, "not a multiple of num_heads"),
        ({"agent": "first"}, "agent must be one of"),
        ({"cross_task_attention": ["subject"]}, "cross_task_attention names"),
        ({"num_layers": 0}, "at least one layer"),
    ],
)
def test_bad_settings_are_configuration_errors(settings, message):
    with pytest.raises(ConfigurationError, match=message):
        CrossTaskAttentionEncoder(6, **settings)
