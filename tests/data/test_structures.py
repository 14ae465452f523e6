import re
from typing import Tuple

import pytest

from jointre_plugins.data.structures import (
    CorpusFormatError,
    Entity,
    Relation,
    Sentence,
    UnplacedRelation,
)

TOKENS = ("Bo", "lives", "in", "Rome", ".")


def test_corpus_format_error_names_file_record_and_problem() -> None:
    error = CorpusFormatError("data/train.json", "record 3", "missing key(s) tokens")
    assert str(error) == "data/train.json, record 3: missing key(s) tokens"
    assert error.path == "data/train.json"
    assert error.record == "record 3"
    assert error.problem == "missing key(s) tokens"
    # Callers that only know about bad values can still catch it.
    assert isinstance(error, ValueError)


def test_sentence_accepts_spans_up_to_the_last_token() -> None:
    sentence = Sentence(TOKENS, (Entity(0, 1, "Peop"), Entity(3, 5, "Loc")), (Relation(0, 1, "Live_In"),))
    assert sentence.entities[1] == Entity(3, 5, "Loc")
    assert sentence.unplaced_relations == ()


@pytest.mark.parametrize(
    "tokens, entities, relations, problem",
    [
        ((), (), (), "the sentence has no tokens"),
        (("Bo", ""), (), (), "token '' is not a non-empty string"),
        (("Bo", 3), (), (), "token 3 is not a non-empty string"),
        (
            TOKENS,
            (Entity(3, 6, "Loc"),),
            (),
            "entity 0 spans [3, 6) (end exclusive), which is reversed, empty or outside the 5 tokens",
        ),
        (TOKENS, (Entity(0, 1, "Peop"), Entity(3, 2, "Loc")), (), "entity 1 spans [3, 2)"),
        (TOKENS, (Entity(2, 2, "Loc"),), (), "entity 0 spans [2, 2)"),
        (TOKENS, (Entity(-1, 1, "Peop"),), (), "entity 0 spans [-1, 1)"),
        (
            TOKENS,
            (Entity(0, 1, "Peop"),),
            (Relation(1, 0, "Live_In"),),
            "relation 0 has head 1, but there are 1 entities",
        ),
        (
            TOKENS,
            (Entity(0, 1, "Peop"), Entity(3, 4, "Loc")),
            (Relation(0, 1, "Live_In"), Relation(0, -1, "Live_In")),
            "relation 1 has tail -1, but there are 2 entities",
        ),
    ],
)
def test_sentence_rejects_bad_structure(
    tokens: Tuple[str, ...], entities: Tuple[Entity, ...], relations: Tuple[Relation, ...], problem: str
) -> None:
    with pytest.raises(ValueError, match=re.escape(problem)):
        Sentence(tokens, entities, relations)


def test_truncated_keeps_entities_inside_the_cut_and_renumbers_relations() -> None:
    sentence = Sentence(
        tokens=("Ann", "met", "Bo", "in", "Rome", "and", "Oslo", "."),
        entities=(Entity(6, 7, "Loc"), Entity(0, 1, "Peop"), Entity(2, 3, "Peop"), Entity(4, 5, "Loc")),
        relations=(
            Relation(1, 0, "Live_In"),
            Relation(2, 3, "Live_In"),
            Relation(1, 2, "Kill"),
        ),
    )
    assert sentence.truncated(5) == Sentence(
        tokens=("Ann", "met", "Bo", "in", "Rome"),
        entities=(Entity(0, 1, "Peop"), Entity(2, 3, "Peop"), Entity(4, 5, "Loc")),
        relations=(Relation(1, 2, "Live_In"), Relation(0, 1, "Kill")),
    )


def test_truncated_drops_an_entity_that_crosses_the_cut() -> None:
    sentence = Sentence(("New", "York", "City", "."), (Entity(0, 3, "Loc"),))
    assert sentence.truncated(2) == Sentence(("New", "York"))


def test_truncated_beyond_the_length_changes_nothing() -> None:
    sentence = Sentence(TOKENS, (Entity(0, 1, "Peop"), Entity(3, 4, "Loc")), (Relation(0, 1, "Live_In"),))
    assert sentence.truncated(len(TOKENS)) == sentence


