"""
The six relation error types of the Cascade-SRN paper's appendix E, counted from predicted and gold
sentences.
"""
from collections import Counter
from typing import Dict, Iterable, Set, Tuple

from jointre_plugins.data.structures import Entity, Sentence

ERROR_TYPES = (
    "relation_type_error",
    "relation_not_found",
    "entity_type_error",
    "entity_not_found",
    "relation_match_error",
    "entity_span_error",
)
"""RTE, RNF, ETE, ENF, RME and ESE, in the order of the paper's list."""

Span = Tuple[int, int]
Triple = Tuple[Entity, Entity, str]


def _triples(sentence: Sentence) -> Set[Triple]:
    return {
        (sentence.entities[relation.head], sentence.entities[relation.tail], relation.type)
        for relation in sentence.relations
    }


def _span(entity: Entity) -> Span:
    return entity.start, entity.end


def sentence_relation_errors(prediction: Sentence, gold: Sentence) -> Counter:
    """
    Counts the relation errors of one sentence, each wrong predicted triple and each missed gold
    triple (strict: argument spans and types and relation type) once, under one of `ERROR_TYPES`.

    A predicted triple that gold lacks is, in this order of checks:
    - an entity span error when its subject's or object's span is no gold entity's span;
    - an entity type error when a span is a gold entity's but the type is none of that span's gold
      types;
    - a relation type error when gold relates the same two entities (spans and types) with another
      relation type, only the relation type being wrong;
    - a relation match error otherwise: two correct entities that gold does not relate.

    A gold triple the prediction lacks is:
    - entity not found when the prediction has no entity over its subject's or object's span;
    - not counted again when a predicted triple over the same two spans is already an error above
      (the same mistake seen from the gold side: a wrong relation or entity type);
    - relation not found otherwise: both arguments found, no relation predicted between them.

    The paper defines the types in a sentence each; the order of checks, which makes every error
    count once, is this project's reading.

    # Parameters

    prediction : `Sentence`
        The predicted structure.
    gold : `Sentence`
        The gold structure of the same words.

    # Returns

    `Counter`
        The count of each error type that occurs.
    """
    predicted_triples = _triples(prediction)
    gold_triples = _triples(gold)
    gold_types: Dict[Span, Set[str]] = {}
    for entity in gold.entities:
        gold_types.setdefault(_span(entity), set()).add(entity.type)
    errors: Counter = Counter()
    wrongly_predicted_pairs = set()
    for head, tail, relation_type in predicted_triples - gold_triples:
        wrongly_predicted_pairs.add((_span(head), _span(tail)))
        if _span(head) not in gold_types or _span(tail) not in gold_types:
            errors["entity_span_error"] += 1
        elif head.type not in gold_types[_span(head)] or tail.type not in gold_types[_span(tail)]:
            errors["entity_type_error"] += 1
        elif any(gold_head == head and gold_tail == tail for gold_head, gold_tail, _ in gold_triples):
            errors["relation_type_error"] += 1
        else:
            errors["relation_match_error"] += 1
    predicted_spans = {_span(entity) for entity in prediction.entities}
    for head, tail, _ in gold_triples - predicted_triples:
        if _span(head) not in predicted_spans or _span(tail) not in predicted_spans:
            errors["entity_not_found"] += 1
        elif (_span(head), _span(tail)) not in wrongly_predicted_pairs:
            errors["relation_not_found"] += 1
    return errors


def relation_errors(predictions: Iterable[Sentence], golds: Iterable[Sentence]) -> Dict[str, int]:
    """
    The error counts of `sentence_relation_errors` summed over paired sentences, with every type of
    `ERROR_TYPES` present (0 when it never occurs).
    """
    total: Counter = Counter()
    for prediction, gold in zip(predictions, golds, strict=True):
        total.update(sentence_relation_errors(prediction, gold))
    return {error_type: total[error_type] for error_type in ERROR_TYPES}
