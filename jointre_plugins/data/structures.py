"""
The one in-memory form every corpus is parsed into and every model predicts: a sentence with
its tokens, entities and relations.
"""
from dataclasses import dataclass, field, replace
from typing import Any, Dict, List, Sequence, Tuple


class CorpusFormatError(ValueError):
    """
    A record of a corpus file that cannot be read as it stands.

    The message names the file, the record (a 0-based list index, or a 1-based line number for
    JSON lines; the line and byte offset for bytes that are not UTF-8) and what is wrong, so the
    record can be found and fixed.
    """

    def __init__(self, path: str, record: str, problem: str) -> None:
        super().__init__(f"{path}, {record}: {problem}")
        self.path = path
        self.record = record
        self.problem = problem


@dataclass(frozen=True)
class Entity:
    """A typed token span; `end` is exclusive."""

    start: int
    end: int
    type: str

    def to_json(self) -> Dict[str, Any]:
        return {"start": self.start, "end": self.end, "type": self.type}


@dataclass(frozen=True)
class Relation:
    """A typed relation from the entity at index `head` to the entity at index `tail`."""

    head: int
    tail: int
    type: str

    def to_json(self) -> Dict[str, Any]:
        return {"head": self.head, "tail": self.tail, "type": self.type}


@dataclass(frozen=True)
class UnplacedRelation:
    """
    A gold triple given as strings (CasRel corpora) whose head or tail could not be found in the
    tokens. It is kept so that the metric counts it as a miss instead of forgetting it.
    """

    head: str
    tail: str
    type: str
    head_type: str
    tail_type: str

    def to_json(self) -> Dict[str, Any]:
        """The form of a `Relation`, with the argument strings as `head` and `tail`."""
        return {"head": self.head, "tail": self.tail, "type": self.type}


@dataclass(frozen=True)
class Sentence:
    """
    A tokenised sentence with its entities and relations.

    Construction validates the structure and raises `ValueError` naming the problem: empty
    tokens, an entity span out of range or reversed, a relation index out of range.

    # Parameters

    tokens : `Tuple[str, ...]`
        The words of the sentence.
    entities : `Tuple[Entity, ...]`
        Entity spans over `tokens`, `end` exclusive.
    relations : `Tuple[Relation, ...]`
        Relations whose `head` and `tail` index into `entities`.
    unplaced_relations : `Tuple[UnplacedRelation, ...]`
        Gold triples that could not be located in the tokens; scored as misses.
    compare_text : `bool`
        The gold was given as strings (CasRel corpora), so the metric compares the surface
        strings of entities and relation arguments rather than their positions: a string that
        occurs twice in the text may be found at either occurrence.
    """

    tokens: Tuple[str, ...]
    entities: Tuple[Entity, ...] = ()
    relations: Tuple[Relation, ...] = ()
    unplaced_relations: Tuple[UnplacedRelation, ...] = field(default=())
    compare_text: bool = False

    def __post_init__(self) -> None:
        if not self.tokens:
            raise ValueError("the sentence has no tokens")
        for token in self.tokens:
            if not isinstance(token, str) or not token:
                raise ValueError(f"token {token!r} is not a non-empty string")
        num_tokens = len(self.tokens)
        for index, entity in enumerate(self.entities):
            if not (0 <= entity.start < entity.end <= num_tokens):
                raise ValueError(
                    f"entity {index} spans [{entity.start}, {entity.end}) (end exclusive), "
                    f"which is reversed, empty or outside the {num_tokens} tokens"
                )
        for index, relation in enumerate(self.relations):
            for role, entity_index in (("head", relation.head), ("tail", relation.tail)):
                if not (0 <= entity_index < len(self.entities)):
                    raise ValueError(
                        f"relation {index} has {role} {entity_index}, but there are "
                        f"{len(self.entities)} entities"
                    )

    def truncated(self, max_length: int) -> "Sentence":
        """
        The first `max_length` tokens with the entities inside them and the relations between
        those entities. Unplaced relations and `compare_text` are kept.
        """
        kept = [index for index, entity in enumerate(self.entities) if entity.end <= max_length]
        return self._keeping_entities(kept, self.tokens[:max_length])

    def without_overlapping_entities(self) -> "Sentence":
        """
        The sentence without the entities that overlap a longer one and without the relations
        that involve them, as BIO tagging needs. Of two overlapping entities of the same length,
        the one listed first is kept.
        """
        preference = sorted(
            range(len(self.entities)),
            key=lambda index: (self.entities[index].start - self.entities[index].end, index),
        )
        kept: List[int] = []
        for index in preference:
            entity = self.entities[index]
            if all(
                entity.end <= self.entities[other].start or self.entities[other].end <= entity.start
                for other in kept
            ):
                kept.append(index)
        return self._keeping_entities(sorted(kept), self.tokens)

    def _keeping_entities(self, kept: Sequence[int], tokens: Tuple[str, ...]) -> "Sentence":
        """The sentence over `tokens` with the entities at `kept` and the relations among them."""
        new_index = {old: new for new, old in enumerate(kept)}
        return replace(
            self,
            tokens=tokens,
            entities=tuple(self.entities[index] for index in kept),
            relations=tuple(
                Relation(new_index[relation.head], new_index[relation.tail], relation.type)
                for relation in self.relations
                if relation.head in new_index and relation.tail in new_index
            ),
        )

    def to_json(self) -> Dict[str, Any]:
        """
        The SpERT-style JSON form, which the predictor also prints; unplaced relations, if any,
        follow under `unplaced_relations`.
        """
        result: Dict[str, Any] = {
            "tokens": list(self.tokens),
            "entities": [entity.to_json() for entity in self.entities],
            "relations": [relation.to_json() for relation in self.relations],
        }
        if self.unplaced_relations:
            result["unplaced_relations"] = [triple.to_json() for triple in self.unplaced_relations]
        return result