def test_truncated_keeps_unplaced_relations_and_compare_text() -> None:
    unplaced = UnplacedRelation("Ann", "Oslo", "residence", "Entity", "Entity")
    sentence = Sentence(
        TOKENS,
        (Entity(0, 1, "Entity"), Entity(3, 4, "Entity")),
        (Relation(0, 1, "residence"),),
        unplaced_relations=(unplaced,),
        compare_text=True,
    )
    assert sentence.truncated(2) == Sentence(
        ("Bo", "lives"), (Entity(0, 1, "Entity"),), unplaced_relations=(unplaced,), compare_text=True
    )


def test_without_overlapping_entities_keeps_the_longer_and_drops_the_relations_of_the_shorter() -> None:
    # "lead" (Drug) lies inside "lead toxicity" (Adverse-Effect), ADE's typical overlap.
    sentence = Sentence(
        tokens=("Chronic", "lead", "toxicity", "caused", "anemia", "."),
        entities=(Entity(1, 3, "Adverse-Effect"), Entity(1, 2, "Drug"), Entity(4, 5, "Adverse-Effect")),
        relations=(
            Relation(0, 1, "Adverse-Effect"),
            Relation(2, 1, "Adverse-Effect"),
            Relation(2, 0, "Cause"),
        ),
    )
    assert sentence.without_overlapping_entities() == Sentence(
        tokens=sentence.tokens,
        entities=(Entity(1, 3, "Adverse-Effect"), Entity(4, 5, "Adverse-Effect")),
        relations=(Relation(1, 0, "Cause"),),
    )


def test_without_overlapping_entities_resolves_chains_longest_first_and_ties_by_listing() -> None:
    tokens = tuple("abcdefghij")
    sentence = Sentence(
        tokens=tokens,
        entities=(
            Entity(0, 2, "X"),  # overlaps the longer [1, 4): removed
            Entity(1, 4, "Y"),  # the longest: kept
            Entity(3, 5, "X"),  # overlaps [1, 4): removed, so [4, 6) no longer competes with it
            Entity(4, 6, "Y"),  # kept
            Entity(7, 9, "X"),  # as long as the next one, and listed first: kept
            Entity(8, 10, "Y"),  # removed
        ),
        relations=(Relation(1, 3, "R"), Relation(0, 1, "R"), Relation(3, 4, "R"), Relation(4, 5, "R")),
        unplaced_relations=(UnplacedRelation("a", "b", "R", "X", "Y"),),
        compare_text=True,
    )
    assert sentence.without_overlapping_entities() == Sentence(
        tokens=tokens,
        entities=(Entity(1, 4, "Y"), Entity(4, 6, "Y"), Entity(7, 9, "X")),
        relations=(Relation(0, 1, "R"), Relation(1, 2, "R")),
        unplaced_relations=(UnplacedRelation("a", "b", "R", "X", "Y"),),
        compare_text=True,
    )


def test_without_overlapping_entities_removes_an_entity_listed_twice() -> None:
    sentence = Sentence(TOKENS, (Entity(3, 4, "Loc"), Entity(0, 1, "Peop"), Entity(3, 4, "Loc")))
    expected = Sentence(TOKENS, (Entity(3, 4, "Loc"), Entity(0, 1, "Peop")))
    assert sentence.without_overlapping_entities() == expected


def test_without_overlapping_entities_changes_nothing_without_overlaps() -> None:
    sentence = Sentence(TOKENS, (Entity(3, 5, "Loc"), Entity(0, 1, "Peop")), (Relation(1, 0, "Live_In"),))
    assert sentence.without_overlapping_entities() == sentence


def test_to_json_is_the_spert_form() -> None:
    sentence = Sentence(TOKENS, (Entity(0, 1, "Peop"), Entity(3, 4, "Loc")), (Relation(0, 1, "Live_In"),))
    assert sentence.to_json() == {
        "tokens": ["Bo", "lives", "in", "Rome", "."],
        "entities": [{"start": 0, "end": 1, "type": "Peop"}, {"start": 3, "end": 4, "type": "Loc"}],
        "relations": [{"head": 0, "tail": 1, "type": "Live_In"}],
    }


def test_to_json_lists_unplaced_triples_as_relations_between_strings() -> None:
    sentence = Sentence(
        TOKENS,
        unplaced_relations=(UnplacedRelation("Ann", "Oslo", "residence", "Entity", "Entity"),),
    )
    assert sentence.to_json() == {
        "tokens": ["Bo", "lives", "in", "Rome", "."],
        "entities": [],
        "relations": [],
        "unplaced_relations": [{"head": "Ann", "tail": "Oslo", "type": "residence"}],
    }
    assert sentence.unplaced_relations[0].to_json() == {"head": "Ann", "tail": "Oslo", "type": "residence"}
