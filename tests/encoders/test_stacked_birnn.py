import itertools

import pytest
import torch
from allennlp.common import Params
from allennlp.common.checks import ConfigurationError
from allennlp.modules.seq2seq_encoders import Seq2SeqEncoder

from jointre_plugins.encoders.stacked_birnn import StackedBiRnn
from tests.encoders.batches import assert_padding_changes_no_real_position, inputs_and_mask


def encoder(**settings) -> StackedBiRnn:
    torch.manual_seed(0)
    return StackedBiRnn(6, hidden_dim=4, **settings).eval()


def rnn_layers(stack: torch.nn.Module) -> int:
    return 0 if stack is None else stack._module.num_layers


@pytest.mark.parametrize("shared, entity, relation", list(itertools.product((0, 1, 2), (0, 1, 3), (0, 2))))
def test_every_layer_count_gives_its_layers_and_dimensions(shared, entity, relation):
    birnn = encoder(num_shared_layers=shared, num_entity_layers=entity, num_relation_layers=relation)
    assert (rnn_layers(birnn._shared), rnn_layers(birnn._tasks["entity"]), rnn_layers(birnn._tasks["relation"])) == (
        shared,
        entity,
        relation,
    )
    shared_dim = 8 if shared else 6
    expected = {"entity": 8 if entity else shared_dim, "relation": 8 if relation else shared_dim}
    inputs, mask = inputs_and_mask()
    outputs = birnn.forward_tasks(inputs, mask)
    for task in ("entity", "relation"):
        assert birnn.get_task_output_dim(task) == expected[task]
        assert outputs[task].shape == (3, 5, expected[task])
        assert torch.all(outputs[task][~mask] == 0)
    assert birnn.get_output_dim() == expected["entity"] + expected["relation"]


def test_a_task_without_layers_reads_the_shared_output_and_without_any_layer_the_words():
    birnn = encoder(num_shared_layers=1, num_entity_layers=0, num_relation_layers=2)
    inputs, mask = inputs_and_mask()
    outputs = birnn.forward_tasks(inputs, mask)
    shared = birnn._shared(inputs, mask)
    assert torch.equal(outputs["entity"], shared)
    assert torch.allclose(outputs["relation"], birnn._tasks["relation"](shared, mask))
    bare = encoder(num_shared_layers=0, num_entity_layers=0, num_relation_layers=0).forward_tasks(inputs, mask)
    assert torch.equal(bare["entity"], inputs * mask.unsqueeze(-1)) and torch.equal(bare["relation"], bare["entity"])


def test_padding_changes_no_real_position_and_forward_concatenates_the_tasks():
    birnn = encoder(num_relation_layers=2)
    assert_padding_changes_no_real_position(birnn)
    inputs, mask = inputs_and_mask()
    outputs = birnn.forward_tasks(inputs, mask)
    assert torch.equal(birnn(inputs, mask), torch.cat([outputs["entity"], outputs["relation"]], dim=-1))


def test_each_task_loss_reaches_the_shared_layers_and_only_its_own_stack():
    birnn = encoder(num_relation_layers=2)
    inputs, mask = inputs_and_mask()
    birnn.forward_tasks(inputs, mask)["entity"].sum().backward()
    assert all(parameter.grad is not None for parameter in birnn._shared.parameters())
    assert all(parameter.grad is not None for parameter in birnn._tasks["entity"].parameters())
    assert all(parameter.grad is None for parameter in birnn._tasks["relation"].parameters())
    # Padded positions give no gradient to their inputs.
    inputs.requires_grad_(True)
    birnn.forward_tasks(inputs, mask)["relation"].sum().backward()
    assert torch.all(inputs.grad[~mask] == 0) and inputs.grad[mask].abs().sum() > 0


def test_dropout_comes_before_every_layer_and_only_while_training():
    birnn = encoder(num_shared_layers=2, num_relation_layers=2, dropout=0.5)
    # Before the first layer of each stack, the encoder's own; between a stack's layers, the RNN's.
    assert birnn._shared._module.dropout == 0.5 and birnn._tasks["relation"]._module.dropout == 0.5
    assert birnn._tasks["entity"]._module.dropout == 0.0
    dropped = []
    birnn._dropout.register_forward_hook(lambda module, inputs, output: dropped.append(output.size(-1)))
    inputs, mask = inputs_and_mask()
    evaluated = birnn.forward_tasks(inputs, mask)["entity"]
    assert dropped == [6, 8, 8]  # the words, then the shared output once per task stack
    assert torch.equal(evaluated, birnn.forward_tasks(inputs, mask)["entity"])
    one_layer = encoder(dropout=0.5)
    evaluated = one_layer.forward_tasks(inputs, mask)["entity"]
    one_layer.train()
    torch.manual_seed(1)
    assert not torch.allclose(one_layer.forward_tasks(inputs, mask)["entity"], evaluated)


def test_an_lstm_stack_and_the_registered_name():
    birnn = Seq2SeqEncoder.from_params(
        Params({"type": "stacked_birnn", "input_dim": 6, "hidden_dim": 4, "cell": "lstm", "num_relation_layers": 2})
    )
    assert isinstance(birnn, StackedBiRnn) and isinstance(birnn._shared._module, torch.nn.LSTM)
    assert birnn.task_names == ("entity", "relation") and birnn.is_bidirectional()
    inputs, mask = inputs_and_mask()
    assert birnn.forward_tasks(inputs, mask)["relation"].shape == (3, 5, 8)


def test_bad_settings_are_configuration_errors():
    with pytest.raises(ConfigurationError, match="cell must be one of \\['gru', 'lstm'\\], not 'rnn'"):
        StackedBiRnn(6, 4, cell="rnn")
    with pytest.raises(ConfigurationError, match="layer counts must be 0 or more, not \\{'num_entity_layers': -1\\}"):
        StackedBiRnn(6, 4, num_entity_layers=-1)
    with pytest.raises(ValueError, match="stacked_birnn has no task 'subject'"):
        StackedBiRnn(6, 4).get_task_output_dim("subject")
