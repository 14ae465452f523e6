import pytest

from jointre_plugins.data.structures import Entity
from jointre_plugins.modules.entity_tags import entities_to_tags, tag_set, tags_to_entities


def test_typed_entities_become_bioes_tags_and_back():
    entities = [Entity(0, 2, "Peop"), Entity(3, 4, "Loc"), Entity(5, 8, "Org")]
    tags, left_out = entities_to_tags(entities, 9)
    assert tags == ["B-Peop", "E-Peop", "O", "S-Loc", "O", "B-Org", "I-Org", "E-Org", "O"]
    assert left_out == 0
    assert tags_to_entities(tags) == entities


def test_untyped_tags_for_corpora_without_types():
    tags, _ = entities_to_tags([Entity(1, 3, "Peop"), Entity(4, 5, "Loc")], 5, typed=False)
    assert tags == ["O", "B", "E", "O", "S"]
    assert tags_to_entities(tags, untyped_label="entity") == [Entity(1, 3, "entity"), Entity(4, 5, "entity")]


def test_entities_sharing_a_word_or_past_the_cut_are_left_out_and_counted():
    entities = [
        Entity(0, 3, "Org"),  # kept: the longer of the two starting at 0
        Entity(0, 1, "Peop"),  # nested in it
        Entity(2, 4, "Loc"),  # crosses it
        Entity(5, 6, "Loc"),
        Entity(5, 6, "Org"),  # the same word with a second type
        Entity(6, 8, "Peop"),  # past the 7 words tagged
    ]
    tags, left_out = entities_to_tags(entities, 7)
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
    assert tags_to_entities(tags) == entities


def test_typed_entities_become_bio_tags_and_back():
    entities = [Entity(0, 2, "Peop"), Entity(3, 4, "Loc"), Entity(4, 7, "Org")]
    tags, left_out = entities_to_tags(entities, 8, scheme="BIO")
    assert tags == ["B-Peop", "I-Peop", "O", "B-Loc", "B-Org", "I-Org", "I-Org", "O"]
    assert left_out == 0
    assert tags_to_entities(tags, scheme="BIO") == entities


def test_the_longer_of_two_overlapping_entities_is_kept_whichever_starts_first():
    # ADE's overlaps: a drug inside a longer adverse effect, and here one crossing a longer span.
    entities = [Entity(0, 1, "Drug"), Entity(0, 2, "Adverse-Effect"), Entity(3, 5, "Drug"), Entity(4, 8, "Drug")]
    tags, left_out = entities_to_tags(entities, 8, scheme="BIO")
    assert tags == ["B-Adverse-Effect", "I-Adverse-Effect", "O", "O", "B-Drug", "I-Drug", "I-Drug", "I-Drug"]
    assert left_out == 2


def test_untyped_bio_tags():
    tags, _ = entities_to_tags([Entity(1, 3, "Peop")], 4, scheme="BIO", typed=False)
    assert tags == ["O", "B", "I", "O"]
    assert tags_to_entities(tags, scheme="BIO", untyped_label="entity") == [Entity(1, 3, "entity")]


@pytest.mark.parametrize(
    "tags, entities",
    [
        (["B-Peop", "I-Peop"], [Entity(0, 2, "Peop")]),  # runs to the last word
        (["B-Peop", "I-Loc", "I-Loc"], [Entity(0, 1, "Peop")]),  # another type ends the run
        (["O", "I-Peop", "I-Peop"], []),  # never opened
        (["B-Peop", "B-Peop", "I-Peop"], [Entity(0, 1, "Peop"), Entity(1, 3, "Peop")]),
        (["B-Peop", "O", "B-Loc"], [Entity(0, 1, "Peop"), Entity(2, 3, "Loc")]),
    ],
)
def test_bio_runs_spell_entities(tags, entities):
    assert tags_to_entities(tags, scheme="BIO") == entities


def test_tag_sets_and_unknown_schemes():
    assert tag_set(["Loc", "Peop"], "BIO") == ["O", "B-Loc", "I-Loc", "B-Peop", "I-Peop"]
    assert tag_set(["Loc"], "BIOES") == ["O", "B-Loc", "I-Loc", "E-Loc", "S-Loc"]
    with pytest.raises(ValueError, match="tagging scheme must be one of \\['BIO', 'BIOES'\\], not 'IOB2'"):
        entities_to_tags([], 3, scheme="IOB2")
