import re
from pathlib import Path
from typing import Any, Dict

import pytest

from jointre_plugins.data.formats import (
    CASREL_ENTITY_TYPE,
    detect_format,
    parse_casrel,
    parse_dygie,
    parse_spert,
    parse_spert_record,
)
from jointre_plugins.data.read_report import ReadReport
from jointre_plugins.data.structures import CorpusFormatError, Entity, Relation, Sentence
from tests.data import (
    ACE05_SAMPLE,
    DATA_FIXTURES,
    SCIERC_SAMPLE,
    SPERT_SAMPLE,
    WEBNLG_SAMPLE,
    WEBNLG_STAR_SAMPLE,
    JsonPath,
    parse_corpus,
    replaced,
    write_corpus,
)

# One valid record per layout. The tests below write it first and a spoilt copy second, so the
# record named in an error proves it is the spoilt one.
RECORDS: Dict[str, Any] = {
    "spert": {
        "tokens": ["Ann", "met", "Bo", "."],
        "entities": [{"type": "Peop", "start": 0, "end": 1}, {"type": "Peop", "start": 2, "end": 3}],
        "relations": [{"type": "Kill", "head": 0, "tail": 1}],
    },
    "dygie": {
        "doc_key": "d1",
        "sentences": [["Ann", "met", "Bo", "."]],
        "ner": [[[0, 0, "PER"], [2, 2, "PER"]]],
        "relations": [[[0, 0, 2, 2, "PER-SOC"]]],
    },
    "casrel": {"text": "Ann met Bo .", "triple_list": [["Ann", "met", "Bo"]]},
}
SECOND = {"spert": "record 1", "dygie": "line 2 (doc_key d1)", "casrel": "record 1"}
SECOND_SENTENCE = "line 2 (doc_key d1), sentence 0"
ANN_MET_BO = ("Ann", "met", "Bo", ".")


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
    problem = "relation 0 is [0, 0, 2, 2], not [s1, e1, s2, e2, label]"
    with pytest.raises(CorpusFormatError, match=re.escape(problem)):
        list(parse_dygie(str(path)))


def test_parse_spert_rejects_a_top_level_object(tmp_path: Path) -> None:
    path = tmp_path / "object.json"
    path.write_text('{"tokens": ["Bo"], "entities": [], "relations": []}', encoding="utf-8")
    problem = f"{path}, top level: expected a JSON list, found dict"
    with pytest.raises(CorpusFormatError, match=re.escape(problem)):
        list(parse_spert(str(path)))


@pytest.mark.parametrize("start, shown", [('"0"', '"0"'), ("true", "true"), ("0.0", "0.0")])
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
    with pytest.raises(CorpusFormatError, match=re.escape("record 0: entity 0 is missing key(s) end")):
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


@pytest.mark.parametrize(
    "layout, sentence",
    [
        (
            "spert",
            Sentence(ANN_MET_BO, (Entity(0, 1, "Peop"), Entity(2, 3, "Peop")), (Relation(0, 1, "Kill"),)),
        ),
        (
            "dygie",
            Sentence(ANN_MET_BO, (Entity(0, 1, "PER"), Entity(2, 3, "PER")), (Relation(0, 1, "PER-SOC"),)),
        ),
        (
            "casrel",
            Sentence(
                ANN_MET_BO,
                (Entity(0, 1, CASREL_ENTITY_TYPE), Entity(2, 3, CASREL_ENTITY_TYPE)),
                (Relation(0, 1, "met"),),
                compare_text=True,
            ),
        ),
    ],
)
def test_the_unspoilt_records_parse(tmp_path: Path, layout: str, sentence: Sentence) -> None:
    path = write_corpus(tmp_path / "good.json", layout, [RECORDS[layout]] * 2)
    assert parse_corpus(path, layout) == [sentence, sentence]


def _assert_spoilt_record_fails(
    tmp_path: Path, layout: str, at: JsonPath, value: Any, where: str, problem: str
) -> None:
    records = [RECORDS[layout], replaced(RECORDS[layout], at, value)]
    path = write_corpus(tmp_path / "spoilt.json", layout, records)
    with pytest.raises(CorpusFormatError) as error:
        parse_corpus(path, layout)
    assert str(error.value) == f"{path}, {where}: {problem}"


NOT_LISTS = [("", '""'), ({}, "{}"), (None, "null"), (3, "3"), (True, "true"), ("Ann met Bo", '"Ann met Bo"')]


