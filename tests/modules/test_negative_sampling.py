import random

from jointre_plugins.modules.negative_sampling import negative_pairs, negative_spans


def test_negative_spans_are_the_asked_count_of_distinct_non_gold_spans_within_the_width():
    gold = [(0, 2), (3, 4)]
    spans = negative_spans(10, 3, gold, 7, random.Random(0))
    assert len(spans) == len(set(spans)) == 7
    assert not set(spans) & set(gold)
    assert all(0 <= start < end <= 10 and end - start <= 3 for start, end in spans)


def test_a_sentence_with_fewer_candidates_gives_all_of_them():
    # Three words, width 2: (0,1) (0,2) (1,2) (1,3) (2,3), less the gold (1,2).
    spans = negative_spans(3, 2, [(1, 2)], 100, random.Random(0))
    assert sorted(spans) == [(0, 1), (0, 2), (1, 3), (2, 3)]


def test_the_same_seed_draws_the_same_spans_and_pairs():
    first, second = random.Random(5), random.Random(5)
    assert negative_spans(30, 8, [], 20, first) == negative_spans(30, 8, [], 20, second)
    assert negative_pairs(9, [(0, 1)], 10, first) == negative_pairs(9, [(0, 1)], 10, second)
    assert negative_spans(30, 8, [], 20, random.Random(6)) != negative_spans(30, 8, [], 20, random.Random(7))


def test_negative_pairs_are_ordered_pairs_of_distinct_entities_without_a_gold_relation():
    pairs = negative_pairs(3, [(0, 1), (2, 0)], 100, random.Random(0))
    assert sorted(pairs) == [(0, 2), (1, 0), (1, 2), (2, 1)]
    drawn = negative_pairs(6, [(0, 1)], 5, random.Random(1))
    assert len(set(drawn)) == 5 and (0, 1) not in drawn and all(head != tail for head, tail in drawn)


def test_no_entities_or_no_count_draws_nothing():
    assert negative_pairs(1, [], 100, random.Random(0)) == []
    assert negative_spans(5, 2, [], 0, random.Random(0)) == []
