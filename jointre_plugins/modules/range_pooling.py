"""
Pooling of word vectors over many word ranges at once (spans, and the context between two spans)
without a `(batch_size, num_ranges, num_tokens, dim)` tensor.
"""
from typing import Any, Optional, Tuple

import torch
from allennlp.common.checks import ConfigurationError

POOLING_MODES = ("max", "sum", "mean")


class RangePooler:
    """
    Pools the word vectors of word ranges `[start, end)` by max, sum or mean.

    Sums and means come from prefix sums: a range is the difference of two of them. Maxima come
    from a sparse table: level k holds the maximum of every 2^k consecutive words, and a range of
    length L is the maximum of two level-floor(log2 L) entries that together cover it. Building
    either costs a few passes over the words, and each range then costs two gathers, however long
    it is, so pooling every span and every pair's context takes memory proportional to the number
    of ranges, not to ranges x words. An empty range pools to zero. When the features need
    gradients, the sparse table also records the word each maximum comes from, and a range's
    gradient goes straight to those words (see `_RangeMaximum`).

    # Parameters

    features : `torch.Tensor`
        Shape `(batch_size, num_tokens, dim)`.
    mode : `str`
        `"max"`, `"sum"` or `"mean"`.
    max_range : `int`, optional (default = `None`)
        The longest range that will be pooled, when known (spans of at most a maximum width): the
        sparse table then stops at the level such ranges need, instead of going up to the whole
        sentence. A longer range is an error.
    """

    def __init__(self, features: torch.Tensor, mode: str, max_range: Optional[int] = None) -> None:
        if mode not in POOLING_MODES:
            raise ConfigurationError(f"pooling must be one of {POOLING_MODES}, not {mode!r}")
        self._mode = mode
        self._num_tokens = features.size(1)
        self._max_range = max_range
        self._features = features
        self._winners: Optional[torch.Tensor] = None
        if mode == "max":
            with torch.no_grad():
                self._table, self._winners = _sparse_table(
                    features, max_range or features.size(1), with_winners=features.requires_grad
                )
        else:
            zeros = features.new_zeros(features.size(0), 1, features.size(2))
            self._table = torch.cat([zeros, features.cumsum(dim=1)], dim=1)  # (batch_size, num_tokens + 1, dim)

    def __call__(self, batch_indices: torch.Tensor, starts: torch.Tensor, ends: torch.Tensor) -> torch.Tensor:
        """
        # Parameters

        batch_indices : `torch.LongTensor`
            The sentence of each range, any shape.
        starts : `torch.LongTensor`
            The first word of each range, the same shape.
        ends : `torch.LongTensor`
            One past the last word, the same shape; `end == start` is an empty range.

        # Returns

        `torch.Tensor`
            The pooled vectors, shape `starts.shape + (dim,)`.
        """
        lengths = ends - starts
        if self._max_range is not None and lengths.numel() > 0 and int(lengths.max()) > self._max_range:
            raise ValueError(f"a range of {int(lengths.max())} words, above the pooler's max_range {self._max_range}")
        if self._mode == "max":
            # An empty range may start past the last word; it reads word 0 and is zeroed below.
            nonempty = lengths > 0
            level = torch.floor(torch.log2(lengths.clamp(min=1).to(torch.float64))).long()
            offset = level * self._num_tokens
            first = offset + torch.where(nonempty, starts, 0)
            second = offset + torch.where(nonempty, ends - (1 << level), 0)
            if self._winners is None:
                pooled = torch.maximum(self._table[batch_indices, first], self._table[batch_indices, second])
            else:
                pooled = _RangeMaximum.apply(
                    self._features, self._table, self._winners, batch_indices, first, second
                )
        else:
            pooled = self._table[batch_indices, ends] - self._table[batch_indices, starts]
            if self._mode == "mean":
                pooled = pooled / lengths.clamp(min=1).unsqueeze(-1).to(pooled.dtype)
        return pooled * (lengths > 0).unsqueeze(-1).to(pooled.dtype)


def _sparse_table(
    features: torch.Tensor, max_range: int, with_winners: bool
) -> Tuple[torch.Tensor, Optional[torch.Tensor]]:
    """
    # Returns

    `Tuple[torch.Tensor, Optional[torch.Tensor]]`
        The maxima `(batch_size, num_levels * num_tokens, dim)`, level k's entry at position i
        being the maximum of words i .. i + 2^k - 1 (where those exist; entries past the end are
        unused), for the levels that ranges of at most `max_range` words read; and, when
        `with_winners`, the word each maximum comes from, of the same shape (else `None`).
    """
    batch_size, num_tokens, dim = features.shape
    levels = [features]
    # Each word is its own winner at level 0; int32 keeps the winners as large as the float maxima.
    word_positions = torch.arange(num_tokens, dtype=torch.int32, device=features.device).view(1, -1, 1)
    winners = [word_positions.expand(batch_size, -1, dim)]
    width = 1
    while 2 * width <= min(num_tokens, max_range):
        previous = levels[-1]
        left, right = previous[:, :-width], previous[:, width:]
        level = previous.clone()
        level[:, :-width] = torch.maximum(left, right)
        levels.append(level)
        if with_winners:
            level_winners = winners[-1].clone()
            level_winners[:, :-width] = torch.where(left >= right, winners[-1][:, :-width], winners[-1][:, width:])
            winners.append(level_winners)
        width *= 2
    return torch.cat(levels, dim=1), torch.cat(winners, dim=1) if with_winners else None


class _RangeMaximum(torch.autograd.Function):
    """
    The maximum of ranges read from a sparse table as the larger of two entries, whose gradient
    goes straight to the word each maximum came from. Differentiating through the table instead
    would fill a zero gradient of the whole table per read and run the levels' maxima backwards:
    for SINET's pooling of a training batch that was most of the time its heads add to the
    transformer's forward and backward (issue 13). Of two equal values, the first entry's word
    takes the gradient.
    """

    @staticmethod
    def forward(  # type: ignore[override]
        ctx: Any,
        features: torch.Tensor,
        table: torch.Tensor,
        winners: torch.Tensor,
        batch_indices: torch.Tensor,
        first: torch.Tensor,
        second: torch.Tensor,
    ) -> torch.Tensor:
        first_values, second_values = table[batch_indices, first], table[batch_indices, second]
        take_first = first_values >= second_values  # (..., dim)
        winner = torch.where(take_first, winners[batch_indices, first], winners[batch_indices, second])
        ctx.save_for_backward(batch_indices, winner)
        ctx.features_shape = features.shape
        return torch.where(take_first, first_values, second_values)

    @staticmethod
    def backward(ctx: Any, gradient: torch.Tensor) -> Tuple[Optional[torch.Tensor], ...]:  # type: ignore[override]
        batch_indices, winner = ctx.saved_tensors
        batch_size, num_tokens, dim = ctx.features_shape
        # Row of the winning word among the batch's (batch_size * num_tokens) words, per dimension.
        rows = (batch_indices.unsqueeze(-1) * num_tokens + winner.long()).reshape(-1, dim)
        features_gradient = gradient.new_zeros(batch_size * num_tokens, dim)
        features_gradient.scatter_add_(0, rows, gradient.reshape(-1, dim))
        return features_gradient.view(batch_size, num_tokens, dim), None, None, None, None, None
