import re

import pytest
from allennlp.data import DatasetReader

from jointre_plugins.data.dataset_readers import SciErcReader
from jointre_plugins.data.structures import CorpusFormatError, Entity, Relation, Sentence
from tests.data import DATA_FIXTURES, SCIERC_SAMPLE
from tests.data.dataset_readers import read_gold

SCIERC_ENTITY_TYPES = {"Task", "Method", "Metric", "Material", "OtherScientificTerm", "Generic"}
SCIERC_RELATION_TYPES = {
    "USED-FOR", "FEATURE-OF", "HYPONYM-OF", "PART-OF", "COMPARE", "CONJUNCTION", "EVALUATE-FOR",
}


def test_registered_as_scierc() -> None:
    assert DatasetReader.by_name("scierc") is SciErcReader


def test_reads_the_document_level_dygie_layout() -> None:
    assert tuple(read_gold(SciErcReader(), DATA_FIXTURES / "dygie" / "scierc_sample.json")) == SCIERC_SAMPLE


def test_reads_the_sentence_level_spert_layout() -> None:
    assert read_gold(SciErcReader(), DATA_FIXTURES / "scierc" / "dev.json") == [
        Sentence(
            tokens=("Beam", "search", "and", "greedy", "decoding", "are", "search", "strategies", "."),
            entities=(Entity(0, 2, "Method"), Entity(3, 5, "Method"), Entity(6, 8, "Generic")),
            relations=(Relation(0, 1, "CONJUNCTION"), Relation(0, 2, "HYPONYM-OF")),
        ),
        Sentence(
            tokens=("BLEU", "measures", "translation", "quality", "."),
            entities=(Entity(0, 1, "Metric"), Entity(2, 4, "OtherScientificTerm")),
            relations=(Relation(0, 1, "EVALUATE-FOR"),),
        ),
    ]


def test_both_layouts_of_the_same_abstracts_read_the_same() -> None:
    # scierc/train.json holds the sentences of the abstracts of scierc_dygie/train.json.
    sentence_level = read_gold(SciErcReader(), DATA_FIXTURES / "scierc" / "train.json")
    document_level = read_gold(SciErcReader(), DATA_FIXTURES / "scierc_dygie" / "train.json")
    assert len(sentence_level) == 6
    assert sentence_level == document_level


@pytest.mark.parametrize(
    "relative_path, sentences",
    [
        ("scierc/train.json", 6),
        ("scierc/dev.json", 2),
        ("scierc_dygie/train.json", 6),
        ("scierc_dygie/dev.json", 2),
        ("scierc_dygie/test.json", 2),
    ],
)
def test_reads_every_split_of_the_corpus_root(relative_path: str, sentences: int) -> None:
    assert len(read_gold(SciErcReader(), DATA_FIXTURES / relative_path)) == sentences


@pytest.mark.parametrize("relative_path", ["scierc/train.json", "scierc_dygie/train.json"])
def test_train_split_covers_every_scierc_label(relative_path: str) -> None:
    # The config smoke test builds its label vocabulary from these files.
    gold = read_gold(SciErcReader(), DATA_FIXTURES / relative_path)
    assert {entity.type for sentence in gold for entity in sentence.entities} == SCIERC_ENTITY_TYPES
    assert {relation.type for sentence in gold for relation in sentence.relations} == SCIERC_RELATION_TYPES


def test_rejects_a_file_of_unknown_format() -> None:
    path = DATA_FIXTURES / "bad" / "unknown_format.txt"
    with pytest.raises(
        CorpusFormatError,
        match=re.escape(
            f"{path}, start of file: "
            "unknown format: expected a JSON list (SpERT, CasRel) or JSON lines (DyGIE)"
        ),
    ):
        list(SciErcReader().read(path))


def test_rejects_a_casrel_file() -> None:
    path = DATA_FIXTURES / "casrel" / "webnlg_sample.json"
    with pytest.raises(
        CorpusFormatError,
        match=re.escape(
            f"{path}, start of file: this is a casrel file, not one of SciERC's layouts (SpERT or DyGIE)"
        ),
    ):
        list(SciErcReader().read(path))
