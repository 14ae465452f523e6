import pytest
import torch
from allennlp.training.optimizers import Optimizer

from jointre_plugins.training.fused_adam_optimizer import FusedAdamOptimizer
from tests.training.optimizer_steps import build, take_one_step, tiny_model


def test_is_the_registered_fused_adam_and_torchs():
    assert "fused_adam" in Optimizer.list_available()
    optimizer = build(tiny_model(), {"type": "fused_adam", "lr": 0.01})
    assert isinstance(optimizer, FusedAdamOptimizer)
    assert isinstance(optimizer, torch.optim.Adam)
    assert optimizer.defaults["fused"] is True
    assert optimizer.defaults["lr"] == 0.01 and optimizer.defaults["decoupled_weight_decay"] is False


def test_parameter_groups_from_the_config_get_their_own_learning_rate():
    model = tiny_model()
    optimizer = build(model, {"type": "fused_adam", "lr": 0.01, "parameter_groups": [[["^weight$"], {"lr": 0.1}]]})
    weight_group, default_group = optimizer.param_groups
    assert weight_group["params"] == [model.weight] and weight_group["lr"] == 0.1
    assert default_group["params"] == [model.bias] and default_group["lr"] == 0.01


@pytest.mark.parametrize(
    "allennlps, decoupled_weight_decay, amsgrad",
    [("adam", False, False), ("adamw", True, False), ("adamw", True, True)],
)
def test_steps_move_the_parameters_as_allennlps_adam_and_adamw_do(allennlps, decoupled_weight_decay, amsgrad):
    settings = {"lr": 0.01, "betas": [0.8, 0.99], "eps": 1e-6, "weight_decay": 0.1, "amsgrad": amsgrad}
    fused = tiny_model()
    fused_optimizer = build(
        fused, {"type": "fused_adam", "decoupled_weight_decay": decoupled_weight_decay, **settings}
    )
    reference = tiny_model()
    reference_optimizer = build(reference, {"type": allennlps, **settings})
    for _ in range(3):
        take_one_step(fused, fused_optimizer)
        take_one_step(reference, reference_optimizer)
    assert not torch.allclose(fused.weight, tiny_model().weight)
    assert torch.allclose(fused.weight, reference.weight, atol=1e-6)
    assert torch.allclose(fused.bias, reference.bias, atol=1e-6)


def test_decoupled_weight_decay_makes_a_different_step():
    settings = {"type": "fused_adam", "lr": 0.01, "weight_decay": 0.5}
    coupled, decoupled = tiny_model(), tiny_model()
    take_one_step(coupled, build(coupled, settings))
    take_one_step(decoupled, build(decoupled, {**settings, "decoupled_weight_decay": True}))
    assert not torch.allclose(coupled.weight, decoupled.weight)
