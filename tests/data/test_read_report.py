import logging

import pytest

from jointre_plugins.data.read_report import ReadReport
from jointre_plugins.data.structures import Entity, Relation, Sentence, UnplacedRelation

LOGGER_NAME = "tests.data.test_read_report"


def test_summary_of_a_clean_read_names_only_the_sentences() -> None:
    report = ReadReport("data/train.json", sentences=3)
    assert report.summary() == "data/train.json: 3 sentences"
    assert not report.anything_lost


def test_summary_lists_everything_cut_unplaced_merged_removed_and_odd() -> None:
    report = ReadReport(
        "data/train.json",
        sentences=10,
        cut_sentences=2,
        cut_entities=3,
        cut_relations=1,
        unplaced_triples=4,
        duplicate_triples=5,
        removed_entities=6,
        removed_relations=7,
        self_relations=8,
        duplicate_entities=9,
    )
    assert report.summary() == (
        "data/train.json: 10 sentences; "
        "2 cut to the maximum length, losing 3 gold entities and 1 gold relations to the model "
        "(still scored as misses); "
        "4 gold triples whose head or tail is not in the text (kept, scored as misses); "
        "5 repeated gold triples merged; "
        "6 gold entities that overlap a longer one removed with the 7 gold relations involving them "
        "(neither trained on nor scored); "
        "8 gold relations whose head is their tail (kept); "
        "9 gold entities listed again with the same span and type (kept)"
    )


@pytest.mark.parametrize(
    "count", ["cut_sentences", "unplaced_triples", "duplicate_triples", "removed_entities"]
)
def test_any_single_loss_counts_as_something_lost(count: str) -> None:
    report = ReadReport("data/train.json", sentences=1, **{count: 1})
    assert report.anything_lost
    assert not report.anything_odd


@pytest.mark.parametrize("count", ["self_relations", "duplicate_entities"])
def test_gold_kept_as_it_is_is_odd_but_not_lost(count: str) -> None:
    report = ReadReport("data/train.json", sentences=1, **{count: 1})
    assert report.anything_odd
    assert not report.anything_lost


def test_count_finds_self_relations_and_entities_listed_again() -> None:
    report = ReadReport("data/train.json")
    report.count(
        Sentence(
            tokens=("Ann", "met", "Bo", "in", "Rome", "."),
            # Bo is listed three times as Peop (two repetitions); once more as Org, which is no repetition.
            entities=(
                Entity(0, 1, "Peop"),
                Entity(2, 3, "Peop"),
                Entity(2, 3, "Peop"),
                Entity(4, 5, "Loc"),
                Entity(2, 3, "Org"),
                Entity(2, 3, "Peop"),
            ),
            relations=(Relation(0, 1, "Kill"), Relation(1, 1, "Kill"), Relation(3, 3, "Located_In")),
            unplaced_relations=(
                UnplacedRelation("Oslo", "Oslo", "contains", "Entity", "Entity"),
                UnplacedRelation("Ann", "Oslo", "lives_in", "Entity", "Entity"),
            ),
        )
    )
    report.count(Sentence(("Ann", "runs"), (Entity(0, 1, "Peop"),), (Relation(0, 0, "Kill"),)))
    assert (report.sentences, report.self_relations, report.duplicate_entities) == (2, 4, 2)


def test_log_is_info_when_nothing_is_lost(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger=LOGGER_NAME)
    ReadReport("data/train.json", sentences=3).log(logging.getLogger(LOGGER_NAME))
    assert [(record.levelno, record.getMessage()) for record in caplog.records] == [
        (logging.INFO, "data/train.json: 3 sentences")
    ]


def test_log_is_a_warning_when_something_is_lost(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger=LOGGER_NAME)
    ReadReport("data/train.json", sentences=3, duplicate_triples=2).log(logging.getLogger(LOGGER_NAME))
    assert [(record.levelno, record.getMessage()) for record in caplog.records] == [
        (logging.WARNING, "data/train.json: 3 sentences; 2 repeated gold triples merged")
    ]


def test_log_is_a_warning_when_the_gold_is_odd(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger=LOGGER_NAME)
    ReadReport("data/train.json", sentences=3, self_relations=1).log(logging.getLogger(LOGGER_NAME))
    assert [(record.levelno, record.getMessage()) for record in caplog.records] == [
        (logging.WARNING, "data/train.json: 3 sentences; 1 gold relations whose head is their tail (kept)")
    ]
