"""
Nesterov Adam as an AllenNLP optimizer, which AllenNLP 2.10 does not register.
"""
from typing import Any, Dict, List, Optional, Tuple

import torch
from allennlp.training.optimizers import Optimizer, make_parameter_groups


@Optimizer.register("nadam")
class NadamOptimizer(Optimizer, torch.optim.NAdam):
    """
    Adam with Nesterov momentum, for configs that train with it: PyTorch's `torch.optim.NAdam`,
    the algorithm of Dozat (2016), "Incorporating Nesterov Momentum into Adam", wrapped like
    AllenNLP's own optimizers so that a config names it and gives it parameter groups.

    At step t, torch uses the momentum mu_t = beta1 (1 - 0.5 * 0.96^(t * momentum_decay)), which
    rises from about beta1 / 2 towards beta1, and updates each parameter by
    lr * m_hat / (sqrt(v_t / (1 - beta2^t)) + eps), with the Nesterov look-ahead
    m_hat = mu_{t+1} m_t / (1 - mu_1 ... mu_{t+1}) + (1 - mu_t) g_t / (1 - mu_1 ... mu_t).
    Keras 2's `Nadam` computes the same update with the same schedule: its `schedule_decay`,
    0.004 by default, is `momentum_decay`, and its default learning rate is 0.002 too (0.001 in
    tf.keras), but its default epsilon is 1e-7. Keras 3's `Nadam` instead warms the momentum with
    0.96^t, as if `momentum_decay` were 1.

    Registered as an `Optimizer` with name "nadam".

    # Parameters

    model_parameters : `List[Tuple[str, torch.nn.Parameter]]`
        The model's named parameters, as `model.named_parameters()` gives them.
    parameter_groups : `List[Tuple[List[str], Dict[str, Any]]]`, optional (default = `None`)
        Regexes over parameter names, each with the options its parameters take instead of the
        ones below, as AllenNLP's `make_parameter_groups` reads them.
    lr : `float`, optional (default = `0.002`)
        The learning rate.
    betas : `Tuple[float, float]`, optional (default = `(0.9, 0.999)`)
        The decay rates of the running averages of the gradient (beta1) and of its square (beta2).
    eps : `float`, optional (default = `1e-08`)
        Added to the denominator, for numerical stability.
    weight_decay : `float`, optional (default = `0.0`)
        The L2 penalty, added to the gradient unless `decoupled_weight_decay`.
    momentum_decay : `float`, optional (default = `0.004`)
        How fast the momentum warms up to beta1 (psi in torch's documentation).
    decoupled_weight_decay : `bool`, optional (default = `False`)
        Whether to shrink the parameters directly by lr * weight_decay, as AdamW does, rather
        than through the gradient (NAdamW).
    """

    def __init__(
        self,
        model_parameters: List[Tuple[str, torch.nn.Parameter]],
        parameter_groups: Optional[List[Tuple[List[str], Dict[str, Any]]]] = None,
        lr: float = 0.002,
        betas: Tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-08,
        weight_decay: float = 0.0,
        momentum_decay: float = 0.004,
        decoupled_weight_decay: bool = False,
    ) -> None:
        super().__init__(
            params=make_parameter_groups(model_parameters, parameter_groups),
            lr=lr,
            betas=betas,
            eps=eps,
            weight_decay=weight_decay,
            momentum_decay=momentum_decay,
            decoupled_weight_decay=decoupled_weight_decay,
        )
