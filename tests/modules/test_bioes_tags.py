import pytest

from jointre_plugins.data.structures import Entity
from jointre_plugins.modules.bioes_tags import bioes_to_entities, entities_to_bioes


def test_typed_entities_become_bioes_tags_and_back():
    entities = [Entity(0, 2, "Peop"), Entity(3, 4, "Loc"), Entity(5, 8, "Org")]
    tags, left_out = entities_to_bioes(entities, 9)
    assert tags == ["B-Peop", "E-Peop", "O", "S-Loc", "O", "B-Org", "I-Org", "E-Org", "O"]
    assert left_out == 0
    assert bioes_to_entities(tags) == entities


def test_untyped_tags_for_corpora_without_types():
    tags, _ = entities_to_bioes([Entity(1, 3, "Peop"), Entity(4, 5, "Loc")], 5, typed=False)
    assert tags == ["O", "B", "E", "O", "S"]
    assert bioes_to_entities(tags, untyped_label="entity") == [Entity(1, 3, "entity"), Entity(4, 5, "entity")]


def test_entities_sharing_a_word_or_past_the_cut_are_left_out_and_counted():
    entities = [
        Entity(0, 3, "Org"),  # kept: the longer of the two starting at 0
        Entity(0, 1, "Peop"),  # nested in it
        Entity(2, 4, "Loc"),  # crosses it
        Entity(5, 6, "Loc"),
        Entity(5, 6, "Org"),  # the same word with a second type
        Entity(6, 8, "Peop"),  # past the 7 words tagged
    ]
    tags, left_out = entities_to_bioes(entities, 7)
    assert tags == ["B-Org", "I-Org", "E-Org", "O", "O", "S-Loc", "O"]
    assert left_out == 4


@pytest.mark.parametrize(
    "tags, entities",
    [
        (["B-Peop", "I-Peop", "O"], []),  # never closed
        (["B-Peop", "E-Loc"], []),  # closed with another type
        (["I-Peop", "E-Peop"], []),  # never opened
        (["B-Peop", "B-Peop", "E-Peop"], [Entity(1, 3, "Peop")]),  # the second B starts over
        (["B-Peop", "S-Loc", "E-Peop"], [Entity(1, 2, "Loc")]),
        (["S-Peop", "S-Peop"], [Entity(0, 1, "Peop"), Entity(1, 2, "Peop")]),
    ],
)
def test_only_well_formed_runs_spell_entities(tags, entities):
    assert bioes_to_entities(tags) == entities
