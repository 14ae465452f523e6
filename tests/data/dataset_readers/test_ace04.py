from pathlib import Path

import pytest
from allennlp.data import DatasetReader

from jointre_plugins.data.dataset_readers import Ace04Reader
from jointre_plugins.data.structures import Entity, Relation, Sentence
from tests.data import DATA_FIXTURES
from tests.data.dataset_readers import read_gold

FOLD1 = DATA_FIXTURES / "ace04" / "fold1"


def test_registered_as_ace04() -> None:
    assert DatasetReader.by_name("ace04") is Ace04Reader


def test_reads_exact_tokens_spans_and_labels_of_a_fold() -> None:
    assert read_gold(Ace04Reader(), FOLD1 / "dev.json") == [
        Sentence(
            tokens=(
                "A", "spokesman", "for", "Boeing", "said", "the", "plant", "in", "Seattle", "will", "close", ".",
            ),
            entities=(Entity(1, 2, "PER"), Entity(3, 4, "ORG"), Entity(6, 7, "FAC"), Entity(8, 9, "GPE")),
            relations=(Relation(0, 1, "EMP-ORG"), Relation(2, 3, "PHYS")),
        ),
        # Document offset 12 is this sentence's first token.
        Sentence(tokens=("Workers", "were", "told", "."), entities=(Entity(0, 1, "PER"),)),
    ]


@pytest.mark.parametrize("split, sentences", [("train", 7), ("dev", 2), ("test", 4)])
def test_reads_every_split_of_fold1(split: str, sentences: int) -> None:
    assert len(read_gold(Ace04Reader(), FOLD1 / f"{split}.json")) == sentences


def test_train_split_of_fold1_uses_ace04_relation_types() -> None:
    gold = read_gold(Ace04Reader(), FOLD1 / "train.json")
    assert {entity.type for sentence in gold for entity in sentence.entities} == {
        "PER", "ORG", "GPE", "LOC", "FAC", "VEH", "WEA",
    }
    assert {relation.type for sentence in gold for relation in sentence.relations} == {
        "PHYS", "ART", "EMP-ORG", "PER-SOC", "GPE-AFF",
    }


def test_missing_fold_says_how_to_produce_ace04(tmp_path: Path) -> None:
    path = tmp_path / "ace04" / "fold6" / "train.json"
    hint = r"LDC2005T09.*fold1 \.\.\. fold5.*scripts/data/ace04"
    with pytest.raises(FileNotFoundError, match=hint) as error:
        list(Ace04Reader().read(path))
    assert str(path) in str(error.value)
