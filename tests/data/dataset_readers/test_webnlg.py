import logging

import pytest
from allennlp.common import Params
from allennlp.data import DatasetReader

from jointre_plugins.data.dataset_readers import WebNlgReader
from tests.data import DATA_FIXTURES, WEBNLG_SAMPLE, WEBNLG_STAR_SAMPLE
from tests.data.dataset_readers import read_gold


def test_registered_as_webnlg() -> None:
    assert DatasetReader.by_name("webnlg") is WebNlgReader


def test_reads_exact_entity_strings_and_reports_unplaced_and_repeated_triples(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="jointre_plugins")
    path = DATA_FIXTURES / "casrel" / "webnlg_sample.json"
    gold = read_gold(WebNlgReader(), path)
    assert tuple(gold) == WEBNLG_SAMPLE
    assert [len(sentence.unplaced_relations) for sentence in gold] == [0, 0, 1]
    assert [(record.levelno, record.getMessage()) for record in caplog.records] == [
        (
            logging.WARNING,
            f"{path}: 3 sentences; "
            "1 gold triples whose head or tail is not in the text (kept, scored as misses); "
            "1 repeated gold triples merged",
        )
    ]


def test_reads_last_word_entities() -> None:
    reader = DatasetReader.from_params(Params({"type": "webnlg", "last_word_entities": True}))
    gold = read_gold(reader, DATA_FIXTURES / "casrel" / "webnlg_star_sample.json")
    assert tuple(gold) == WEBNLG_STAR_SAMPLE

