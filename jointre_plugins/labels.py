"""
The vocabulary namespaces of entity and relation types, which readers fill and models read, and
the lookup of a gold type that the vocabulary may not know.
"""
from typing import Optional

from allennlp.data import Vocabulary

ENTITY_LABELS = "entity_labels"
"""Vocabulary namespace of entity types."""

RELATION_LABELS = "relation_labels"
"""Vocabulary namespace of relation types."""


def label_index(vocab: Vocabulary, namespace: str, label: str) -> Optional[int]:
    """
    The index of `label` in `namespace`, or `None` for a type the vocabulary has never seen (a
    type of the test data that training lacked). The label namespaces have no OOV token, so
    `Vocabulary.get_token_index` would raise a bare `KeyError` instead.
    """
    return vocab.get_token_to_index_vocabulary(namespace).get(label)
