import pytest

from jointre_plugins.analysis.relation_errors import ERROR_TYPES, relation_errors, sentence_relation_errors
from jointre_plugins.data.structures import Entity, Relation, Sentence

WORDS = tuple("Tom Baker shot Sam Reed in New York and fled to Boston".split())
TOM, SAM, NEW_YORK, BOSTON = Entity(0, 2, "Peop"), Entity(3, 5, "Peop"), Entity(6, 8, "Loc"), Entity(11, 12, "Loc")
GOLD = Sentence(
    WORDS,
    (TOM, SAM, NEW_YORK, BOSTON),
    (Relation(0, 1, "Kill"), Relation(0, 2, "Live_In"), Relation(1, 2, "Live_In"), Relation(1, 3, "Live_In")),
)


def predicted(entities, triples) -> Sentence:
    index = {entity: position for position, entity in enumerate(entities)}
    return Sentence(
        WORDS, tuple(entities), tuple(Relation(index[head], index[tail], kind) for head, tail, kind in triples)
    )


def test_a_perfect_prediction_has_no_error():
    assert sentence_relation_errors(GOLD, GOLD) == {}


def test_one_error_of_each_type():
    tom_alone = Entity(0, 1, "Peop")  # a wrong span
    new_york_as_org = Entity(6, 8, "Org")  # a right span with a wrong type
    prediction = predicted(
        [tom_alone, SAM, new_york_as_org, NEW_YORK],  # Boston is not found
        [
            (tom_alone, SAM, "Kill"),  # entity span error; Tom -> Sam Kill is then entity not found
            (SAM, new_york_as_org, "Live_In"),  # entity type error (gold Sam -> New York not counted again)
            (SAM, NEW_YORK, "Work_For"),  # relation type error (gold Sam -> New York Live_In)
            (NEW_YORK, SAM, "Located_In"),  # relation match error: gold does not relate them
        ],
    )
    # Tom -> New York: Tom's span is not predicted, so entity not found; Sam -> Boston likewise.
    assert sentence_relation_errors(prediction, GOLD) == {
        "entity_span_error": 1,
        "entity_type_error": 1,
        "relation_type_error": 1,
        "relation_match_error": 1,
        "entity_not_found": 3,
    }
    # Both arguments found, no relation between them: relation not found.
    found = predicted(
        [TOM, SAM, NEW_YORK, BOSTON], [(TOM, SAM, "Kill"), (TOM, NEW_YORK, "Live_In"), (SAM, BOSTON, "Live_In")]
    )
    assert sentence_relation_errors(found, GOLD) == {"relation_not_found": 1}


def test_counts_are_summed_over_sentences_with_every_type_listed():
    missing_all = Sentence(WORDS, GOLD.entities, ())
    counts = relation_errors([missing_all, GOLD], [GOLD, GOLD])
    assert list(counts) == list(ERROR_TYPES)
    assert counts == dict.fromkeys(ERROR_TYPES, 0) | {"relation_not_found": 4}
    with pytest.raises(ValueError):
        relation_errors([GOLD], [GOLD, GOLD])