@pytest.mark.parametrize("value, shown", NOT_LISTS)
@pytest.mark.parametrize(
    "layout, at, where, name",
    [
        ("spert", ("tokens",), SECOND["spert"], "tokens"),
        ("spert", ("entities",), SECOND["spert"], "entities"),
        ("spert", ("relations",), SECOND["spert"], "relations"),
        ("dygie", ("sentences",), SECOND["dygie"], "sentences"),
        ("dygie", ("ner",), SECOND["dygie"], "ner"),
        ("dygie", ("relations",), SECOND["dygie"], "relations"),
        ("dygie", ("sentences", 0), SECOND_SENTENCE, "tokens"),
        ("dygie", ("ner", 0), SECOND_SENTENCE, "ner"),
        ("dygie", ("relations", 0), SECOND_SENTENCE, "relations"),
        ("casrel", ("triple_list",), SECOND["casrel"], "triple_list"),
    ],
)
def test_a_list_field_that_is_not_a_list_is_an_error(
    tmp_path: Path, layout: str, at: JsonPath, where: str, name: str, value: Any, shown: str
) -> None:
    # Iterating over "" or {} would silently read no entities; null or 3 would be a TypeError.
    _assert_spoilt_record_fails(tmp_path, layout, at, value, where, f"{name} is {shown}, not a list")


@pytest.mark.parametrize("value, shown", [("", '""'), (None, "null"), (7, "7"), ([], "[]")])
@pytest.mark.parametrize(
    "layout, at, where, problem",
    [
        ("spert", (), SECOND["spert"], "the record is {}, not a JSON object"),
        ("spert", ("entities", 1), SECOND["spert"], "entity 1 is {}, not a JSON object"),
        ("spert", ("relations", 0), SECOND["spert"], "relation 0 is {}, not a JSON object"),
        ("dygie", (), "line 2", "the document is {}, not a JSON object"),
        ("dygie", ("ner", 0, 1), SECOND_SENTENCE, "ner item 1 is {}, not [start, end, label]"),
        ("dygie", ("relations", 0, 0), SECOND_SENTENCE, "relation 0 is {}, not [s1, e1, s2, e2, label]"),
        ("casrel", (), SECOND["casrel"], "the record is {}, not a JSON object"),
        (
            "casrel",
            ("triple_list", 0),
            SECOND["casrel"],
            "triple 0 is {}, not [subject, relation, object] strings",
        ),
    ],
)
def test_a_record_or_item_of_the_wrong_shape_is_an_error(
    tmp_path: Path, layout: str, at: JsonPath, where: str, problem: str, value: Any, shown: str
) -> None:
    _assert_spoilt_record_fails(tmp_path, layout, at, value, where, problem.format(shown))


@pytest.mark.parametrize(
    "value, shown",
    [(None, "null"), (False, "false"), (5, "5"), ("", '""'), ("  ", '"  "'), (["PER"], '["PER"]')],
)
@pytest.mark.parametrize(
    "layout, at, where, name",
    [
        ("spert", ("entities", 1, "type"), SECOND["spert"], "entity 1 type"),
        ("spert", ("relations", 0, "type"), SECOND["spert"], "relation 0 type"),
        ("spert", ("tokens", 2), SECOND["spert"], "token 2"),
        ("dygie", ("ner", 0, 1, 2), SECOND_SENTENCE, "ner item 1 label"),
        ("dygie", ("relations", 0, 0, 4), SECOND_SENTENCE, "relation 0 label"),
        ("dygie", ("sentences", 0, 2), SECOND_SENTENCE, "token 2"),
    ],
)
def test_a_label_or_token_that_is_not_a_non_blank_string_is_an_error(
    tmp_path: Path, layout: str, at: JsonPath, where: str, name: str, value: Any, shown: str
) -> None:
    # str() would have made classes "None", "False" and "5" of these and trained on them.
    problem = f"{name} is {shown}, not a non-blank string"
    _assert_spoilt_record_fails(tmp_path, layout, at, value, where, problem)


@pytest.mark.parametrize(
    "value, problem",
    [
        ("", 'triple 0 relation is "", not a non-blank string'),
        (" ", 'triple 0 relation is " ", not a non-blank string'),
        (None, 'triple 0 is ["Ann", null, "Bo"], not [subject, relation, object] strings'),
        (False, 'triple 0 is ["Ann", false, "Bo"], not [subject, relation, object] strings'),
        (5, 'triple 0 is ["Ann", 5, "Bo"], not [subject, relation, object] strings'),
    ],
)
def test_a_casrel_relation_that_is_not_a_non_blank_string_is_an_error(
    tmp_path: Path, value: Any, problem: str
) -> None:
    _assert_spoilt_record_fails(tmp_path, "casrel", ("triple_list", 0, 1), value, SECOND["casrel"], problem)


