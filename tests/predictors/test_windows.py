import pytest

from jointre_plugins.data.structures import Entity, Relation, Sentence
from jointre_plugins.predictors.windows import merge_windows, window_offsets

WORDS = [f"w{index}" for index in range(10)]


def window(offset, length, entities=(), relations=()):
    """A window prediction over WORDS[offset: offset + length], entity offsets local to it."""
    return offset, Sentence(
        tokens=tuple(WORDS[offset : offset + length]),
        entities=tuple(Entity(*entity) for entity in entities),
        relations=tuple(Relation(*relation) for relation in relations),
    )


@pytest.mark.parametrize(
    "num_words, window_length, offsets",
    [
        (5, 8, [0]),
        (8, 8, [0]),
        (9, 8, [0, 1]),
        (20, 8, [0, 4, 8, 12]),
        (21, 8, [0, 4, 8, 12, 13]),
        (2000, 30, list(range(0, 1966, 15)) + [1970]),
        (3, 1, [0, 1, 2]),
        (7, 3, [0, 1, 2, 3, 4]),
    ],
)
def test_window_offsets(num_words, window_length, offsets):
    assert window_offsets(num_words, window_length) == offsets


def test_window_offsets_need_a_positive_length():
    with pytest.raises(ValueError, match="window_length must be a positive number of words, not 0"):
        window_offsets(4, 0)


def test_one_window_is_its_own_merge():
    words, prediction = window(0, 10, [(0, 2, "Peop"), (5, 6, "Loc")], [(0, 1, "Live_In")])
    assert merge_windows(WORDS, [(words, prediction)]) == prediction


def test_an_entity_is_taken_from_the_window_where_it_lies_farthest_from_an_edge():
    # Window A covers words 0-5, window B words 4-9.
    windows = [
        # Word 4 is 1 word from A's end and at B's start: A decides it (Loc, not Org).
        # Word 5 is at A's end and 1 word from B's start: B decides it (Org, not Other).
        window(0, 6, [(1, 2, "Peop"), (4, 5, "Loc"), (5, 6, "Other")]),
        window(4, 6, [(0, 1, "Org"), (1, 2, "Org"), (4, 6, "Peop")]),
    ]
    assert merge_windows(WORDS, windows).entities == (
        Entity(1, 2, "Peop"),
        Entity(4, 5, "Loc"),
        Entity(5, 6, "Org"),
        Entity(8, 10, "Peop"),
    )


@pytest.mark.parametrize("reverse, entities", [(False, ()), (True, (Entity(4, 6, "Loc"),))])
def test_a_tie_goes_to_the_window_listed_first(reverse, entities):
    # Words 4-5 lie 0 words from an edge in both windows; A predicts nothing there, B a Loc.
    windows = [window(0, 6), window(4, 6, [(0, 2, "Loc")])]
    assert merge_windows(WORDS, windows[::-1] if reverse else windows).entities == entities


def test_windows_may_differ_in_length():
    # Word 3 is 3 words from A's start and 1 word from B's: A decides it.
    windows = [window(0, 10, [(3, 4, "Loc"), (8, 9, "Peop")]), window(2, 4, [(1, 2, "Org")])]
    assert merge_windows(WORDS, windows).entities == (Entity(3, 4, "Loc"), Entity(8, 9, "Peop"))


def test_no_windows_predict_nothing():
    assert merge_windows(WORDS, []) == Sentence(tuple(WORDS))


def test_a_prediction_of_several_windows_appears_once():
    windows = [
        window(0, 6, [(3, 4, "Peop"), (4, 6, "Loc")], [(0, 1, "Live_In")]),
        window(2, 6, [(1, 2, "Peop"), (2, 4, "Loc")], [(0, 1, "Live_In")]),
        window(4, 6, [(0, 2, "Loc")]),
    ]
    merged = merge_windows(WORDS, windows)
    assert merged.entities == (Entity(3, 4, "Peop"), Entity(4, 6, "Loc"))
    assert merged.relations == (Relation(0, 1, "Live_In"),)


def test_relations_are_decided_by_the_window_around_both_arguments_and_need_kept_entities():
    windows = [
        window(
            0,
            6,
            [(1, 2, "Peop"), (4, 5, "Loc"), (4, 6, "Loc"), (5, 6, "Other")],
            [
                (0, 1, "Live_In"),  # words 1-4: only A holds them
                (1, 2, "Located_In"),  # words 4-5: tie, A decides
                (0, 3, "Work_For"),  # its tail (5, 6, Other) is not kept
            ],
        ),
        window(
            4,
            6,
            [(0, 1, "Org"), (0, 2, "Loc"), (1, 2, "Org"), (4, 6, "Peop")],
            [
                (2, 3, "Kill"),  # words 5-9: only B holds them
                (0, 3, "OrgBased_In"),  # words 4-9: only B holds them, but its head (4, 5, Org) is not kept
                (1, 2, "OrgBased_In"),  # words 4-5: A decides and does not predict it
            ],
        ),
    ]
    merged = merge_windows(WORDS, windows)
    assert merged.tokens == tuple(WORDS)
    assert merged.entities == (
        Entity(1, 2, "Peop"),
        Entity(4, 5, "Loc"),
        Entity(4, 6, "Loc"),
        Entity(5, 6, "Org"),
        Entity(8, 10, "Peop"),
    )
    assert merged.relations == (
        Relation(0, 1, "Live_In"),
        Relation(1, 2, "Located_In"),
        Relation(3, 4, "Kill"),
    )
