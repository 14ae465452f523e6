import logging

import pytest

from jointre_plugins.data.read_report import ReadReport

LOGGER_NAME = "tests.data.test_read_report"


def test_summary_of_a_clean_read_names_only_the_sentences() -> None:
    report = ReadReport("data/train.json", sentences=3)
    assert report.summary() == "data/train.json: 3 sentences"
    assert not report.anything_lost


def test_summary_lists_everything_cut_unplaced_and_merged() -> None:
    report = ReadReport(
        "data/train.json",
        sentences=10,
        cut_sentences=2,
        cut_entities=3,
        cut_relations=1,
        unplaced_triples=4,
        duplicate_triples=5,
    )
    assert report.summary() == (
        "data/train.json: 10 sentences; "
        "2 cut to the maximum length, losing 3 gold entities and 1 gold relations to the model "
        "(still scored as misses); "
        "4 gold triples whose head or tail is not in the text (kept, scored as misses); "
        "5 repeated gold triples merged"
    )


@pytest.mark.parametrize("count", ["cut_sentences", "unplaced_triples", "duplicate_triples"])
def test_any_single_loss_counts_as_something_lost(count: str) -> None:
    report = ReadReport("data/train.json", sentences=1, **{count: 1})
    assert report.anything_lost


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
