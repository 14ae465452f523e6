import logging
import re
from pathlib import Path
from typing import Any, List

import pytest
from allennlp.data.fields import TextField
from allennlp.data.token_indexers import SingleIdTokenIndexer

from jointre_plugins.data.dataset_readers import Conll04Reader, JointExtractionReader
from jointre_plugins.data.dataset_readers.format_readers import (
    CasrelFormatReader,
    DygieFormatReader,
    SpertFormatReader,
)
from jointre_plugins.data.formats import CASREL_ENTITY_TYPE
from jointre_plugins.data.structures import Entity, Relation, Sentence
from tests.data import DATA_FIXTURES, SPERT_SAMPLE, write_corpus

SAMPLE = DATA_FIXTURES / "spert" / "sample.json"


def test_max_length_cuts_the_words_but_keeps_the_whole_gold() -> None:
    instances = list(SpertFormatReader(max_length=9).read(SAMPLE))
    words = [[token.text for token in instance["tokens"].tokens] for instance in instances]
    assert words == [
        ["Maria", "Lopez", ",", "a", "lawyer", "for", "Acme", "Corp.", ","],
        list(SPERT_SAMPLE[1].tokens),
        ["Police", "said", "Tom", "Baker", "shot", "Sam", "Reed", "on", "Friday"],
    ]
    assert [instance["metadata"]["tokens"] for instance in instances] == words
    # Boston and Live_In fall beyond the cut of the first sentence, yet stay in the gold.
    assert tuple(instance["metadata"]["gold"] for instance in instances) == SPERT_SAMPLE


def test_max_length_cuts_are_counted_and_logged_as_a_warning(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="jointre_plugins")
    list(SpertFormatReader(max_length=9).read(SAMPLE))
    # Sentence 0 (13 words) loses Boston and Live_In; sentence 2 (10 words) loses only its final
    # full stop; sentence 1 has exactly 9 words and is not cut.
    assert [(record.levelno, record.getMessage()) for record in caplog.records] == [
        (
            logging.WARNING,
            f"{SAMPLE}: 3 sentences; 2 cut to the maximum length, losing 1 gold entities and "
            "1 gold relations to the model (still scored as misses)",
        )
    ]


def test_without_max_length_nothing_is_cut(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="jointre_plugins")
    instances = list(SpertFormatReader().read(SAMPLE))
    assert [len(instance["tokens"].tokens) for instance in instances] == [13, 9, 10]
    assert [(record.levelno, record.getMessage()) for record in caplog.records] == [
        (logging.INFO, f"{SAMPLE}: 3 sentences")
    ]


SELF_RELATION = "1 gold relations whose head is their tail (kept)"
REPEATED_ENTITY = "1 gold entities listed again with the same span and type (kept)"


@pytest.mark.parametrize(
    "reader, layout, records, gold, odd",
    [
        (
            SpertFormatReader(),
            "spert",
            [
                {
                    "tokens": ["Ann", "met", "Bo", "."],
                    "entities": [
                        {"type": "Peop", "start": 0, "end": 1},
                        {"type": "Peop", "start": 2, "end": 3},
                        {"type": "Peop", "start": 0, "end": 1},
                    ],
                    "relations": [
                        {"type": "Kill", "head": 0, "tail": 0},
                        {"type": "Kill", "head": 0, "tail": 1},
                    ],
                },
                {"tokens": ["Bo"], "entities": [{"type": "Peop", "start": 0, "end": 1}], "relations": []},
            ],
            [
                Sentence(
                    ("Ann", "met", "Bo", "."),
                    (Entity(0, 1, "Peop"), Entity(2, 3, "Peop"), Entity(0, 1, "Peop")),
                    (Relation(0, 0, "Kill"), Relation(0, 1, "Kill")),
                ),
                Sentence(("Bo",), (Entity(0, 1, "Peop"),)),
            ],
            f"{SELF_RELATION}; {REPEATED_ENTITY}",
        ),
        (
            DygieFormatReader(),
            "dygie",
            [
                {
                    "sentences": [["Ann", "met", "Bo", "."], ["Bo", "left"]],
                    "ner": [[[0, 0, "PER"], [0, 0, "PER"], [2, 2, "PER"]], [[4, 4, "PER"]]],
                    "relations": [[[0, 0, 0, 0, "PER-SOC"]], []],
                }
            ],
            [
                Sentence(
                    ("Ann", "met", "Bo", "."),
                    (Entity(0, 1, "PER"), Entity(0, 1, "PER"), Entity(2, 3, "PER")),
                    (Relation(0, 0, "PER-SOC"),),
                ),
                Sentence(("Bo", "left"), (Entity(0, 1, "PER"),)),
            ],
            f"{SELF_RELATION}; {REPEATED_ENTITY}",
        ),
        (
            # In a last-word file "Bo Smith" and "Al Smith" are both "Smith": a self-relation.
            CasrelFormatReader(last_word_entities=True),
            "casrel",
            [
                {"text": "Bo Smith met Al Smith .", "triple_list": [["Smith", "knows", "Smith"]]},
                {"text": "Ann met Bo .", "triple_list": [["Ann", "knows", "Bo"]]},
            ],
            [
                Sentence(
                    ("Bo", "Smith", "met", "Al", "Smith", "."),
                    (Entity(1, 2, CASREL_ENTITY_TYPE),),
                    (Relation(0, 0, "knows"),),
                    compare_text=True,
                ),
                Sentence(
                    ("Ann", "met", "Bo", "."),
                    (Entity(0, 1, CASREL_ENTITY_TYPE), Entity(2, 3, CASREL_ENTITY_TYPE)),
                    (Relation(0, 1, "knows"),),
                    compare_text=True,
                ),
            ],
            SELF_RELATION,
        ),
    ],
)
def test_self_relations_and_entities_listed_twice_are_kept_counted_and_logged(
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    reader: JointExtractionReader,
    layout: str,
    records: List[Any],
    gold: List[Sentence],
    odd: str,
) -> None:
    path = write_corpus(tmp_path / f"{layout}.json", layout, records)
    caplog.set_level(logging.INFO, logger="jointre_plugins")
    assert [instance["metadata"]["gold"] for instance in reader.read(path)] == gold
    assert [(record.levelno, record.getMessage()) for record in caplog.records] == [
        (logging.WARNING, f"{path}: 2 sentences; {odd}")
    ]


