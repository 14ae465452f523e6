"""
Entity tags of words from entity spans and back, in the BIO and BIOES schemes, for the schemes that
tag words (RIN: BIOES; Deeper task-specificity: BIO under a CRF).
"""
from typing import Iterable, List, Optional, Sequence, Tuple

from jointre_plugins.data.structures import Entity

OUTSIDE = "O"

PREFIXES = {"BIO": "BI", "BIOES": "BIES"}
"""The prefixes of each scheme's entity tags, in the order `tag_set` lists them."""


def entity_tag(prefix: str, entity_type: Optional[str]) -> str:
    """`"B-Peop"` for a typed tag, `"B"` for an untyped one."""
    return prefix if entity_type is None else f"{prefix}-{entity_type}"


def tag_set(entity_types: Iterable[str], scheme: str) -> List[str]:
    """
    Every tag of `scheme` for `entity_types`: `O` first, then each type's tags, e.g. `["O",
    "B-Loc", "I-Loc", "B-Peop", "I-Peop"]` for BIO.
    """
    return [OUTSIDE] + [entity_tag(prefix, kind) for kind in entity_types for prefix in _prefixes(scheme)]


def _prefixes(scheme: str) -> str:
    if scheme not in PREFIXES:
        raise ValueError(f"the tagging scheme must be one of {sorted(PREFIXES)}, not {scheme!r}")
    return PREFIXES[scheme]


def entities_to_tags(
    entities: Sequence[Entity], num_words: int, scheme: str = "BIOES", typed: bool = True
) -> Tuple[List[str], int]:
    """
    The tags of a sentence's words for its entities, O elsewhere. BIOES: S for a one-word entity,
    B, I ... E for a longer one. BIO: B for the first word, I for the others. Tags are typed
    (`"B-Peop"`) or not (`"B"`, for corpora whose entities have no type, NYT and WebNLG).

    One tag per word cannot represent entities that share a word (nested or crossing spans, or one
    span with two types). As BIO taggers of ADE do (Crone 2020 and the work it follows), the
    longer entity is kept: entities are taken longest first, then by start and type, and one that
    shares a word with an entity taken before is left out and counted. So is an entity past
    `num_words` (a sentence cut for the model).

    # Parameters

    entities : `Sequence[Entity]`
        The sentence's entities, `end` exclusive.
    num_words : `int`
        The number of words tagged.
    scheme : `str`, optional (default = `"BIOES"`)
        `"BIO"` or `"BIOES"`.
    typed : `bool`, optional (default = `True`)
        Whether the tags carry the entity types.

    # Returns

    `Tuple[List[str], int]`
        The tags, and how many entities they leave out.
    """
    bioes = _prefixes(scheme) == PREFIXES["BIOES"]
    tags = [OUTSIDE] * num_words
    left_out = 0
    for entity in sorted(entities, key=lambda entity: (entity.start - entity.end, entity.start, entity.type)):
        if entity.end > num_words or any(tag != OUTSIDE for tag in tags[entity.start : entity.end]):
            left_out += 1
            continue
        entity_type = entity.type if typed else None
        if bioes and entity.end - entity.start == 1:
            tags[entity.start] = entity_tag("S", entity_type)
            continue
        tags[entity.start] = entity_tag("B", entity_type)
        for position in range(entity.start + 1, entity.end):
            tags[position] = entity_tag("I", entity_type)
        if bioes:
            tags[entity.end - 1] = entity_tag("E", entity_type)
    return tags, left_out


def tags_to_entities(tags: Sequence[str], scheme: str = "BIOES", untyped_label: str = "entity") -> List[Entity]:
    """
    The entities that well-formed runs of predicted tags spell. BIOES: an S tag, or a B tag, I tags
    of the same type and an E tag of the same type; a run that breaks off (a B or I followed by
    anything else) spells nothing, as in decoders that accept only valid sequences, so a model's
    stray tag costs the one span it is in. BIO: a B tag and the I tags of its type that follow it;
    an I tag that continues no run of its type (after O or another type) spells nothing, where
    lenient BIO readers would start an entity there: the CRF that BIO serves here never predicts
    one. Untyped tags give entities of type `untyped_label`.

    # Parameters

    tags : `Sequence[str]`
        One tag per word.
    scheme : `str`, optional (default = `"BIOES"`)
        `"BIO"` or `"BIOES"`.
    untyped_label : `str`, optional (default = `"entity"`)
        The type of entities from untyped tags.

    # Returns

    `List[Entity]`
        In word order.
    """
    if _prefixes(scheme) == PREFIXES["BIOES"]:
        return _bioes_entities(tags, untyped_label)
    return _bio_entities(tags, untyped_label)


def _typed(tag: str, untyped_label: str) -> Tuple[str, str]:
    prefix, _, entity_type = tag.partition("-")
    return prefix, entity_type or untyped_label


def _bioes_entities(tags: Sequence[str], untyped_label: str) -> List[Entity]:
    entities = []
    open_start: Optional[int] = None
    open_type: Optional[str] = None
    for position, tag in enumerate(tags):
        prefix, entity_type = _typed(tag, untyped_label)
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


def _bio_entities(tags: Sequence[str], untyped_label: str) -> List[Entity]:
    entities = []
    open_start: Optional[int] = None
    open_type = ""
    for position, tag in enumerate([*tags, OUTSIDE]):
        prefix, entity_type = _typed(tag, untyped_label)
        if prefix == "I" and open_start is not None and entity_type == open_type:
            continue
        if open_start is not None:
            entities.append(Entity(open_start, position, open_type))
        open_start, open_type = (position, entity_type) if prefix == "B" else (None, "")
    return entities
