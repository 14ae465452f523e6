"""
SpERT's negative sampling (Eberts & Ulges 2020, section 3.3) for span classification: the spans
and entity pairs a sentence trains on besides its gold ones.
"""
import random
from typing import Collection, List, Tuple

Span = Tuple[int, int]
"""A word range `(start, end)`, end exclusive."""


def negative_spans(
    num_words: int, max_width: int, gold: Collection[Span], count: int, rng: random.Random
) -> List[Span]:
    """
    Up to `count` spans of at most `max_width` words, drawn without replacement from every such
    span of the sentence that is not a gold entity span; all of them when there are fewer.

    # Parameters

    num_words : `int`
        The sentence's length.
    max_width : `int`
        The longest span in words.
    gold : `Collection[Span]`
        The gold entity spans, which are never drawn.
    count : `int`
        How many to draw (SpERT: 100).
    rng : `random.Random`
        The source of randomness; the same seed draws the same spans.

    # Returns

    `List[Span]`
        In the order drawn.
    """
    gold = set(gold)
    candidates = [
        (start, start + width)
        for start in range(num_words)
        for width in range(1, min(max_width, num_words - start) + 1)
        if (start, start + width) not in gold
    ]
    return rng.sample(candidates, min(count, len(candidates)))


def negative_pairs(
    num_entities: int, related: Collection[Tuple[int, int]], count: int, rng: random.Random
) -> List[Tuple[int, int]]:
    """
    Up to `count` ordered pairs of distinct gold entities with no gold relation from the first to
    the second, drawn without replacement; all of them when there are fewer.

    # Parameters

    num_entities : `int`
        The sentence's number of gold entities, which the pairs index.
    related : `Collection[Tuple[int, int]]`
        The (head, tail) pairs of the gold relations, never drawn.
    count : `int`
        How many to draw (SpERT: 100).
    rng : `random.Random`
        The source of randomness.

    # Returns

    `List[Tuple[int, int]]`
        `(head, tail)` entity indices, in the order drawn.
    """
    related = set(related)
    candidates = [
        (head, tail)
        for head in range(num_entities)
        for tail in range(num_entities)
        if head != tail and (head, tail) not in related
    ]
    return rng.sample(candidates, min(count, len(candidates)))
