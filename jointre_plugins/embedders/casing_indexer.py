"""
A vocabulary-free `TokenIndexer` of each word's casing class, the casing input of Crone (2020).
"""
from typing import Dict, List

from allennlp.data.token_indexers.token_indexer import IndexedTokenList, TokenIndexer
from allennlp.data.tokenizers import Token
from allennlp.data.vocabulary import Vocabulary

CASING_CLASSES = (
    "all_lower",
    "all_upper",
    "initial_upper",
    "mixed",
    "numeric",
    "contains_digit",
    "other",
)


def casing_class(word: str) -> int:
    """
    The casing class of `word`, as its 1-based position in `CASING_CLASSES` (0 is left to padding).
    The checks are made in the order numeric, contains digit, all lower, all upper, initial upper,
    mixed, other; see `CasingIndexer` for their definitions.
    """
    if word.isdigit():
        name = "numeric"
    elif any(character.isdigit() for character in word):
        name = "contains_digit"
    elif word.islower():
        name = "all_lower"
    elif word.isupper():
        name = "all_upper"
    elif word[:1].isupper() and word[1:].islower():
        name = "initial_upper"
    elif any(character.isupper() for character in word) and any(character.islower() for character in word):
        name = "mixed"
    else:
        name = "other"
    return CASING_CLASSES.index(name) + 1


@TokenIndexer.register("casing")
class CasingIndexer(TokenIndexer):
    """
    Represents each token by the index of its casing class, the input of the one-hot encoded casing
    vector of "Deeper task-specificity" (Crone, 2020). The classes are fixed, so no vocabulary is
    counted or read. Index 0 is padding and the classes of `CASING_CLASSES` are 1 to 7, checked in
    this order, the first that holds being taken:

    - numeric (5): every character is a digit (`str.isdigit`), e.g. "2004";
    - contains digit (6): some character is a digit, e.g. "1.5", "A4", "1990s";
    - all lower (1): `str.islower()`, at least one cased letter and none uppercase, e.g. "don't", "e.g.";
    - all upper (2): `str.isupper()`, e.g. "U.S.", "I", "A";
    - initial upper (3): the first character is uppercase and the rest `islower()`, e.g. "Poe", "Boston";
    - mixed (4): both uppercase and lowercase letters otherwise, e.g. "McDonald", "iPhone";
    - other (7): anything else, such as punctuation and symbols, e.g. ",", "--", "%".

    The indices are under the key `"casing"`, padded with 0.

    Registered as a `TokenIndexer` with name "casing".

    # Parameters

    token_min_padding_length : `int`, optional (default = `0`)
        See `TokenIndexer`.
    """

    def __init__(self, token_min_padding_length: int = 0) -> None:
        super().__init__(token_min_padding_length)

    def count_vocab_items(self, token: Token, counter: Dict[str, Dict[str, int]]) -> None:
        pass

    def tokens_to_indices(self, tokens: List[Token], vocabulary: Vocabulary) -> Dict[str, List[int]]:
        return {"casing": [casing_class(token.ensure_text()) for token in tokens]}

    def get_empty_token_list(self) -> IndexedTokenList:
        return {"casing": []}
