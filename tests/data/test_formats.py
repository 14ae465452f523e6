import re
from pathlib import Path

import pytest

from jointre_plugins.data.formats import (
    CASREL_ENTITY_TYPE,
    detect_format,
    parse_casrel,
    parse_dygie,
    parse_spert,
)
from jointre_plugins.data.read_report import ReadReport
from jointre_plugins.data.structures import CorpusFormatError, Entity, Relation
from tests.data import (
    ACE05_SAMPLE,
    DATA_FIXTURES,
    SCIERC_SAMPLE,
    SPERT_SAMPLE,
    WEBNLG_SAMPLE,
    WEBNLG_STAR_SAMPLE,
)


def test_parse_spert_reads_exact_spans_and_labels() -> None:
    assert tuple(parse_spert(str(DATA_FIXTURES / "spert" / "sample.json"))) == SPERT_SAMPLE


def test_parse_dygie_converts_document_inclusive_offsets_to_sentence_exclusive_ones() -> None:
    sentences = tuple(parse_dygie(str(DATA_FIXTURES / "dygie" / "ace05_sample.json")))
    assert sentences == ACE05_SAMPLE
    # The second document's second sentence starts at document token 5; its weapon is [7, 8].
    assert sentences[4].entities[1] == Entity(2, 4, "WEA")
    assert sentences[4].tokens[2:4] == ("M16", "rifles")


def test_parse_dygie_reads_scierc_documents() -> None:
    assert tuple(parse_dygie(str(DATA_FIXTURES / "dygie" / "scierc_sample.json"))) == SCIERC_SAMPLE


def test_parse_dygie_counts_blank_lines_in_line_numbers(tmp_path: Path) -> None:
    path = tmp_path / "blank.json"
    path.write_text(
        '{"sentences": [["Bo", "runs"]], "ner": [[]], "relations": [[]]}\n'
        "\n"
        '{"sentences": [["Bo", "runs"]], "ner": [[[0, 2, "PER"]]], "relations": [[]]}\n',
        encoding="utf-8",
    )
    with pytest.raises(CorpusFormatError, match=re.escape(f"{path}, line 3, sentence 0: ner item 0 [0, 2]")):
        list(parse_dygie(str(path)))


def test_parse_dygie_rejects_documents_whose_lists_disagree_in_length(tmp_path: Path) -> None:
    path = tmp_path / "lengths.json"
    path.write_text(
        '{"doc_key": "d1", "sentences": [["Bo", "runs"], ["Ann", "walks"]], '
        '"ner": [[]], "relations": [[], []]}\n',
        encoding="utf-8",
    )
    with pytest.raises(
        CorpusFormatError,
        match=re.escape(f"{path}, line 1 (doc_key d1): 2 sentences but 1 ner lists and 2 relation lists"),
    ):
        list(parse_dygie(str(path)))


def test_parse_dygie_rejects_a_relation_that_is_not_five_items(tmp_path: Path) -> None:
    path = tmp_path / "relation.json"
    path.write_text(
        '{"sentences": [["Bo", "met", "Ann"]], "ner": [[[0, 0, "PER"], [2, 2, "PER"]]], '
        '"relations": [[[0, 0, 2, 2]]]}\n',
        encoding="utf-8",
    )
    with pytest.raises(CorpusFormatError, match=re.escape("relation 0 is not [s1, e1, s2, e2, label]")):
        list(parse_dygie(str(path)))


def test_parse_spert_rejects_a_top_level_object(tmp_path: Path) -> None:
    path = tmp_path / "object.json"
    path.write_text('{"tokens": ["Bo"], "entities": [], "relations": []}', encoding="utf-8")
    problem = f"{path}, top level: expected a JSON list, found dict"
    with pytest.raises(CorpusFormatError, match=re.escape(problem)):
        list(parse_spert(str(path)))


@pytest.mark.parametrize("start, shown", [('"0"', "'0'"), ("true", "True"), ("0.0", "0.0")])
def test_parse_spert_rejects_offsets_that_are_not_integers(tmp_path: Path, start: str, shown: str) -> None:
    path = tmp_path / "offsets.json"
    path.write_text(
        f'[{{"tokens": ["Bo", "runs"], "entities": [{{"type": "Peop", "start": {start}, "end": 1}}], '
        '"relations": []}]',
        encoding="utf-8",
    )
    problem = f"record 0: entity 0 start is {shown}, not an integer"
    with pytest.raises(CorpusFormatError, match=re.escape(problem)):
        list(parse_spert(str(path)))


