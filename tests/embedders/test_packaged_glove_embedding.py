import pytest
import torch
from allennlp.common import Params
from allennlp.data import Vocabulary
from allennlp.modules.token_embedders import TokenEmbedder

from jointre_plugins.embedders.packaged_glove_embedding import PackagedGloveEmbedding, packaged_glove
from tests.conftest import FIXTURES


@pytest.fixture(scope="module")
def glove():
    vectors, words = packaged_glove()
    return vectors, {word: row for row, word in enumerate(words)}


def vocabulary(*words: str) -> Vocabulary:
    vocab = Vocabulary()
    vocab.add_tokens_to_namespace(list(words), "tokens")
    return vocab


def test_the_package_holds_the_official_400k_words_of_50_dimensions(glove):
    vectors, row_of = glove
    assert vectors.shape == (400000, 50) and len(row_of) == 400000
    # The first words of glove.6B, in its frequency order, and the first value of "the".
    assert [word for word, row in sorted(row_of.items(), key=lambda item: item[1])[:4]] == ["the", ",", ".", "of"]
    assert vectors[row_of["the"], 0] == pytest.approx(0.418)


def test_vocabulary_words_take_their_vectors_lowercased_and_the_others_start_at_random(glove):
    vectors, row_of = glove
    vocab = vocabulary("the", "The", "Paris", "qwzxvq")
    torch.manual_seed(0)
    embedder = TokenEmbedder.from_params(Params({"type": "packaged_glove"}), vocab=vocab)
    assert isinstance(embedder, PackagedGloveEmbedding) and embedder.get_output_dim() == 50
    assert embedder.words_found == 3
    index = vocab.get_token_index
    for word, glove_word in (("the", "the"), ("The", "the"), ("Paris", "paris")):
        assert torch.equal(embedder.weight[index(word)], torch.tensor(vectors[row_of[glove_word]]))
    unknown = embedder.weight[index("qwzxvq")]
    assert not torch.equal(unknown, embedder.weight[index("the")]) and unknown.abs().sum() > 0
    embedded = embedder(torch.tensor([[index("Paris"), index("the")]]))
    assert embedded.shape == (1, 2, 50) and embedder.weight.requires_grad


def test_frozen_and_projected():
    embedder = PackagedGloveEmbedding(vocabulary("the"), trainable=False, projection_dim=7)
    assert not embedder.weight.requires_grad and embedder.get_output_dim() == 7


def test_a_glove_text_file_given_by_path_is_allennlps_embedding():
    # The paper's setting, glove.6B.100d.txt; a 4-d file of three words stands in for it.
    vocab = vocabulary("the", "paris", "unseen")
    params = Params(
        {"type": "embedding", "embedding_dim": 4, "pretrained_file": str(FIXTURES / "glove" / "glove.tiny.4d.txt")}
    )
    embedder = TokenEmbedder.from_params(params, vocab=vocab)
    assert embedder.weight[vocab.get_token_index("the")].tolist() == pytest.approx([0.1, 0.2, 0.3, 0.4])
    assert embedder.weight[vocab.get_token_index("paris")].tolist() == pytest.approx([-1.0, 0.5, 0.25, 2.0])
