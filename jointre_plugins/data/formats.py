"""
Parsers for the three corpus formats in circulation, each turning a file into `Sentence`s.

- SpERT JSON: one list of sentences with `tokens`, `entities` (`end` exclusive) and `relations`.
- DyGIE JSON lines: one document per line, `sentences`, `ner` and `relations` per sentence with
  document-level, inclusive token offsets.
- CasRel JSON: one list of `{"text", "triple_list"}` with entities given as strings.

Every malformed record raises `CorpusFormatError` naming the file, the record and the problem:
a file that is not UTF-8 or not JSON, a missing key, a value of the wrong JSON type (offsets are
integers and not booleans, labels are non-blank strings, lists are lists even when empty), or
offsets that do not fit the tokens.
"""
import json
from typing import Any, Dict, Iterator, List, Optional, Sequence, Tuple

from jointre_plugins.data.read_report import ReadReport
from jointre_plugins.data.structures import (
    CorpusFormatError,
    Entity,
    Relation,
    Sentence,
    UnplacedRelation,
)

CASREL_ENTITY_TYPE = "Entity"
"""CasRel corpora give no entity types; every entity gets this one."""

_SHOWN_CHARACTERS = 40
"""Values longer than this are shortened in messages, which must stay one readable line."""


def detect_format(path: str) -> str:
    """
    `"dygie"` for JSON lines (the file starts with `{`), `"spert"` or `"casrel"` for a JSON list,
    told apart by the keys of its first record.
    """
    with open(path, "rb") as corpus_file:
        # The parser, not this glance at the start, reports bytes that are not UTF-8 and where.
        head = corpus_file.read(4096).decode("utf-8", errors="replace").lstrip()
    if head.startswith("{"):
        return "dygie"
    if head.startswith("["):
        if '"text"' in head and '"triple_list"' in head:
            return "casrel"
        return "spert"
    raise CorpusFormatError(
        path, "start of file", "unknown format: expected a JSON list (SpERT, CasRel) or JSON lines (DyGIE)"
    )


def _decode(raw: bytes, path: str, first_line: int = 1, first_byte: int = 0) -> str:
    """
    `raw`, which starts at line `first_line` and byte offset `first_byte` of the file, as UTF-8
    text.
    """
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = first_line + raw.count(b"\n", 0, error.start)
        raise CorpusFormatError(
            path, f"line {line} (byte offset {first_byte + error.start})", f"not UTF-8 text ({error.reason})"
        ) from error


def _load_json_list(path: str) -> List[Any]:
    with open(path, "rb") as corpus_file:
        text = _decode(corpus_file.read(), path)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise CorpusFormatError(path, f"line {error.lineno}", f"not valid JSON ({error.msg})")
    if not isinstance(data, list):
        raise CorpusFormatError(path, "top level", f"expected a JSON list, found {type(data).__name__}")
    return data


def _shown(value: Any) -> str:
    """`value` as it is written in JSON, shortened."""
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= _SHOWN_CHARACTERS else f"{text[:_SHOWN_CHARACTERS - 3]}..."


def _expect(valid: bool, value: Any, expected: str, path: str, where: str, name: str) -> None:
    if not valid:
        raise CorpusFormatError(path, where, f"{name} is {_shown(value)}, not {expected}")


def _object(value: Any, keys: Sequence[str], path: str, where: str, name: str) -> Dict[str, Any]:
    _expect(isinstance(value, dict), value, "a JSON object", path, where, name)
    missing = [key for key in keys if key not in value]
    if missing:
        raise CorpusFormatError(path, where, f"{name} is missing key(s) {', '.join(missing)}")
    return value


def _list(value: Any, path: str, where: str, name: str) -> List[Any]:
    _expect(isinstance(value, list), value, "a list", path, where, name)
    return value


def _integer(value: Any, path: str, where: str, name: str) -> int:
    _expect(isinstance(value, int) and not isinstance(value, bool), value, "an integer", path, where, name)
    return value


def _non_blank(value: Any, path: str, where: str, name: str) -> str:
    """A token or a label; str() would turn null, false or 5 into the label "None", "False" or "5"."""
    _expect(isinstance(value, str) and bool(value.strip()), value, "a non-blank string", path, where, name)
    return value


def _tokens(value: Any, path: str, where: str) -> Tuple[str, ...]:
    words = _list(value, path, where, "tokens")
    return tuple(_non_blank(word, path, where, f"token {number}") for number, word in enumerate(words))


def _sentence(path: str, where: str, **fields: Any) -> Sentence:
    try:
        return Sentence(**fields)
    except ValueError as error:
        raise CorpusFormatError(path, where, str(error))


