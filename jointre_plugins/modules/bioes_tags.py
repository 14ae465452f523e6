"""
BIOES tags from entity spans and back, for schemes that tag words (RIN).
"""
from typing import List, Optional, Sequence, Tuple

from jointre_plugins.data.structures import Entity

OUTSIDE = "O"


def bioes_tag(prefix: str, entity_type: Optional[str]) -> str:
    """`"B-Peop"` for a typed tag, `"B"` for an untyped one."""
    return prefix if entity_type is None else f"{prefix}-{entity_type}"


def entities_to_bioes(entities: Sequence[Entity], num_words: int, typed: bool = True) -> Tuple[List[str], int]:
    """
    The BIOES tags of a sentence's words for its entities: S for a one-word entity, B, I ... E for
    a longer one, O elsewhere; typed (`"B-Peop"`) or not (`"B"`, for corpora whose entities have
    no type, NYT and WebNLG).

    One tag per word cannot represent entities that share a word (nested or crossing spans, or one
    span with two types). Entities are taken by start, and the longer first among those that start
    together; one that shares a word with an entity taken before is left out and counted. So is an
    entity past `num_words` (a sentence cut for the model).

    # Parameters

    entities : `Sequence[Entity]`
        The sentence's entities, `end` exclusive.
    num_words : `int`
        The number of words tagged.
    typed : `bool`, optional (default = `True`)
        Whether the tags carry the entity types.

    # Returns

    `Tuple[List[str], int]`
        The tags, and how many entities they leave out.
    """
    tags = [OUTSIDE] * num_words
    left_out = 0
    for entity in sorted(entities, key=lambda entity: (entity.start, -entity.end, entity.type)):
        if entity.end > num_words or any(tag != OUTSIDE for tag in tags[entity.start : entity.end]):
            left_out += 1
            continue
        entity_type = entity.type if typed else None
        if entity.end - entity.start == 1:
            tags[entity.start] = bioes_tag("S", entity_type)
            continue
        tags[entity.start] = bioes_tag("B", entity_type)
        for position in range(entity.start + 1, entity.end - 1):
            tags[position] = bioes_tag("I", entity_type)
        tags[entity.end - 1] = bioes_tag("E", entity_type)
    return tags, left_out


def bioes_to_entities(tags: Sequence[str], untyped_label: str = "entity") -> List[Entity]:
    """
    The entities that well-formed runs of predicted tags spell: an S tag, or a B tag, I tags of the
    same type and an E tag of the same type. A run that breaks off (a B or I followed by anything
    else) spells nothing, as in decoders that accept only valid sequences, so a model's stray tag
    costs the one span it is in. Untyped tags give entities of type `untyped_label`.

    # Parameters

    tags : `Sequence[str]`
        One tag per word.
    untyped_label : `str`, optional (default = `"entity"`)
        The type of entities from untyped tags.

    # Returns

    `List[Entity]`
        In word order.
    """
    entities = []
    open_start: Optional[int] = None
    open_type: Optional[str] = None
    for position, tag in enumerate(tags):
        prefix, _, entity_type = tag.partition("-")
        entity_type = entity_type or untyped_label
        if prefix == "S":
            entities.append(Entity(position, position + 1, entity_type))
            open_start = None
        elif prefix == "B":
            open_start, open_type = position, entity_type
        elif prefix in ("I", "E") and open_start is not None and entity_type == open_type:
            if prefix == "E":
                entities.append(Entity(open_start, position + 1, entity_type))
                open_start = None
        else:
            open_start = None
    return entities
