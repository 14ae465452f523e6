import math

import pytest
import torch

from jointre_plugins.modules.distmult_pair_scorer import DistmultPairScorer


def scorer() -> DistmultPairScorer:
    """Two relation types over 3-d vectors; FFNN_r1 the identity on the first two coordinates, then ReLU."""
    pair_scorer = DistmultPairScorer(input_dim=3, hidden_dim=2, num_labels=2)
    with torch.no_grad():
        pair_scorer.diagonals.copy_(torch.tensor([[1.0, 2.0, 3.0], [0.5, 0.0, -1.0]]))
        pair_scorer._feedforward.weight.copy_(torch.tensor([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]))
        pair_scorer._feedforward.bias.zero_()
    return pair_scorer


VECTORS = torch.tensor([[[1.0, 0.0, 2.0], [3.0, 4.0, -1.0], [-1.0, 1.0, 1.0]]])


def test_distmult_is_the_trilinear_product_with_each_diagonal():
    scores = scorer()(VECTORS)
    assert scores.distmult.shape == (1, 3, 3, 2)
    # g_0 = (1, 0, 2), g_1 = (3, 4, -1): 1*1*3 + 2*0*4 + 3*2*(-1) = -3; 0.5*1*3 + 0 + (-1)*2*(-1) = 3.5
    assert scores.distmult[0, 0, 1].tolist() == [-3.0, 3.5]
    # g_1 with itself: 9 + 2*16 + 3*1 = 44; 4.5 + 0 - 1 = 3.5
    assert scores.distmult[0, 1, 1].tolist() == [44.0, 3.5]
    for first in range(3):
        for second in range(3):
            for label in range(2):
                expected = (VECTORS[0, first] * scorer().diagonals[label] * VECTORS[0, second]).sum()
                assert scores.distmult[0, first, second, label].item() == pytest.approx(expected.item())


def test_the_cosine_distance_of_the_feedforward_outputs():
    scores = scorer()(VECTORS)
    # f = ReLU of the first two coordinates: (1, 0), (3, 4), (0, 1).
    assert scores.cosine_distance[0, 0, 1].item() == pytest.approx(1 - 3 / 5)
    assert scores.cosine_distance[0, 0, 2].item() == pytest.approx(1.0)
    assert scores.cosine_distance[0, 1, 2].item() == pytest.approx(1 - 4 / 5)
    assert scores.cosine_distance[0, 1, 1].item() == pytest.approx(0.0, abs=1e-6)
    assert torch.allclose(scores.cosine_distance, scores.cosine_distance.transpose(1, 2))


def test_the_logits_are_linear_in_both_outputs_the_distance_and_the_distmult_scores():
    pair_scorer = scorer()
    weight = torch.arange(14, dtype=torch.float).reshape(2, 7) / 10
    with torch.no_grad():
        pair_scorer._output.weight.copy_(weight)
        pair_scorer._output.bias.copy_(torch.tensor([0.5, -0.5]))
    logits = pair_scorer(VECTORS).logits
    features = torch.tensor([1.0, 0.0, 3.0, 4.0, 1 - 3 / 5, -3.0, 3.5])  # [f_0; f_1; cos; DISTMULT]
    assert logits[0, 0, 1].tolist() == pytest.approx((weight @ features + torch.tensor([0.5, -0.5])).tolist())
    assert logits.shape == (1, 3, 3, 2) and not math.isnan(logits.sum().item())


def test_no_items_give_empty_scores():
    scores = scorer()(torch.zeros(2, 0, 3))
    assert scores.logits.shape == (2, 0, 0, 2) and scores.cosine_distance.shape == (2, 0, 0)
