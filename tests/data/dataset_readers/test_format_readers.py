import re
from typing import Tuple

import pytest

from jointre_plugins.data.dataset_readers.format_readers import (
    CasrelFormatReader,
    DygieFormatReader,
    SpertFormatReader,
)
from jointre_plugins.data.dataset_readers.joint_extraction_reader import JointExtractionReader
from jointre_plugins.data.structures import CorpusFormatError, Sentence
from tests.data import ACE05_SAMPLE, DATA_FIXTURES, SPERT_SAMPLE, WEBNLG_SAMPLE, WEBNLG_STAR_SAMPLE
from tests.data.dataset_readers import read_gold

BAD = DATA_FIXTURES / "bad"


@pytest.mark.parametrize(
    "reader, relative_path, expected",
    [
        (SpertFormatReader(), "spert/sample.json", SPERT_SAMPLE),
        (DygieFormatReader(), "dygie/ace05_sample.json", ACE05_SAMPLE),
        (CasrelFormatReader(), "casrel/webnlg_sample.json", WEBNLG_SAMPLE),
        (CasrelFormatReader(last_word_entities=True), "casrel/webnlg_star_sample.json", WEBNLG_STAR_SAMPLE),
    ],
)
def test_each_format_reader_reads_its_format(
    reader: JointExtractionReader, relative_path: str, expected: Tuple[Sentence, ...]
) -> None:
    assert tuple(read_gold(reader, DATA_FIXTURES / relative_path)) == expected


# Each bad record sits after a good one, so the record named in the message proves it is the
# right one. JSON that does not parse can only be placed by line.
BAD_RECORDS = [
    (SpertFormatReader(), "spert_invalid_json.json", "line 4", "not valid JSON (Expecting ',' delimiter)"),
    (SpertFormatReader(), "spert_missing_key.json", "record 1", "the record is missing key(s) relations"),
    (
        SpertFormatReader(),
        "spert_offsets_out_of_range.json",
        "record 1",
        "entity 1 spans [3, 6) (end exclusive), which is reversed, empty or outside the 4 tokens",
    ),
    (
        SpertFormatReader(),
        "spert_reversed_offsets.json",
        "record 1",
        "entity 0 spans [3, 2) (end exclusive), which is reversed, empty or outside the 4 tokens",
    ),
    (
        SpertFormatReader(),
        "spert_relation_out_of_range.json",
        "record 1",
        "relation 0 has tail 2, but there are 2 entities",
    ),
    (SpertFormatReader(), "spert_empty_tokens.json", "record 1", "the sentence has no tokens"),
    (DygieFormatReader(), "dygie_invalid_json.json", "line 2", "not valid JSON (Expecting ',' delimiter)"),
    (DygieFormatReader(), "dygie_missing_key.json", "line 2", "the document is missing key(s) ner"),
    (
        DygieFormatReader(),
        "dygie_offsets_out_of_range.json",
        "line 2 (doc_key bad_doc), sentence 1",
        "ner item 0 [5, 9] (document offsets, inclusive) is reversed or outside this sentence's tokens 3..6",
    ),
    (
        DygieFormatReader(),
        "dygie_reversed_offsets.json",
        "line 2 (doc_key bad_doc), sentence 0",
        "ner item 0 [3, 2] (document offsets, inclusive) is reversed or outside this sentence's tokens 0..4",
    ),
    (
        DygieFormatReader(),
        "dygie_relation_not_entity.json",
        "line 2 (doc_key bad_doc), sentence 1",
        "relation 0 tail [4, 4] is not an entity of this sentence",
    ),
    (
        DygieFormatReader(),
        "dygie_ner_not_triple.json",
        "line 2 (doc_key bad_doc), sentence 1",
        "ner item 0 is [3, 3], not [start, end, label]",
    ),
    (
        DygieFormatReader(),
        "dygie_entity_outside_sentence.json",
        "line 2 (doc_key bad_doc), sentence 1",
        "ner item 0 [0, 0] (document offsets, inclusive) is reversed or outside this sentence's tokens 3..6",
    ),
    (
        DygieFormatReader(),
        "dygie_empty_tokens.json",
        "line 2 (doc_key bad_doc), sentence 1",
        "the sentence has no tokens",
    ),
    (CasrelFormatReader(), "casrel_invalid_json.json", "line 4", "not valid JSON (Expecting ',' delimiter)"),
    (CasrelFormatReader(), "casrel_missing_key.json", "record 1", "the record is missing key(s) triple_list"),
    (
        CasrelFormatReader(),
        "casrel_triple_not_strings.json",
        "record 1",
        'triple 0 is ["Bo", "residence"], not [subject, relation, object] strings',
    ),
    (CasrelFormatReader(), "casrel_empty_tokens.json", "record 1", "the sentence has no tokens"),
    (
        CasrelFormatReader(last_word_entities=True),
        "casrel_star_multiword.json",
        "record 1",
        "triple 0 object 'New Hampshire' has several words in a last-word (*_star) file",
    ),
]


@pytest.mark.parametrize(
    "reader, file_name, record, problem",
    BAD_RECORDS,
    ids=[file_name for _, file_name, _, _ in BAD_RECORDS],
)
def test_bad_record_names_file_record_and_problem(
    reader: JointExtractionReader, file_name: str, record: str, problem: str
) -> None:
    path = BAD / file_name
    with pytest.raises(CorpusFormatError, match=re.escape(f"{path}, {record}: {problem}")) as error:
        list(reader.read(path))
    assert (error.value.record, error.value.problem) == (record, problem)


def test_every_bad_fixture_is_exercised() -> None:
    # A bad fixture added without an entry here would otherwise go untested.
    tested = {file_name for _, file_name, _, _ in BAD_RECORDS} | {"unknown_format.txt"}
    assert {path.name for path in BAD.iterdir()} == tested
