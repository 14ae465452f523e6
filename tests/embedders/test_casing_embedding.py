import torch
from allennlp.common import Params
from allennlp.data import Token, Vocabulary
from allennlp.data.fields import TextField
from allennlp.data.token_indexers import SingleIdTokenIndexer
from allennlp.modules.text_field_embedders import BasicTextFieldEmbedder, TextFieldEmbedder
from allennlp.modules.token_embedders import TokenEmbedder

from jointre_plugins.embedders.casing_embedding import CasingOneHotEmbedding
from jointre_plugins.embedders.casing_indexer import CasingIndexer


def test_class_indices_become_one_hot_vectors_and_padding_zeros():
    embedder = CasingOneHotEmbedding()
    assert embedder.get_output_dim() == 7
    embedded = embedder(torch.tensor([[1, 7, 4, 0], [5, 2, 0, 0]]))
    assert embedded.dtype == torch.get_default_dtype()
    expected = torch.tensor(
        [
            [[1, 0, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0, 1], [0, 0, 0, 1, 0, 0, 0], [0, 0, 0, 0, 0, 0, 0]],
            [[0, 0, 0, 0, 1, 0, 0], [0, 1, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0, 0]],
        ],
        dtype=torch.get_default_dtype(),
    )
    assert torch.equal(embedded, expected)


def test_every_class_is_its_unit_vector():
    embedded = CasingOneHotEmbedding()(torch.arange(8).unsqueeze(0))
    assert torch.equal(embedded[0], torch.cat([torch.zeros(1, 7), torch.eye(7)]))


def test_built_from_params_without_parameters():
    embedder = TokenEmbedder.from_params(Params({"type": "casing_one_hot"}))
    assert isinstance(embedder, CasingOneHotEmbedding)
    assert list(embedder.parameters()) == [] and list(embedder.state_dict()) == []


def test_casing_vectors_next_to_word_embeddings():
    words = ["Poe", "visited", "U.S.", "in", "1849"]
    indexers = {"tokens": SingleIdTokenIndexer(), "casing": CasingIndexer()}
    vocab = Vocabulary()
    vocab.add_tokens_to_namespace(words, "tokens")
    fields = [TextField([Token(word) for word in sentence], indexers) for sentence in (words, ["in", "Poe"])]
    for field in fields:
        field.index(vocab)
    padding_lengths = fields[0].get_padding_lengths()
    batch = fields[0].batch_tensors([field.as_tensor(padding_lengths) for field in fields])
    params = Params(
        {
            "token_embedders": {
                "tokens": {"type": "embedding", "embedding_dim": 5},
                "casing": {"type": "casing_one_hot"},
            }
        }
    )
    text_field_embedder = TextFieldEmbedder.from_params(params, vocab=vocab)
    assert isinstance(text_field_embedder, BasicTextFieldEmbedder)
    assert text_field_embedder.get_output_dim() == 5 + 7
    embedded = text_field_embedder(batch)
    assert embedded.shape == (2, 5, 12)
    # The embedders are concatenated in the sorted order of their keys: "casing" before "tokens".
    classes = torch.tensor([[3, 1, 2, 1, 5], [1, 3, 0, 0, 0]])
    one_hot_of_class = torch.cat([torch.zeros(1, 7), torch.eye(7)])
    assert torch.equal(embedded[..., :7], one_hot_of_class[classes])
    assert embedded[1, 2:, :7].abs().sum() == 0
    word_vectors = text_field_embedder.token_embedder_tokens(batch["tokens"]["tokens"])
    assert torch.equal(embedded[..., 7:], word_vectors)
