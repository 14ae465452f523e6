"""
Pooling of word vectors over many word ranges at once (spans, and the context between two spans)
without a `(batch_size, num_ranges, num_tokens, dim)` tensor.
"""
from typing import Optional

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
    of ranges, not to ranges x words. An empty range pools to zero.

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
        if mode == "max":
            self._table = self._sparse_table(features, max_range or features.size(1))
        else:
            zeros = features.new_zeros(features.size(0), 1, features.size(2))
            self._table = torch.cat([zeros, features.cumsum(dim=1)], dim=1)  # (batch_size, num_tokens + 1, dim)

    @staticmethod
    def _sparse_table(features: torch.Tensor, max_range: int) -> torch.Tensor:
        """
        # Returns

        `torch.Tensor`
            `(batch_size, num_levels * num_tokens, dim)`, level k's entry at position i being the
            maximum of words i .. i + 2^k - 1 (where those exist; entries past the end are unused),
            for the levels that ranges of at most `max_range` words read.
        """
        levels = [features]
        width = 1
        while 2 * width <= min(features.size(1), max_range):
            previous = levels[-1]
            level = previous.clone()
            level[:, : -width] = torch.maximum(previous[:, :-width], previous[:, width:])
            levels.append(level)
            width *= 2
        return torch.cat(levels, dim=1)

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
            pooled = torch.maximum(self._table[batch_indices, first], self._table[batch_indices, second])
        else:
            pooled = self._table[batch_indices, ends] - self._table[batch_indices, starts]
            if self._mode == "mean":
                pooled = pooled / lengths.clamp(min=1).unsqueeze(-1).to(pooled.dtype)
        return pooled * (lengths > 0).unsqueeze(-1).to(pooled.dtype)
