import pytest
import torch
from allennlp.training.optimizers import Optimizer

from jointre_plugins.training.nadam_optimizer import NadamOptimizer
from tests.training.optimizer_steps import build, take_one_step, tiny_model


def test_is_the_registered_nadam_and_torchs():
    assert "nadam" in Optimizer.list_available()
    optimizer = build(tiny_model(), {"type": "nadam", "lr": 0.01})
    assert isinstance(optimizer, NadamOptimizer)
    assert isinstance(optimizer, torch.optim.NAdam)
    assert optimizer.defaults["lr"] == 0.01
    assert optimizer.defaults["momentum_decay"] == 0.004


def test_parameter_groups_from_the_config_get_their_own_learning_rate():
    model = tiny_model()
    optimizer = build(model, {"type": "nadam", "lr": 0.01, "parameter_groups": [[["^weight$"], {"lr": 0.1}]]})
    weight_group, default_group = optimizer.param_groups
    assert weight_group["params"] == [model.weight] and weight_group["lr"] == 0.1
    assert default_group["params"] == [model.bias] and default_group["lr"] == 0.01
    assert weight_group["momentum_decay"] == default_group["momentum_decay"] == 0.004


@pytest.mark.parametrize("decoupled_weight_decay", [False, True])
def test_one_step_moves_the_parameters_as_torchs_nadam_does(decoupled_weight_decay):
    settings = {
        "lr": 0.01,
        "betas": [0.8, 0.99],
        "eps": 1e-6,
        "weight_decay": 0.1,
        "momentum_decay": 0.01,
        "decoupled_weight_decay": decoupled_weight_decay,
    }
    ours = tiny_model()
    take_one_step(ours, build(ours, {"type": "nadam", **settings}))
    torchs = tiny_model()
    take_one_step(torchs, torch.optim.NAdam(torchs.parameters(), **{**settings, "betas": (0.8, 0.99)}))

    assert not torch.equal(ours.weight, tiny_model().weight)
    assert torch.equal(ours.weight, torchs.weight)
    assert torch.equal(ours.bias, torchs.bias)
