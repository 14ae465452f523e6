"""What the optimizer tests share: a tiny model, one step of it, and an optimizer built from a config."""
import copy
from typing import Any, Dict

import torch
from allennlp.common import Params
from allennlp.training.optimizers import Optimizer


def tiny_model() -> torch.nn.Linear:
    torch.manual_seed(13)
    return torch.nn.Linear(3, 2)


def take_one_step(model: torch.nn.Module, optimizer: torch.optim.Optimizer) -> None:
    inputs = torch.tensor([[1.0, -2.0, 0.5], [0.0, 3.0, -1.0]])
    targets = torch.tensor([[0.5, -1.0], [2.0, 0.0]])
    optimizer.zero_grad()
    torch.nn.functional.mse_loss(model(inputs), targets).backward()
    optimizer.step()


def build(model: torch.nn.Module, config: Dict[str, Any]) -> Optimizer:
    # A copy: `Params` consumes the dictionary it is given.
    params = Params(copy.deepcopy(config))
    return Optimizer.from_params(model_parameters=list(model.named_parameters()), params=params)