def _spert_item(item: Any, roles: Tuple[str, str], path: str, where: str, name: str) -> Tuple[int, int, str]:
    """The two integers named `roles` and the type of a SpERT entity or relation object."""
    _object(item, ("type",) + roles, path, where, name)
    first, second = (_integer(item[role], path, where, f"{name} {role}") for role in roles)
    return first, second, _non_blank(item["type"], path, where, f"{name} type")


def parse_spert_record(record: Any, path: str, where: str) -> Sentence:
    """
    The sentence of one SpERT record, `{"tokens": [...], "entities": [...], "relations": [...]}`;
    other keys are ignored.

    # Parameters

    record : `Any`
        The record as decoded from JSON. Anything but a valid record raises `CorpusFormatError`.
    path : `str`
        The file, or other input, the record comes from; named in errors.
    where : `str`
        The place of the record in `path`, such as `"record 3"` or `"line 3"`; named in errors.
    """
    _object(record, ("tokens", "entities", "relations"), path, where, "the record")
    entities = _list(record["entities"], path, where, "entities")
    relations = _list(record["relations"], path, where, "relations")
    return _sentence(
        path,
        where,
        tokens=_tokens(record["tokens"], path, where),
        entities=tuple(
            Entity(*_spert_item(entity, ("start", "end"), path, where, f"entity {number}"))
            for number, entity in enumerate(entities)
        ),
        relations=tuple(
            Relation(*_spert_item(relation, ("head", "tail"), path, where, f"relation {number}"))
            for number, relation in enumerate(relations)
        ),
    )


def parse_spert(path: str) -> Iterator[Sentence]:
    """Yields the sentences of a SpERT JSON file."""
    for index, record in enumerate(_load_json_list(path)):
        yield parse_spert_record(record, path, f"record {index}")


def parse_dygie(path: str) -> Iterator[Sentence]:
    """
    Yields the sentences of a DyGIE JSON-lines file, converting document-level inclusive offsets
    to sentence-level exclusive ones. A relation argument must be an entity of its sentence.
    """
    for where, document in read_json_lines(path):
        yield from _dygie_document(document, path, where)


def read_json_lines(path: str) -> Iterator[Tuple[str, Any]]:
    """
    Yields each record of a JSON-lines file with where it is (`"line N"`), skipping blank lines. A
    line that is not UTF-8 or not JSON raises `CorpusFormatError` naming the file and the line.
    """
    with open(path, "rb") as lines_file:
        first_byte = 0
        for line_number, raw_line in enumerate(lines_file, start=1):
            line = _decode(raw_line, path, line_number, first_byte)
            first_byte += len(raw_line)
            if not line.strip():
                continue
            where = f"line {line_number}"
            try:
                record = json.loads(line)
            except json.JSONDecodeError as error:
                raise CorpusFormatError(path, where, f"not valid JSON ({error.msg})") from None
            yield where, record


def _dygie_document(document: Any, path: str, where: str) -> Iterator[Sentence]:
    _object(document, ("sentences", "ner", "relations"), path, where, "the document")
    if "doc_key" in document:
        doc_key = document["doc_key"]
        _expect(isinstance(doc_key, str), doc_key, "a string", path, where, "doc_key")
        where = f"{where} (doc_key {doc_key})"
    sentences, ner, relations = (
        _list(document[key], path, where, key) for key in ("sentences", "ner", "relations")
    )
    if not (len(sentences) == len(ner) == len(relations)):
        raise CorpusFormatError(
            path,
            where,
            f"{len(sentences)} sentences but {len(ner)} ner lists and {len(relations)} relation lists",
        )
    offset = 0
    for number, (tokens, mentions, pairs) in enumerate(zip(sentences, ner, relations)):
        sentence_where = f"{where}, sentence {number}"
        words = _tokens(tokens, path, sentence_where)
        yield _dygie_sentence(
            words,
            _list(mentions, path, sentence_where, "ner"),
            _list(pairs, path, sentence_where, "relations"),
            offset,
            path,
            sentence_where,
        )
        offset += len(words)


def _dygie_item(item: Any, roles: Sequence[str], path: str, where: str, name: str) -> Tuple[List[int], str]:
    """The integers named `roles` and the label of a DyGIE list `[integer, ..., label]`."""
    shape = f"[{', '.join(roles)}, label]"
    _expect(isinstance(item, list) and len(item) == len(roles) + 1, item, shape, path, where, name)
    offsets = [_integer(value, path, where, f"{name} {role}") for role, value in zip(roles, item)]
    return offsets, _non_blank(item[-1], path, where, f"{name} label")