@pytest.mark.parametrize("max_length", [0, -3])
def test_max_length_must_be_positive(max_length: int) -> None:
    with pytest.raises(ValueError, match=f"max_length must be a positive number of words, not {max_length}"):
        SpertFormatReader(max_length=max_length)


def test_missing_file_names_the_file_and_how_to_obtain_it(tmp_path: Path) -> None:
    path = tmp_path / "conll04" / "train.json"
    with pytest.raises(FileNotFoundError) as error:
        list(Conll04Reader().read(path))
    assert str(error.value) == (
        f"The CoNLL04 file {path} does not exist. Download CoNLL04 with scripts/fetch_datasets.sh of "
        "SpERT (https://github.com/lavis-nlp/spert). Corpus paths in training_configs/ are read from "
        "the JOINTRE_DATA directory (default: data/ in the repository)."
    )


def test_missing_file_of_a_reader_without_a_source_still_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "train.json"
    message = f"The corpus file {path} does not exist. Corpus paths"
    with pytest.raises(FileNotFoundError, match=re.escape(message)):
        list(SpertFormatReader().read(path))


def test_parse_is_left_to_subclasses() -> None:
    with pytest.raises(NotImplementedError):
        list(JointExtractionReader().read(SAMPLE))


def test_text_to_instance_without_gold_for_prediction() -> None:
    instance = SpertFormatReader(max_length=2).text_to_instance(["Ann", "met", "Bo"])
    assert [token.text for token in instance["tokens"].tokens] == ["Ann", "met"]
    assert instance["metadata"]["tokens"] == ["Ann", "met"]
    assert instance["metadata"]["gold"] is None


def test_text_to_instance_needs_a_word() -> None:
    with pytest.raises(ValueError, match="a sentence needs at least one token"):
        SpertFormatReader().text_to_instance([], Sentence(("Ann",)))


def test_read_applies_the_configured_token_indexers() -> None:
    indexers = {"words": SingleIdTokenIndexer(namespace="words", lowercase_tokens=True)}
    instance = next(iter(SpertFormatReader(token_indexers=indexers).read(SAMPLE)))
    assert isinstance(instance["tokens"], TextField)
    assert instance["tokens"].token_indexers is indexers


def test_default_token_indexer_is_single_id() -> None:
    instance = next(iter(SpertFormatReader().read(SAMPLE)))
    indexers = instance["tokens"].token_indexers
    assert list(indexers) == ["tokens"]
    assert isinstance(indexers["tokens"], SingleIdTokenIndexer)


def test_paths_joined_by_commas_are_read_one_after_the_other_each_with_its_report(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="jointre_plugins")
    ade = DATA_FIXTURES / "spert" / "ade_sample.json"
    gold = [instance["metadata"]["gold"] for instance in SpertFormatReader().read(f"{SAMPLE},{ade}")]
    assert gold == [instance["metadata"]["gold"] for instance in SpertFormatReader().read(SAMPLE)] + [
        instance["metadata"]["gold"] for instance in SpertFormatReader().read(ade)
    ]
    assert len(gold) == 5
    reports = [record.getMessage() for record in caplog.records if "sentences" in record.getMessage()]
    assert any(message.startswith(f"{SAMPLE}: 3 sentences") for message in reports)
    assert any(message.startswith(f"{ade}: 2 sentences") for message in reports)


def test_a_missing_file_among_joined_paths_is_named(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match=f"file {tmp_path / 'dev.json'} does not exist"):
        list(Conll04Reader().read(f"{SAMPLE},{tmp_path / 'dev.json'}"))
