"""
The metadata field that carries a sentence's gold structure and feeds its labels to the vocabulary.
"""
from typing import Any, Dict, Optional

from allennlp.data.fields import MetadataField

from jointre_plugins.data.structures import Sentence
from jointre_plugins.labels import ENTITY_LABELS, RELATION_LABELS


class JointMetadataField(MetadataField):
    """
    A `MetadataField` holding `{"tokens": [...], "gold": Sentence or None}` that counts the gold
    entity and relation types into the `entity_labels` and `relation_labels` namespaces, so the
    vocabulary built from instances knows every label while the gold stays whole in metadata.

    # Parameters

    tokens : `List[str]`
        The words the model sees (after any cut to the maximum length).
    gold : `Sentence`, optional
        The full gold structure, uncut, for training targets and scoring.
    """

    __slots__ = []

    def __init__(self, tokens: Any, gold: Optional[Sentence] = None) -> None:
        super().__init__({"tokens": list(tokens), "gold": gold})

    def count_vocab_items(self, counter: Dict[str, Dict[str, int]]) -> None:
        gold: Optional[Sentence] = self.metadata["gold"]
        if gold is None:
            return
        for entity in gold.entities:
            counter[ENTITY_LABELS][entity.type] += 1
        for relation in gold.relations:
            counter[RELATION_LABELS][relation.type] += 1
        for triple in gold.unplaced_relations:
            counter[RELATION_LABELS][triple.type] += 1
            counter[ENTITY_LABELS][triple.head_type] += 1
            counter[ENTITY_LABELS][triple.tail_type] += 1

    def empty_field(self) -> "JointMetadataField":
        return JointMetadataField([], None)