@pytest.mark.parametrize(
    "value, shown", [(True, "true"), (1.0, "1.0"), ("1", '"1"'), (None, "null"), ([1], "[1]")]
)
@pytest.mark.parametrize(
    "layout, at, where, name",
    [
        ("spert", ("entities", 0, "end"), SECOND["spert"], "entity 0 end"),
        ("spert", ("relations", 0, "tail"), SECOND["spert"], "relation 0 tail"),
        ("dygie", ("ner", 0, 1, 0), SECOND_SENTENCE, "ner item 1 start"),
        ("dygie", ("relations", 0, 0, 2), SECOND_SENTENCE, "relation 0 s2"),
    ],
)
def test_an_offset_that_is_not_an_integer_is_an_error(
    tmp_path: Path, layout: str, at: JsonPath, where: str, name: str, value: Any, shown: str
) -> None:
    # true == 1 in Python, so a boolean would otherwise pass for an offset.
    _assert_spoilt_record_fails(tmp_path, layout, at, value, where, f"{name} is {shown}, not an integer")


@pytest.mark.parametrize("value, shown", [(None, "null"), (7, "7"), (["d1"], '["d1"]')])
def test_a_doc_key_that_is_not_a_string_is_an_error(tmp_path: Path, value: Any, shown: str) -> None:
    problem = f"doc_key is {shown}, not a string"
    _assert_spoilt_record_fails(tmp_path, "dygie", ("doc_key",), value, "line 2", problem)


@pytest.mark.parametrize("value, shown", [(None, "null"), (7, "7"), (["Ann", "met"], '["Ann", "met"]')])
def test_a_casrel_text_that_is_not_a_string_is_an_error(tmp_path: Path, value: Any, shown: str) -> None:
    problem = f"text is {shown}, not a string"
    _assert_spoilt_record_fails(tmp_path, "casrel", ("text",), value, "record 1", problem)


def test_a_long_value_is_shortened_in_the_message(tmp_path: Path) -> None:
    text = "Ann met Bo in Rome and they talked for an hour ."
    problem = 'entities is "Ann met Bo in Rome and they talked f..., not a list'
    _assert_spoilt_record_fails(tmp_path, "spert", ("entities",), text, "record 1", problem)


# Latin-1 "é" (byte 0xe9) in the second record: line 2 of each file.
NOT_UTF8 = {
    "spert": (
        b'[{"tokens": ["Ann"], "entities": [], "relations": []},\n'
        b' {"tokens": ["Ren\xe9"], "entities": [], "relations": []}]\n',
        "line 2 (byte offset 72)",
    ),
    "dygie": (
        b'{"sentences": [["Ann"]], "ner": [[]], "relations": [[]]}\n'
        b'{"sentences": [["Ren\xe9"]], "ner": [[]], "relations": [[]]}\n',
        "line 2 (byte offset 77)",
    ),
    "casrel": (
        b'[{"text": "Ann runs", "triple_list": []},\n {"text": "Ren\xe9 runs", "triple_list": []}]\n',
        "line 2 (byte offset 56)",
    ),
}


@pytest.mark.parametrize("layout", sorted(NOT_UTF8))
def test_a_file_that_is_not_utf8_is_an_error_naming_line_and_byte(tmp_path: Path, layout: str) -> None:
    content, where = NOT_UTF8[layout]
    path = tmp_path / "latin1.json"
    path.write_bytes(content)
    assert detect_format(str(path)) == layout
    with pytest.raises(CorpusFormatError) as error:
        parse_corpus(path, layout)
    assert str(error.value) == f"{path}, {where}: not UTF-8 text (invalid continuation byte)"


def test_parse_spert_record_reads_one_record() -> None:
    record = {
        "tokens": ["Ann", "met", "Bo", "."],
        "entities": [{"type": "Peop", "start": 0, "end": 1}, {"type": "Peop", "start": 2, "end": 3}],
        "relations": [{"type": "Kill", "head": 0, "tail": 1}],
        "orig_id": 7,
    }
    assert parse_spert_record(record, "input", "line 3") == Sentence(
        ANN_MET_BO, (Entity(0, 1, "Peop"), Entity(2, 3, "Peop")), (Relation(0, 1, "Kill"),)
    )


@pytest.mark.parametrize(
    "record, problem",
    [
        ({"tokens": ["Ann"], "entities": []}, "the record is missing key(s) relations"),
        ({"tokens": ["Ann"]}, "the record is missing key(s) entities, relations"),
        ({"tokens": ["Ann"], "entities": None, "relations": []}, "entities is null, not a list"),
        ({"tokens": "Ann", "entities": [], "relations": []}, 'tokens is "Ann", not a list'),
        (["Ann"], 'the record is ["Ann"], not a JSON object'),
        (
            {"tokens": ["Ann"], "entities": [{"type": "Peop", "start": 0, "end": 2}], "relations": []},
            "entity 0 spans [0, 2) (end exclusive), which is reversed, empty or outside the 1 tokens",
        ),
    ],
)
def test_parse_spert_record_names_the_input_and_line(record: Any, problem: str) -> None:
    with pytest.raises(CorpusFormatError) as error:
        parse_spert_record(record, "input", "line 3")
    assert str(error.value) == f"input, line 3: {problem}"
    assert (error.value.path, error.value.record, error.value.problem) == ("input", "line 3", problem)
