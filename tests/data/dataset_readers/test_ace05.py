from pathlib import Path

import pytest
from allennlp.data import DatasetReader

from jointre_plugins.data.dataset_readers import Ace05Reader
from tests.data import ACE05_SAMPLE, DATA_FIXTURES
from tests.data.dataset_readers import read_gold

ACE05_ENTITY_TYPES = {"PER", "ORG", "GPE", "LOC", "FAC", "VEH", "WEA"}
ACE05_RELATION_TYPES = {"PHYS", "PART-WHOLE", "ORG-AFF", "PER-SOC", "ART", "GEN-AFF"}


def test_registered_as_ace05() -> None:
    assert DatasetReader.by_name("ace05") is Ace05Reader


def test_reads_exact_tokens_spans_and_labels() -> None:
    gold = read_gold(Ace05Reader(), DATA_FIXTURES / "dygie" / "ace05_sample.json")
    assert tuple(gold) == ACE05_SAMPLE
    # A sentence with no entities is still an instance: models must predict nothing there.
    assert (gold[1].entities, gold[1].relations) == ((), ())


@pytest.mark.parametrize("split, sentences", [("train", 7), ("dev", 2), ("test", 4)])
def test_reads_every_split_of_the_corpus_root(split: str, sentences: int) -> None:
    assert len(read_gold(Ace05Reader(), DATA_FIXTURES / "ace05" / f"{split}.json")) == sentences


def test_train_split_of_the_corpus_root_covers_every_ace05_label() -> None:
    # The config smoke test builds its label vocabulary from these files.
    gold = read_gold(Ace05Reader(), DATA_FIXTURES / "ace05" / "train.json")
    assert {entity.type for sentence in gold for entity in sentence.entities} == ACE05_ENTITY_TYPES
    assert {relation.type for sentence in gold for relation in sentence.relations} == ACE05_RELATION_TYPES


def test_missing_file_says_how_to_produce_ace05(tmp_path: Path) -> None:
    path = tmp_path / "ace05" / "train.json"
    with pytest.raises(FileNotFoundError, match=r"LDC2006T06.*scripts/data/ace05") as error:
        list(Ace05Reader().read(path))
    assert f"The ACE05 file {path} does not exist." in str(error.value)
