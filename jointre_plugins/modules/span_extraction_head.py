"""
The span-extraction module of Cascade-SRN (appendix A): start and end classifiers and a start-end
match table per label, their losses (appendix B, eq. 14) and their decoding.
"""
from collections import defaultdict
from dataclasses import dataclass
from typing import Dict, List, Sequence, Tuple

import math

import torch

Span = Tuple[int, int, int]
"""A labelled span `(start, end, label)`, `end` exclusive, `label` an index of the head's labels."""


@dataclass
class SpanScores:
    """
    The logits of a `SpanExtractionHead` for a batch of sequences.

    # Parameters

    start : `torch.Tensor`
        `(batch_size, num_tokens, num_labels)`: word i starts a span of label k (eq. 12).
    end : `torch.Tensor`
        `(batch_size, num_tokens, num_labels)`: word j ends a span of label k (eq. 12).
    match : `torch.Tensor`
        `(batch_size, num_tokens, num_tokens, num_labels)`: words i and j start and end the same
        span of label k (eq. 13).
    """

    start: torch.Tensor
    end: torch.Tensor
    match: torch.Tensor


class SpanExtractionHead(torch.nn.Module):
    """
    Extracts labelled spans from word features as Cascade-SRN's three modules do (appendix A):

        p_start(i, k) = σ(w_{st,k} · h_i + b_{st,k}),    p_end(j, k) = σ(w_{en,k} · h_j + b_{en,k})   (eq. 12)
        p_match(i, j, k) = σ(w_{m,k} · [h_i; h_j] + b_{m,k})                                      (eq. 13)

    A span (i, j) of label k is predicted when word i's start, word j's end and the pair's match all
    reach the threshold, with i <= j. `w_{m,k} · [h_i; h_j]` is computed as `w_{m,k}^1 · h_i +
    w_{m,k}^2 · h_j`, the same linear map without the N^2 pair vectors; as eq. 13 says, the match
    score is a sum of a start-side and an end-side score, and the start and end classifiers choose
    which words take part.

    # Parameters

    input_dim : `int`
        The size of the word features.
    num_labels : `int`
        The number of span labels (entity types, 1 for subjects, relation types for objects).
    prior : `float`, optional (default = `0.01`)
        The probability every start, end and match starts at (the biases' initial log-odds). The
        paper does not say; at 0.5 an untrained head predicts about an eighth of all spans, and
        the cascade runs object extraction once per predicted subject.
    """

    def __init__(self, input_dim: int, num_labels: int, prior: float = 0.01) -> None:
        super().__init__()
        if not 0.0 < prior < 1.0:
            raise ValueError(f"prior must be a probability strictly between 0 and 1, not {prior}")
        self._boundaries = torch.nn.Linear(input_dim, 2 * num_labels)
        self._match_start = torch.nn.Linear(input_dim, num_labels)
        self._match_end = torch.nn.Linear(input_dim, num_labels, bias=False)
        for bias in (self._boundaries.bias, self._match_start.bias):
            torch.nn.init.constant_(bias, math.log(prior / (1.0 - prior)))
        self._num_labels = num_labels

    @property
    def num_labels(self) -> int:
        return self._num_labels

    def forward(self, features: torch.Tensor) -> SpanScores:
        """
        # Parameters

        features : `torch.Tensor`
            Shape `(batch_size, num_tokens, input_dim)`.

        # Returns

        `SpanScores`
            Start and end logits `(batch_size, num_tokens, num_labels)` and match logits
            `(batch_size, num_tokens, num_tokens, num_labels)`.
        """
        start, end = self._boundaries(features).chunk(2, dim=-1)
        # (batch_size, num_tokens, num_tokens, num_labels)
        match = self._match_start(features).unsqueeze(2) + self._match_end(features).unsqueeze(1)
        return SpanScores(start, end, match)

    def targets(self, spans: Sequence[Sequence[Span]], num_tokens: int, device: torch.device) -> SpanScores:
        """
        The gold of `forward`'s outputs: 1 where a gold span starts, ends, or starts and ends.

        # Parameters

        spans : `Sequence[Sequence[Span]]`
            The gold spans of each sequence; spans beyond `num_tokens` are left out.
        """
        batch_size = len(spans)
        start = torch.zeros(batch_size, num_tokens, self._num_labels, device=device)
        end = torch.zeros_like(start)
        match = torch.zeros(batch_size, num_tokens, num_tokens, self._num_labels, device=device)
        for index, sequence_spans in enumerate(spans):
            for first, stop, label in sequence_spans:
                if stop <= num_tokens:
                    start[index, first, label] = 1.0
                    end[index, stop - 1, label] = 1.0
                    match[index, first, stop - 1, label] = 1.0
        return SpanScores(start, end, match)

    @staticmethod
    def losses(scores: SpanScores, targets: SpanScores, mask: torch.BoolTensor) -> Dict[str, torch.Tensor]:
        """
        Binary cross-entropy summed over the real words, labels and, for the match table, the
        word pairs i <= j of each sequence (eq. 14).

        # Returns

        `Dict[str, torch.Tensor]`
            `start`, `end` and `match`, each of shape `(batch_size,)`.
        """
        words = mask.unsqueeze(-1).to(scores.start.dtype)  # (batch_size, num_tokens, 1)
        pairs = span_cells(mask).unsqueeze(-1).to(scores.match.dtype)
        bce = torch.nn.functional.binary_cross_entropy_with_logits
        return {
            "start": (bce(scores.start, targets.start, reduction="none") * words).sum(dim=(1, 2)),
            "end": (bce(scores.end, targets.end, reduction="none") * words).sum(dim=(1, 2)),
            "match": (bce(scores.match, targets.match, reduction="none") * pairs).sum(dim=(1, 2, 3)),
        }

    @staticmethod
    def decode(scores: SpanScores, mask: torch.BoolTensor, threshold_logit: float) -> List[List[Span]]:
        """
        The predicted spans of each sequence, sorted: those whose start, end and match logits all
        reach `threshold_logit` (the log-odds of the probability threshold).
        """
        hits = (
            (scores.start >= threshold_logit).unsqueeze(2)
            & (scores.end >= threshold_logit).unsqueeze(1)
            & (scores.match >= threshold_logit)
            & span_cells(mask).unsqueeze(-1)
        ).nonzero().tolist()  # rows of [sequence, start, last word, label]
        spans: Dict[int, List[Span]] = defaultdict(list)
        for sequence, start, last, label in hits:
            spans[sequence].append((start, last + 1, label))
        return [sorted(spans[sequence]) for sequence in range(mask.size(0))]


def span_cells(mask: torch.BoolTensor) -> torch.BoolTensor:
    """
    The word pairs (i, j) with i <= j of real words, every possible span, of word sequences with
    `mask` `(batch_size, num_tokens)`: shape `(batch_size, num_tokens, num_tokens)`.
    """
    num_tokens = mask.size(1)
    upper = torch.ones(num_tokens, num_tokens, dtype=torch.bool, device=mask.device).triu()
    return mask.unsqueeze(2) & mask.unsqueeze(1) & upper