def _dygie_sentence(
    tokens: Tuple[str, ...],
    ner: List[Any],
    relations: List[Any],
    offset: int,
    path: str,
    where: str,
) -> Sentence:
    entities: List[Entity] = []
    index_of_span: Dict[Tuple[int, int], int] = {}
    for number, mention in enumerate(ner):
        (first, last), label = _dygie_item(mention, ("start", "end"), path, where, f"ner item {number}")
        start, end = first - offset, last - offset + 1
        if not (0 <= start < end <= len(tokens)):
            raise CorpusFormatError(
                path,
                where,
                f"ner item {number} [{first}, {last}] (document offsets, inclusive) is "
                f"reversed or outside this sentence's tokens {offset}..{offset + len(tokens) - 1}",
            )
        index_of_span.setdefault((start, end), len(entities))
        entities.append(Entity(start, end, label))
    sentence_relations = []
    for number, relation in enumerate(relations):
        offsets, label = _dygie_item(relation, ("s1", "e1", "s2", "e2"), path, where, f"relation {number}")
        arguments = []
        for role, (first, last) in (("head", offsets[0:2]), ("tail", offsets[2:4])):
            span = (first - offset, last - offset + 1)
            if span not in index_of_span:
                raise CorpusFormatError(
                    path,
                    where,
                    f"relation {number} {role} [{first}, {last}] is not an entity of this sentence",
                )
            arguments.append(index_of_span[span])
        sentence_relations.append(Relation(arguments[0], arguments[1], label))
    return _sentence(
        path, where, tokens=tokens, entities=tuple(entities), relations=tuple(sentence_relations)
    )


def _find_tokens(tokens: Sequence[str], phrase: Sequence[str]) -> Optional[int]:
    """The start of the first occurrence of `phrase` in `tokens`, or None."""
    width = len(phrase)
    for start in range(len(tokens) - width + 1):
        if list(tokens[start : start + width]) == list(phrase):
            return start
    return None


def parse_casrel(path: str, report: ReadReport, last_word_entities: bool = False) -> Iterator[Sentence]:
    """
    Yields the sentences of a CasRel JSON file.

    Entities are located at the first occurrence of their whitespace-tokenised string, as is the
    convention in the field. A triple whose head or tail does not occur is kept as an
    `UnplacedRelation` and counted in `report`; a repeated triple is merged and counted.

    # Parameters

    path : `str`
        The CasRel JSON file.
    report : `ReadReport`
        Receives the counts of unplaced and repeated triples.
    last_word_entities : `bool`, optional (default = `False`)
        The file is a `*_star` file whose entities are only their last word (Partial Match
        setting); an entity string of several words is then an error.
    """
    for index, record in enumerate(_load_json_list(path)):
        where = f"record {index}"
        _object(record, ("text", "triple_list"), path, where, "the record")
        _expect(isinstance(record["text"], str), record["text"], "a string", path, where, "text")
        tokens = record["text"].split()
        entities: List[Entity] = []
        index_of_span: Dict[Tuple[int, int], int] = {}
        relations: List[Relation] = []
        unplaced: List[UnplacedRelation] = []
        for number, triple in enumerate(_list(record["triple_list"], path, where, "triple_list")):
            strings = isinstance(triple, list) and [type(part) for part in triple] == [str, str, str]
            _expect(strings, triple, "[subject, relation, object] strings", path, where, f"triple {number}")
            head_text, relation_type, tail_text = triple
            _non_blank(relation_type, path, where, f"triple {number} relation")
            arguments = []
            for role, text in (("subject", head_text), ("object", tail_text)):
                words = text.split()
                if not words:
                    raise CorpusFormatError(path, where, f"triple {number} has an empty {role}")
                if last_word_entities and len(words) > 1:
                    raise CorpusFormatError(
                        path,
                        where,
                        f"triple {number} {role} {text!r} has several words in a last-word (*_star) file",
                    )
                start = _find_tokens(tokens, words)
                if start is None:
                    arguments.append(None)
                    continue
                span = (start, start + len(words))
                if span not in index_of_span:
                    index_of_span[span] = len(entities)
                    entities.append(Entity(span[0], span[1], CASREL_ENTITY_TYPE))
                arguments.append(index_of_span[span])
            head, tail = arguments
            if head is None or tail is None:
                report.unplaced_triples += 1
                unplaced.append(
                    UnplacedRelation(
                        head_text, tail_text, relation_type, CASREL_ENTITY_TYPE, CASREL_ENTITY_TYPE
                    )
                )
                continue
            relation = Relation(head, tail, relation_type)
            if relation in relations:
                report.duplicate_triples += 1
                continue
            relations.append(relation)
        yield _sentence(
            path,
            where,
            tokens=tuple(tokens),
            entities=tuple(entities),
            relations=tuple(relations),
            unplaced_relations=tuple(unplaced),
            compare_text=True,
        )
