"""
Builds the gold tables of the table-filling scheme from gold sentences.
"""
from typing import List, Optional, Tuple

import torch
from allennlp.data import Vocabulary

from jointre_plugins.data.structures import Sentence
from jointre_plugins.labels import ENTITY_LABELS, RELATION_LABELS, label_index


def table_targets(
    golds: List[Sentence],
    num_tokens: int,
    vocab: Vocabulary,
    device: Optional[torch.device] = None,
) -> Tuple[torch.Tensor, torch.Tensor]:
    """
    The entity and relation tables of a batch (MGE section 3.3).

    An entity (start, end exclusive, type k) sets `entities[b, start, end - 1, k]`; a relation
    of type l sets `relations[b, head.start, tail.start, l]`. Gold beyond `num_tokens` (cut
    sentences) has no cell and is left out, and so is gold of a type the vocabulary lacks (a type
    unseen in training): the metric still scores both as misses.

    # Parameters

    golds : `List[Sentence]`
        The gold sentences of the batch.
    num_tokens : `int`
        The padded length of the batch.
    vocab : `Vocabulary`
        Maps types through the `entity_labels` and `relation_labels` namespaces.
    device : `torch.device`, optional
        Where the tables are made.

    # Returns

    `Tuple[torch.Tensor, torch.Tensor]`
        Float tables of shapes `(batch_size, num_tokens, num_tokens, num_entity_labels)` and
        `(batch_size, num_tokens, num_tokens, num_relation_labels)`.
    """
    entities = torch.zeros(
        len(golds), num_tokens, num_tokens, vocab.get_vocab_size(ENTITY_LABELS), device=device
    )
    for batch_index, gold in enumerate(golds):
        for entity in gold.entities:
            label = label_index(vocab, ENTITY_LABELS, entity.type)
            if entity.end <= num_tokens and label is not None:
                entities[batch_index, entity.start, entity.end - 1, label] = 1.0
    return entities, relation_targets(golds, num_tokens, vocab, device)


def relation_targets(
    golds: List[Sentence],
    num_tokens: int,
    vocab: Vocabulary,
    device: Optional[torch.device] = None,
    anchor: str = "start",
) -> torch.Tensor:
    """
    The relation table of `table_targets` alone, `(batch_size, num_tokens, num_tokens,
    num_relation_labels)`: at the arguments' first words, or with `anchor="last"` at their last
    words (RIN's word pairs), `relations[b, head.end - 1, tail.end - 1, l]`.
    """
    relations = torch.zeros(
        len(golds), num_tokens, num_tokens, vocab.get_vocab_size(RELATION_LABELS), device=device
    )
    for batch_index, gold in enumerate(golds):
        for relation in gold.relations:
            head, tail = gold.entities[relation.head], gold.entities[relation.tail]
            label = label_index(vocab, RELATION_LABELS, relation.type)
            if head.end <= num_tokens and tail.end <= num_tokens and label is not None:
                if anchor == "last":
                    relations[batch_index, head.end - 1, tail.end - 1, label] = 1.0
                else:
                    relations[batch_index, head.start, tail.start, label] = 1.0
    return relations
