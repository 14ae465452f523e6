from allennlp.data import DatasetReader

from jointre_plugins.data.dataset_readers import AdeReader
from jointre_plugins.data.structures import Entity, Relation, Sentence
from tests.data import DATA_FIXTURES
from tests.data.dataset_readers import read_gold


def test_registered_as_ade() -> None:
    assert DatasetReader.by_name("ade") is AdeReader


def test_reads_exact_tokens_spans_and_labels() -> None:
    assert read_gold(AdeReader(), DATA_FIXTURES / "spert" / "ade_sample.json") == [
        Sentence(
            tokens=(
                "Severe", "skin", "rash", "developed", "after", "treatment", "with", "carbamazepine", ".",
            ),
            entities=(Entity(1, 3, "Adverse-Effect"), Entity(7, 8, "Drug")),
            relations=(Relation(0, 1, "Adverse-Effect"),),
        ),
        Sentence(
            tokens=(
                "Acute", "renal", "failure", "and", "nausea", "followed", "a", "high", "dose", "of",
                "lithium", ".",
            ),
            entities=(Entity(0, 3, "Adverse-Effect"), Entity(4, 5, "Adverse-Effect"), Entity(10, 11, "Drug")),
            relations=(Relation(0, 2, "Adverse-Effect"), Relation(1, 2, "Adverse-Effect")),
        ),
    ]
