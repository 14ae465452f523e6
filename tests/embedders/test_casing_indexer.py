import pytest
import torch
from allennlp.common import Params
from allennlp.data import Token, Vocabulary
from allennlp.data.fields import TextField
from allennlp.data.token_indexers import TokenIndexer

from jointre_plugins.embedders.casing_indexer import CASING_CLASSES, CasingIndexer, casing_class

# Each class's index and words of it, among them the words of the class definitions.
WORDS_OF_CLASS = [
    (1, ["the", "don't", "e.g.", "naïve", "x"]),
    (2, ["U.S.", "I", "A", "NATO", "AT&T"]),
    (3, ["Poe", "Boston", "Mr.", "Über"]),
    (4, ["McDonald", "iPhone", "O'Neil", "eBay", "McD."]),
    (5, ["2004", "0", "12345"]),
    (6, ["1.5", "A4", "1990s", "3-2", "$100", "9/11"]),
    (7, [",", "--", "%", ".", "''", "(", ""]),
]


def test_the_classes_in_their_order():
    assert CASING_CLASSES == (
        "all_lower",
        "all_upper",
        "initial_upper",
        "mixed",
        "numeric",
        "contains_digit",
        "other",
    )


@pytest.mark.parametrize("index, words", WORDS_OF_CLASS)
def test_words_of_every_class(index: int, words: list):
    assert [casing_class(word) for word in words] == [index] * len(words)


def test_the_indexer_needs_no_vocabulary():
    indexer = CasingIndexer()
    counter = {}
    indexer.count_vocab_items(Token("Boston"), counter)
    assert counter == {}
    tokens = [Token(word) for word in ["Poe", "visited", "U.S.", "in", "1849", ",", "iPhone", "A4"]]
    assert indexer.tokens_to_indices(tokens, Vocabulary()) == {"casing": [3, 1, 2, 1, 5, 7, 4, 6]}
    assert indexer.get_empty_token_list() == {"casing": []}


def test_a_text_field_is_indexed_and_padded_with_zeros():
    words = ["McDonald", "sold", "12", "Big", "Macs", "."]
    field = TextField([Token(word) for word in words], {"casing": CasingIndexer()})
    field.index(Vocabulary())
    assert field.get_padding_lengths() == {"casing___casing": 6}
    tensors = field.as_tensor({"casing___casing": 9})
    assert set(tensors) == {"casing"} and set(tensors["casing"]) == {"casing"}
    assert torch.equal(tensors["casing"]["casing"], torch.tensor([4, 1, 5, 3, 3, 7, 0, 0, 0]))


def test_a_batch_of_two_fields_is_padded_to_the_longer():
    fields = [
        TextField([Token(word) for word in words], {"casing": CasingIndexer()})
        for words in (["EU", "bans", "beef"], ["Paris"])
    ]
    for field in fields:
        field.index(Vocabulary())
    batch = fields[0].batch_tensors([field.as_tensor({"casing___casing": 3}) for field in fields])
    assert torch.equal(batch["casing"]["casing"], torch.tensor([[2, 1, 1], [3, 0, 0]]))


def test_built_from_params():
    indexer = TokenIndexer.from_params(Params({"type": "casing", "token_min_padding_length": 4}))
    assert isinstance(indexer, CasingIndexer)
    field = TextField([Token("Hi")], {"casing": indexer})
    field.index(Vocabulary())
    tensors = field.as_tensor(field.get_padding_lengths())
    assert torch.equal(tensors["casing"]["casing"], torch.tensor([3, 0, 0, 0]))
