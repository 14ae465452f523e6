"""
Overlapping windows over a sentence longer than the model takes, and the merge of their predictions.
"""
from bisect import bisect_left, bisect_right
from typing import Dict, List, Sequence, Set, Tuple

from jointre_plugins.data.structures import Entity, Relation, Sentence


def window_offsets(num_words: int, window_length: int) -> List[int]:
    """
    The first words of the windows that cover a sentence of `num_words` words with windows of
    `window_length` words: one window when the sentence fits, otherwise a window every
    `window_length // 2` words (at least 1) and a last one ending at the last word, so every
    window is full and consecutive windows overlap by at least half of their words.
    """
    if window_length < 1:
        raise ValueError(f"window_length must be a positive number of words, not {window_length}")
    if num_words <= window_length:
        return [0]
    stride = max(1, window_length // 2)
    return list(range(0, num_words - window_length, stride)) + [num_words - window_length]


def merge_windows(tokens: Sequence[str], windows: Sequence[Tuple[int, Sentence]]) -> Sentence:
    """
    Merges the predictions of overlapping windows into one prediction over all of `tokens`.

    A window sees little context near its edges, so each decision is left to the window that
    gives it the most: the window that contains the span and in which it lies farthest from a
    window edge, measured as the fewer of the words before it and after it in the window (ties
    go to the window listed first).

    - An entity (span and type) is kept when that window, for its span, predicted it.
    - A relation is kept when that window, for the span from the first word of its two arguments
      to the last, predicted it, and both its arguments are kept entities.
    - A prediction that several windows make appears once.

    Entities come sorted by start, end and type; relations by head, tail and type.

    # Parameters

    tokens : `Sequence[str]`
        The words of the whole sentence.
    windows : `Sequence[Tuple[int, Sentence]]`
        Per window, the index in `tokens` of its first word and its prediction, whose entity
        offsets count from that word.

    # Returns

    `Sentence`
        The merged prediction, with entity offsets into `tokens`.
    """
    bounds = [(offset, offset + len(window.tokens)) for offset, window in windows]
    # Only a window starting between `end - longest` and `start` can hold the span [start, end):
    # bisecting the sorted starts keeps the merge of a long sentence linear in its predictions.
    by_first = sorted(range(len(bounds)), key=lambda index: bounds[index][0])
    firsts = [bounds[index][0] for index in by_first]
    longest = max((last - first for first, last in bounds), default=0)

    def best_window(start: int, end: int) -> int:
        candidates = by_first[bisect_left(firsts, end - longest) : bisect_right(firsts, start)]
        margins = [
            (min(start - bounds[index][0], bounds[index][1] - end), -index)
            for index in candidates
            if end <= bounds[index][1]
        ]
        return -max(margins)[1]

    entities: Set[Entity] = set()
    relations: Set[Tuple[Entity, Entity, str]] = set()
    for index, (offset, window) in enumerate(windows):
        placed = [Entity(item.start + offset, item.end + offset, item.type) for item in window.entities]
        entities.update(entity for entity in placed if best_window(entity.start, entity.end) == index)
        for relation in window.relations:
            head, tail = placed[relation.head], placed[relation.tail]
            if best_window(min(head.start, tail.start), max(head.end, tail.end)) == index:
                relations.add((head, tail, relation.type))

    ordered = sorted(entities, key=lambda entity: (entity.start, entity.end, entity.type))
    position: Dict[Entity, int] = {entity: number for number, entity in enumerate(ordered)}
    kept = sorted(
        (position[head], position[tail], relation_type)
        for head, tail, relation_type in relations
        if head in position and tail in position
    )
    return Sentence(
        tokens=tuple(tokens),
        entities=tuple(ordered),
        relations=tuple(Relation(head, tail, relation_type) for head, tail, relation_type in kept),
    )
