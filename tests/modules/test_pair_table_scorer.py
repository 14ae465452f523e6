import math

import pytest
import torch

from jointre_plugins.modules.pair_table_scorer import PairTableScorer


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
