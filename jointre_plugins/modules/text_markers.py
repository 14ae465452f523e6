"""
The text markers of Cascade-SRN's early fusion (section 3.4.1): typed entity markers and subject
markers inserted around spans, the map from the marked sequence back to the original words, and
the markers' registration as special tokens of the transformer.
"""
import copy
from dataclasses import dataclass
from typing import Dict, List, Optional, Sequence, Tuple

from allennlp.common.checks import ConfigurationError
from allennlp.data import TokenIndexer
from allennlp.data.token_indexers import PretrainedTransformerMismatchedIndexer
from allennlp.modules import TextFieldEmbedder
from allennlp.modules.token_embedders import PretrainedTransformerEmbedder

SUBJECT_MARKERS = ("[S:S]", "[S:E]")
"""The markers before and after the subject."""


def entity_type_markers(entity_type: str) -> Tuple[str, str]:
    """The markers before and after an entity of `entity_type`: `[e_k_S]` and `[e_k_E]` in the paper."""
    return f"[{entity_type}_S]", f"[{entity_type}_E]"


@dataclass(frozen=True)
class MarkedWords:
    """
    A word sequence with markers inserted.

    # Parameters

    words : `Tuple[str, ...]`
        The original words and the markers.
    positions : `Tuple[int, ...]`
        For each original word, its index in `words`.
    """

    words: Tuple[str, ...]
    positions: Tuple[int, ...]


def insert_markers(
    words: Sequence[str],
    entities: Sequence[Tuple[int, int, str]],
    subject: Optional[Tuple[int, int]] = None,
) -> MarkedWords:
    """
    Inserts `entity_type_markers` around each entity and `SUBJECT_MARKERS` around the subject.

    Markers nest: at a word boundary the spans that end there close (inner ones first) before the
    spans that start there open (outer ones first), and a subject that is also an entity is marked
    outside the entity's markers, `[S:S] [Peop_S] John [Peop_E] [S:E]`. The paper does not say how
    overlapping or coinciding spans are marked.

    # Parameters

    words : `Sequence[str]`
        The original words.
    entities : `Sequence[Tuple[int, int, str]]`
        `(start, end, type)` of each entity, `end` exclusive.
    subject : `Tuple[int, int]`, optional
        `(start, end)` of the subject, `end` exclusive.
    """
    # (start, end, is_entity, type): a subject sorts before an entity of the same span, and so
    # opens outside it.
    spans = [(start, end, True, entity_type) for start, end, entity_type in entities]
    if subject is not None:
        spans.append((subject[0], subject[1], False, ""))

    def opening_order(span: Tuple[int, int, bool, str]) -> tuple:
        start, end, is_entity, entity_type = span
        return (-end, is_entity, entity_type)

    def markers(span: Tuple[int, int, bool, str]) -> Tuple[str, str]:
        return entity_type_markers(span[3]) if span[2] else SUBJECT_MARKERS

    marked: List[str] = []
    positions: List[int] = []
    for boundary in range(len(words) + 1):
        # Spans closing here close in the reverse of the order they opened in.
        closing = sorted(
            (span for span in spans if span[1] == boundary), key=lambda span: (span[0], opening_order(span))
        )
        marked.extend(markers(span)[1] for span in reversed(closing))
        opening = sorted((span for span in spans if span[0] == boundary), key=opening_order)
        marked.extend(markers(span)[0] for span in opening)
        if boundary < len(words):
            positions.append(len(marked))
            marked.append(words[boundary])
    return MarkedWords(tuple(marked), tuple(positions))


def add_marker_tokens(
    text_field_embedder: TextFieldEmbedder, token_indexers: Dict[str, TokenIndexer], markers: Sequence[str]
) -> Dict[str, TokenIndexer]:
    """
    Makes `markers` special tokens of the embedder's transformer: each becomes one word piece with
    an embedding row of its own, trained with the model, rather than being split into pieces of
    ordinary text.

    The embedding matrix grows by the markers the transformer's vocabulary lacks, in the order of
    `markers`, so a model built again from its configuration (as an archive loads) has the same
    rows. The indexers returned are copies whose tokenizers know the markers: the reader's
    indexers, and any other model in the process that shares their cached tokenizer, are left
    as they were.

    # Parameters

    text_field_embedder : `TextFieldEmbedder`
        Must hold exactly one transformer.
    token_indexers : `Dict[str, TokenIndexer]`
        The reader's indexers; the transformer's must be a mismatched (word-level) indexer.
    markers : `Sequence[str]`
        The marker strings.

    # Returns

    `Dict[str, TokenIndexer]`
        Copies of `token_indexers`; other indexers see the markers as ordinary words.
    """
    transformers = [
        module for module in text_field_embedder.modules() if isinstance(module, PretrainedTransformerEmbedder)
    ]
    word_piece_indexers = [
        name for name, indexer in token_indexers.items() if isinstance(indexer, PretrainedTransformerMismatchedIndexer)
    ]
    if len(transformers) != 1 or len(word_piece_indexers) != 1:
        raise ConfigurationError(
            "Text markers need an embedder with exactly one transformer and a "
            "pretrained_transformer_mismatched indexer for it; this model has "
            f"{len(transformers)} transformers and the indexers {sorted(token_indexers)}"
        )
    indexers = copy.deepcopy(token_indexers)
    tokenizer = indexers[word_piece_indexers[0]]._tokenizer
    tokenizer.add_special_tokens({"additional_special_tokens": list(markers)})
    embeddings = transformers[0].transformer_model.get_input_embeddings()
    if len(tokenizer) > embeddings.num_embeddings:
        transformers[0].transformer_model.resize_token_embeddings(len(tokenizer))
    return indexers
