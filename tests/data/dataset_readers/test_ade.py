import logging
from typing import List, Tuple

import pytest
from allennlp.common import Params
from allennlp.data import DatasetReader

from jointre_plugins.data.dataset_readers import AdeReader
from jointre_plugins.data.structures import Entity, Relation, Sentence
from tests.data import DATA_FIXTURES
from tests.data.dataset_readers import read_gold

OVERLAPPING = DATA_FIXTURES / "spert" / "ade_overlapping.json"

AE, DRUG = "Adverse-Effect", "Drug"

CHRONIC_LEAD = ("Chronic", "lead", "toxicity", "caused", "anemia", ".")
LITHIUM = ("Lithium", "toxicity", "and", "nausea", "developed", "on", "haloperidol", ".")
SEVERE_RASH = Sentence(
    tokens=("Severe", "rash", "followed", "carbamazepine", "."),
    entities=(Entity(0, 2, AE), Entity(3, 4, DRUG)),
    relations=(Relation(0, 1, AE),),
)


def _messages(caplog: pytest.LogCaptureFixture) -> List[Tuple[int, str]]:
    return [(record.levelno, record.getMessage()) for record in caplog.records]


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


def test_overlapping_entities_are_kept_by_default(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="jointre_plugins")
    assert read_gold(AdeReader(), OVERLAPPING) == [
        Sentence(
            tokens=CHRONIC_LEAD,
            entities=(Entity(1, 3, AE), Entity(1, 2, DRUG), Entity(4, 5, AE)),
            relations=(Relation(0, 1, AE), Relation(2, 1, AE)),
        ),
        Sentence(
            tokens=LITHIUM,
            entities=(Entity(0, 2, AE), Entity(0, 1, DRUG), Entity(3, 4, AE), Entity(6, 7, DRUG)),
            relations=(Relation(0, 1, AE), Relation(2, 1, AE), Relation(2, 3, AE)),
        ),
        SEVERE_RASH,
    ]
    assert _messages(caplog) == [(logging.INFO, f"{OVERLAPPING}: 3 sentences")]


def test_remove_overlapping_entities_keeps_the_longer_and_drops_relations_of_the_removed(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="jointre_plugins")
    reader = DatasetReader.from_params(Params({"type": "ade", "remove_overlapping_entities": True}))
    assert read_gold(reader, OVERLAPPING) == [
        # "lead" inside "lead toxicity" goes, and with it both relations to it.
        Sentence(tokens=CHRONIC_LEAD, entities=(Entity(1, 3, AE), Entity(4, 5, AE))),
        # "Lithium" goes with its two relations; nausea -> haloperidol stays, renumbered.
        Sentence(
            tokens=LITHIUM,
            entities=(Entity(0, 2, AE), Entity(3, 4, AE), Entity(6, 7, DRUG)),
            relations=(Relation(1, 2, AE),),
        ),
        SEVERE_RASH,
    ]
    assert _messages(caplog) == [
        (
            logging.WARNING,
            f"{OVERLAPPING}: 3 sentences; 2 gold entities that overlap a longer one removed with the "
            "4 gold relations involving them (neither trained on nor scored)",
        )
    ]
