import pytest
from allennlp.common.checks import ConfigurationError
from allennlp.data.token_indexers import PretrainedTransformerMismatchedIndexer, SingleIdTokenIndexer
from allennlp.modules.text_field_embedders import BasicTextFieldEmbedder
from allennlp.modules.token_embedders import Embedding, PretrainedTransformerMismatchedEmbedder

from jointre_plugins.modules.text_markers import (
    SUBJECT_MARKERS,
    add_marker_tokens,
    entity_type_markers,
    insert_markers,
)
from tests.conftest import FIXTURES

BERT = str(FIXTURES / "tiny_bert")


def test_entity_and_subject_markers_around_their_spans():
    words = ["Tom", "Baker", "shot", "Sam", "Reed", "."]
    marked = insert_markers(words, [(0, 2, "Peop"), (3, 5, "Peop")], subject=(0, 2))
    assert marked.words == (
        "[S:S]", "[Peop_S]", "Tom", "Baker", "[Peop_E]", "[S:E]", "shot",
        "[Peop_S]", "Sam", "Reed", "[Peop_E]", ".",
    )  # fmt: skip
    assert marked.positions == (2, 3, 6, 8, 9, 11)
    assert [marked.words[position] for position in marked.positions] == words


def test_nested_and_adjacent_spans_nest_their_markers():
    words = ["University", "of", "Boston", "staff"]
    # The university (0-3) holds Boston (2-3); the subject is Boston; staff (3-4) follows at once.
    marked = insert_markers(words, [(0, 3, "Org"), (2, 3, "Loc"), (3, 4, "Peop")], subject=(2, 3))
    assert marked.words == (
        "[Org_S]", "University", "of", "[S:S]", "[Loc_S]", "Boston", "[Loc_E]", "[S:E]", "[Org_E]",
        "[Peop_S]", "staff", "[Peop_E]",
    )  # fmt: skip
    assert [marked.words[position] for position in marked.positions] == words


def test_no_spans_no_markers():
    marked = insert_markers(["a", "b"], [])
    assert marked.words == ("a", "b") and marked.positions == (0, 1)


def test_markers_become_single_special_word_pieces_of_a_copy_of_the_indexer():
    embedder = BasicTextFieldEmbedder(
        {"tokens": PretrainedTransformerMismatchedEmbedder(BERT, load_weights=False)}
    )
    indexers = {"tokens": PretrainedTransformerMismatchedIndexer(BERT)}
    markers = [*SUBJECT_MARKERS, *entity_type_markers("Peop")]
    marked_indexers = add_marker_tokens(embedder, indexers, markers)
    tokenizer = marked_indexers["tokens"]._tokenizer
    assert [tokenizer.tokenize(marker) for marker in markers] == [[marker] for marker in markers]
    assert tokenizer.convert_tokens_to_ids(markers) == [330, 331, 332, 333]
    transformer = embedder._token_embedders["tokens"]._matched_embedder.transformer_model
    assert transformer.get_input_embeddings().num_embeddings == 334
    # The reader's indexer still splits them.
    assert indexers["tokens"]._tokenizer.tokenize("[S:S]") != ["[S:S]"]


def test_markers_need_one_transformer():
    embedder = BasicTextFieldEmbedder({"tokens": Embedding(embedding_dim=4, num_embeddings=10)})
    with pytest.raises(ConfigurationError, match="exactly one transformer"):
        add_marker_tokens(embedder, {"tokens": SingleIdTokenIndexer()}, list(SUBJECT_MARKERS))
