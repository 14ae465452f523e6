import logging
from pathlib import Path
import re

import pytest
from allennlp.common import Params
from allennlp.data import DatasetReader

from jointre_plugins.data.dataset_readers import NytReader
from jointre_plugins.data.formats import CASREL_ENTITY_TYPE
from jointre_plugins.data.structures import CorpusFormatError, Entity, Relation, Sentence
from tests.data import DATA_FIXTURES
from tests.data.dataset_readers import read_gold

SAMPLE = DATA_FIXTURES / "casrel" / "nyt_sample.json"


def test_registered_as_nyt() -> None:
    assert DatasetReader.by_name("nyt") is NytReader


def test_reads_exact_tokens_spans_and_labels(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="jointre_plugins")
    assert read_gold(NytReader(), SAMPLE) == [
        Sentence(
            tokens=("The", "mayor", "of", "Springfield", ",", "Ohio", ",", "spoke", "on", "Tuesday", "."),
            entities=(Entity(5, 6, CASREL_ENTITY_TYPE), Entity(3, 4, CASREL_ENTITY_TYPE)),
            relations=(Relation(0, 1, "/location/location/contains"),),
            compare_text=True,
        ),
        # "Doe Media" is matched as a phrase at 12, although "Doe" alone first occurs at 1.
        Sentence(
            tokens=(
                "Jane", "Doe", ",", "who", "was", "born", "in", "New", "York", "City", ",", "founded", "Doe",
                "Media", ".",
            ),
            entities=(
                Entity(0, 2, CASREL_ENTITY_TYPE),
                Entity(7, 10, CASREL_ENTITY_TYPE),
                Entity(12, 14, CASREL_ENTITY_TYPE),
            ),
            relations=(
                Relation(0, 1, "/people/person/place_of_birth"),
                Relation(0, 2, "/business/person/company"),
            ),
            compare_text=True,
        ),
    ]
    assert [(record.levelno, record.getMessage()) for record in caplog.records] == [
        (logging.INFO, f"{SAMPLE}: 2 sentences")
    ]


def test_last_word_setting_from_a_config_rejects_full_entity_strings() -> None:
    reader = DatasetReader.from_params(Params({"type": "nyt", "last_word_entities": True}))
    with pytest.raises(
        CorpusFormatError,
        match=re.escape(
            f"{SAMPLE}, record 1: "
            "triple 0 subject 'Jane Doe' has several words in a last-word (*_star) file"
        ),
    ):
        list(reader.read(SAMPLE))


def test_missing_file_says_where_to_get_nyt(tmp_path: Path) -> None:
    path = tmp_path / "nyt" / "train.json"
    hint = r"NYT\* \(last words\) from the data folder of CasRel"
    with pytest.raises(FileNotFoundError, match=hint) as error:
        list(NytReader().read(path))
    assert f"The NYT file {path} does not exist." in str(error.value)
