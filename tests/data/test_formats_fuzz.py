"""
Mutation fuzzing of the format parsers: records of the fixtures are spoilt at random, one per
file, and each file must either parse into valid sentences or raise `CorpusFormatError` naming
the file and the spoilt record; any other exception is a gap in the validation.
"""
import json
import random
from collections import Counter
from copy import deepcopy
from pathlib import Path
from typing import Any, Iterator, List, Tuple

import pytest

from jointre_plugins.data.structures import CorpusFormatError, Sentence
from tests.data import DATA_FIXTURES, JsonPath, parse_corpus, record_name, replaced, write_corpus

SEED = 20261124
MUTANTS_PER_CORPUS = 300

CORPORA = [
    ("spert", "spert/sample.json", False),
    ("dygie", "dygie/ace05_sample.json", False),
    ("casrel", "casrel/webnlg_sample.json", False),
    ("casrel", "casrel/webnlg_star_sample.json", True),
]

IGNORED_KEYS = {"orig_id", "clusters"}
"""Keys the parsers do not read, so spoiling them changes nothing."""

WRONG_VALUES = (None, 0, 3, -1, 1.5, True, False, "", " ", "x", "PER", {}, [], [[]], {"type": []}, [0, "x"])


def _load(layout: str, relative_path: str) -> List[Any]:
    path = DATA_FIXTURES / relative_path
    if layout == "dygie":
        return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    return json.loads(path.read_text(encoding="utf-8"))


def _paths(value: Any, prefix: Tuple[Any, ...] = ()) -> Iterator[Tuple[Any, ...]]:
    """Every path in `value`, itself first."""
    yield prefix
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for step, item in items:
        yield from _paths(item, prefix + (step,))


def _at(record: Any, path: JsonPath) -> Any:
    for step in path:
        record = record[step]
    return record


def _mutate(record: Any, rng: random.Random) -> Tuple[Any, str, bool]:
    """
    A spoilt copy of `record`, what was done, and whether the parser must reject it: a list or
    a label replaced by something that is not one may never be read silently.
    """
    path = rng.choice(list(_paths(record)))
    original = _at(record, path)
    ignored = bool(path) and path[0] in IGNORED_KEYS
    kind = rng.choice(("replace", "replace", "replace", "delete", "offset", "append", "duplicate"))
    if kind == "delete" and path:
        spoilt = deepcopy(record)
        del _at(spoilt, path[:-1])[path[-1]]
        return spoilt, f"deleted {list(path)}", False
    if kind == "offset" and isinstance(original, int) and not isinstance(original, bool):
        value = rng.choice((original + 1, original - 1, -original - 1, original + 100, 0))
        return replaced(record, path, value), f"offset {list(path)} = {value}", False
    if kind in ("append", "duplicate") and isinstance(original, list):
        source = original if kind == "duplicate" and original else WRONG_VALUES
        item = deepcopy(rng.choice(source))
        return replaced(record, path, original + [item]), f"appended {item!r} to {list(path)}", False
    value = deepcopy(rng.choice(WRONG_VALUES))
    not_a_list = isinstance(original, list) and value in ("", {}, None)
    not_a_label = _is_label(path) and not (isinstance(value, str) and value.strip())
    must_fail = not ignored and (not_a_list or not_a_label)
    return replaced(record, path, value), f"{list(path)} = {value!r}", must_fail


def _is_label(path: JsonPath) -> bool:
    """Whether `path` leads to an entity or relation type of any of the three layouts."""
    if path[-1:] == ("type",):
        return True
    if len(path) == 4 and path[0] in ("ner", "relations"):
        return path[3] == (2 if path[0] == "ner" else 4)
    return len(path) == 3 and path[0] == "triple_list" and path[2] == 1


def _assert_valid(sentence: Sentence) -> None:
    assert isinstance(sentence, Sentence)
    assert sentence.tokens and all(isinstance(token, str) and token.strip() for token in sentence.tokens)
    for entity in sentence.entities:
        assert type(entity.start) is int and type(entity.end) is int
        assert 0 <= entity.start < entity.end <= len(sentence.tokens)
        assert isinstance(entity.type, str) and entity.type.strip()
    for relation in sentence.relations:
        assert type(relation.head) is int and type(relation.tail) is int
        assert 0 <= relation.head < len(sentence.entities) and 0 <= relation.tail < len(sentence.entities)
        assert isinstance(relation.type, str) and relation.type.strip()
    for triple in sentence.unplaced_relations:
        assert all(isinstance(part, str) and part.strip() for part in (triple.head, triple.tail, triple.type))


@pytest.mark.parametrize(
    "layout, relative_path, last_word_entities", CORPORA, ids=[path for _, path, _ in CORPORA]
)
def test_spoilt_records_parse_validly_or_raise_corpus_format_errors_naming_them(
    tmp_path: Path, layout: str, relative_path: str, last_word_entities: bool
) -> None:
    rng = random.Random(f"{SEED} {relative_path}")
    records = _load(layout, relative_path)
    path = tmp_path / "mutant.json"
    outcomes: Counter = Counter()
    for mutant in range(MUTANTS_PER_CORPUS):
        index = rng.randrange(len(records))
        spoilt, change, must_fail = _mutate(records[index], rng)
        write_corpus(path, layout, records[:index] + [spoilt] + records[index + 1 :])
        context = f"mutant {mutant} of {relative_path}, record {index}: {change}"
        try:
            sentences = parse_corpus(path, layout, last_word_entities)
        except CorpusFormatError as error:
            name = record_name(layout, index)
            assert error.path == str(path), context
            assert error.record == name or error.record.startswith((f"{name} ", f"{name},")), context
            assert str(error) == f"{path}, {error.record}: {error.problem}", context
            outcomes["rejected"] += 1
        except Exception as error:  # any other exception is the very gap looked for
            pytest.fail(f"{context}: {type(error).__name__}: {error}")
        else:
            assert not must_fail, f"{context}: read silently as {sentences[index:index + 1]}"
            for sentence in sentences:
                _assert_valid(sentence)
            outcomes["read"] += 1
        outcomes["must fail"] += must_fail
    # Guards the generator itself: both outcomes and the checked rejections must be common.
    assert min(outcomes["rejected"], outcomes["read"]) > MUTANTS_PER_CORPUS // 20, outcomes
    assert outcomes["must fail"] > MUTANTS_PER_CORPUS // 20, outcomes
