import math

import pytest
import torch
from allennlp.confidence_checks.normalization_bias_verification import NormalizationBiasVerification

from jointre_plugins.modules.pair_table_scorer import PADDING_LOGIT, PairTableScorer


def test_scores_each_pair_as_the_linear_map_of_the_concatenated_pair():
    torch.manual_seed(1)
    scorer = PairTableScorer(input_dim=5, hidden_dim=4, num_labels=3)
    features = torch.randn(2, 6, 5)
    logits = scorer(features)
    assert logits.shape == (2, 6, 6, 3)
    weight = torch.cat([scorer._row.weight, scorer._column.weight], dim=1)  # (hidden_dim, 2 * input_dim)
    pair = torch.cat([features[1, 2], features[1, 4]])  # [H_i; H_j] for i = 2, j = 4
    hidden = torch.nn.functional.elu(scorer._layer_norm(pair @ weight.T + scorer._row.bias))
    assert torch.allclose(logits[1, 2, 4], scorer._output(hidden), atol=1e-6)
    assert not torch.allclose(logits[1, 2, 4], logits[1, 4, 2])


def test_cells_start_at_the_prior():
    scorer = PairTableScorer(input_dim=5, hidden_dim=4, num_labels=2, prior=0.01)
    assert torch.allclose(scorer._output.bias, torch.full((2,), math.log(0.01 / 0.99)))


def test_prior_must_be_a_probability():
    with pytest.raises(ValueError, match="prior must be a probability"):
        PairTableScorer(5, 4, 2, prior=1.0)


def test_only_the_given_cells_are_scored_in_chunks_of_any_size():
    torch.manual_seed(2)
    features = torch.randn(2, 5, 6)
    mask = torch.tensor([[True] * 5, [True] * 3 + [False] * 2])
    cells = mask.unsqueeze(2) & mask.unsqueeze(1)
    reference = PairTableScorer(input_dim=6, hidden_dim=4, num_labels=3)
    every_cell = reference(features)  # (2, 5, 5, 3)
    for max_cells in (1, 7, 34, 1000):
        scorer = PairTableScorer(input_dim=6, hidden_dim=4, num_labels=3, max_cells=max_cells)
        scorer.load_state_dict(reference.state_dict())
        logits = scorer(features, cells)
        assert logits.shape == (2, 5, 5, 3)
        assert torch.allclose(logits[cells], every_cell[cells], atol=1e-6)
        assert torch.all(logits[~cells] == PADDING_LOGIT)


def test_gradients_reach_the_scored_cells_only():
    scorer = PairTableScorer(input_dim=4, hidden_dim=3, num_labels=2, max_cells=2)
    features = torch.randn(1, 3, 4, requires_grad=True)
    cells = torch.tensor([[[True, False, False], [False, False, False], [False, False, True]]])
    scorer(features, cells).sum().backward()
    # Word 1 is in no scored cell, so nothing depends on it.
    assert torch.all(features.grad[0, 1] == 0)
    assert torch.all(features.grad[0, 0] != 0) and torch.all(features.grad[0, 2] != 0)


def test_max_cells_must_be_positive():
    with pytest.raises(ValueError, match="max_cells must be a positive number of cells, not 0"):
        PairTableScorer(5, 4, 2, max_cells=0)


def test_a_batch_without_cells_is_all_padding():
    scorer = PairTableScorer(input_dim=4, hidden_dim=3, num_labels=2)
    logits = scorer(torch.randn(2, 3, 4), torch.zeros(2, 3, 3, dtype=torch.bool))
    assert logits.shape == (2, 3, 3, 2)
    assert torch.all(logits == PADDING_LOGIT)


def test_allennlps_normalization_check_passes_with_several_chunks():
    # The trainer runs this check on its first batch; it reads the order of module calls.
    scorer = PairTableScorer(input_dim=4, hidden_dim=3, num_labels=2, max_cells=2).train()
    verification = NormalizationBiasVerification(scorer)
    assert verification.check({"features": torch.randn(1, 3, 4)})
    assert verification.detected_pairs == []
