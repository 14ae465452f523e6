import math

import pytest
import torch

from jointre_plugins.modules.span_extraction_head import SpanExtractionHead, SpanScores, span_cells


def forced_scores(num_tokens: int, num_labels: int, starts, ends, matches) -> SpanScores:
    """Logits of -5 everywhere but +5 at the given (sequence, word[, word], label) cells."""
    scores = SpanScores(
        torch.full((1, num_tokens, num_labels), -5.0),
        torch.full((1, num_tokens, num_labels), -5.0),
        torch.full((1, num_tokens, num_tokens, num_labels), -5.0),
    )
    for cell in starts:
        scores.start[(0, *cell)] = 5.0
    for cell in ends:
        scores.end[(0, *cell)] = 5.0
    for cell in matches:
        scores.match[(0, *cell)] = 5.0
    return scores


def test_shapes_and_the_match_table_is_eq_13_linear_map():
    torch.manual_seed(0)
    head = SpanExtractionHead(6, 3)
    features = torch.randn(2, 5, 6)
    scores = head(features)
    assert scores.start.shape == scores.end.shape == (2, 5, 3)
    assert scores.match.shape == (2, 5, 5, 3)
    # eq. 13: one linear layer over the concatenated pair [h_i; h_j].
    weight = torch.cat([head._match_start.weight, head._match_end.weight], dim=1)  # (3, 12)
    pair = torch.cat([features[1, 3], features[1, 1]])
    assert torch.allclose(scores.match[1, 3, 1], weight @ pair + head._match_start.bias, atol=1e-6)


def test_untrained_biases_start_at_the_prior():
    head = SpanExtractionHead(4, 2, prior=0.01)
    scores = head(torch.zeros(1, 3, 4))
    for logits in (scores.start, scores.end, scores.match):
        assert torch.allclose(torch.sigmoid(logits), torch.full_like(logits, 0.01))
    with pytest.raises(ValueError, match="prior"):
        SpanExtractionHead(4, 2, prior=1.0)


def test_decode_needs_start_end_and_match():
    # Label 0: starts at 0 and 2, ends at 1 and 3; only (0, 1) and (2, 3) match. Label 1: start 4,
    # end 4, matched: a one-word span. A match without its start (1, 3) and a start after its end
    # (3, 2, matched) give nothing.
    scores = forced_scores(
        6,
        2,
        starts=[(0, 0), (2, 0), (4, 1), (3, 0)],
        ends=[(1, 0), (3, 0), (4, 1), (2, 0)],
        matches=[(0, 1, 0), (2, 3, 0), (4, 4, 1), (1, 3, 0), (3, 2, 0)],
    )
    mask = torch.ones(1, 6, dtype=torch.bool)
    assert SpanExtractionHead.decode(scores, mask, 0.0) == [[(0, 2, 0), (2, 4, 0), (4, 5, 1)]]
    # Word 4 is padding: its span goes.
    mask[0, 4:] = False
    assert SpanExtractionHead.decode(scores, mask, 0.0) == [[(0, 2, 0), (2, 4, 0)]]
    # Above every logit, nothing.
    assert SpanExtractionHead.decode(scores, mask, 6.0) == [[]]


def test_targets_and_losses_are_eq_14_sums():
    head = SpanExtractionHead(2, 2)
    targets = head.targets([[(1, 3, 1)], []], num_tokens=3, device=torch.device("cpu"))
    assert targets.start[0].nonzero().tolist() == [[1, 1]]
    assert targets.end[0].nonzero().tolist() == [[2, 1]]
    assert targets.match[0].nonzero().tolist() == [[1, 2, 1]]
    assert targets.start[1].sum() == 0
    # A span beyond the padded length has no cell.
    assert head.targets([[(2, 4, 0)]], num_tokens=3, device=torch.device("cpu")).start.sum() == 0

    zeros = SpanScores(torch.zeros(2, 3, 2), torch.zeros(2, 3, 2), torch.zeros(2, 3, 3, 2))
    mask = torch.tensor([[True, True, True], [True, True, False]])
    losses = SpanExtractionHead.losses(zeros, targets, mask)
    # Every logit 0 costs log 2 whatever its target: words x labels, and spans i <= j x labels.
    assert losses["start"].tolist() == pytest.approx([6 * math.log(2), 4 * math.log(2)])
    assert losses["end"].tolist() == pytest.approx([6 * math.log(2), 4 * math.log(2)])
    assert losses["match"].tolist() == pytest.approx([12 * math.log(2), 6 * math.log(2)])


def test_span_cells():
    mask = torch.tensor([[True, True, False]])
    assert span_cells(mask)[0].nonzero().tolist() == [[0, 0], [0, 1], [1, 1]]
    assert span_cells(torch.ones(0, 3, dtype=torch.bool)).shape == (0, 3, 3)