def test_parse_spert_names_the_entity_that_lacks_a_key(tmp_path: Path) -> None:
    path = tmp_path / "entity.json"
    path.write_text(
        '[{"tokens": ["Bo", "runs"], "entities": [{"type": "Peop", "start": 0}], "relations": []}]',
        encoding="utf-8",
    )
    with pytest.raises(CorpusFormatError, match=re.escape("record 0, entity 0: missing key(s) end")):
        list(parse_spert(str(path)))


def test_parse_casrel_places_entities_and_counts_unplaced_and_repeated_triples() -> None:
    path = str(DATA_FIXTURES / "casrel" / "webnlg_sample.json")
    report = ReadReport(path)
    assert tuple(parse_casrel(path, report)) == WEBNLG_SAMPLE
    assert report.unplaced_triples == 1
    assert report.duplicate_triples == 1


def test_parse_casrel_places_a_repeated_string_at_its_first_occurrence() -> None:
    path = str(DATA_FIXTURES / "casrel" / "webnlg_sample.json")
    aarhus = list(parse_casrel(path, ReadReport(path)))[1]
    assert aarhus.tokens.count("Aarhus") == 3
    assert aarhus.relations[1] == Relation(1, 2, "country")
    assert aarhus.entities[aarhus.relations[1].head] == Entity(0, 1, CASREL_ENTITY_TYPE)


def test_parse_casrel_reads_last_word_entities() -> None:
    path = str(DATA_FIXTURES / "casrel" / "webnlg_star_sample.json")
    report = ReadReport(path)
    assert tuple(parse_casrel(path, report, last_word_entities=True)) == WEBNLG_STAR_SAMPLE
    assert (report.unplaced_triples, report.duplicate_triples) == (0, 0)


def test_parse_casrel_rejects_an_empty_entity_string(tmp_path: Path) -> None:
    path = tmp_path / "empty_entity.json"
    path.write_text(
        '[{"text": "Bo lives in Oslo .", "triple_list": [["Bo", "residence", " "]]}]', encoding="utf-8"
    )
    with pytest.raises(CorpusFormatError, match=re.escape("record 0: triple 0 has an empty object")):
        list(parse_casrel(str(path), ReadReport(str(path))))


def test_parse_casrel_keeps_a_triple_with_a_missing_object_but_places_its_subject(tmp_path: Path) -> None:
    path = tmp_path / "missing_object.json"
    path.write_text(
        '[{"text": "Bo lives in Oslo .", "triple_list": [["Bo", "residence", "Rome"]]}]', encoding="utf-8"
    )
    report = ReadReport(str(path))
    (sentence,) = parse_casrel(str(path), report)
    assert sentence.entities == (Entity(0, 1, CASREL_ENTITY_TYPE),)
    assert sentence.relations == ()
    assert [(triple.head, triple.type, triple.tail) for triple in sentence.unplaced_relations] == [
        ("Bo", "residence", "Rome")
    ]
    assert report.unplaced_triples == 1


@pytest.mark.parametrize(
    "relative_path, layout",
    [
        ("spert/sample.json", "spert"),
        ("scierc/train.json", "spert"),
        ("dygie/ace05_sample.json", "dygie"),
        ("scierc_dygie/train.json", "dygie"),
        ("casrel/webnlg_sample.json", "casrel"),
        ("casrel/webnlg_star_sample.json", "casrel"),
    ],
)
def test_detect_format(relative_path: str, layout: str) -> None:
    assert detect_format(str(DATA_FIXTURES / relative_path)) == layout


def test_detect_format_rejects_plain_text() -> None:
    path = DATA_FIXTURES / "bad" / "unknown_format.txt"
    with pytest.raises(CorpusFormatError, match=re.escape(f"{path}, start of file: unknown format")):
        detect_format(str(path))


def test_sentence_errors_become_corpus_format_errors() -> None:
    path = DATA_FIXTURES / "bad" / "spert_empty_tokens.json"
    with pytest.raises(CorpusFormatError) as error:
        list(parse_spert(str(path)))
    assert (error.value.path, error.value.record, error.value.problem) == (
        str(path),
        "record 1",
        "the sentence has no tokens",
    )
    assert isinstance(error.value.__context__, ValueError)
