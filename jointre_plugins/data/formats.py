"""
Parsers for the three corpus formats in circulation, each turning a file into `Sentence`s.

- SpERT JSON: one list of sentences with `tokens`, `entities` (`end` exclusive) and `relations`.
- DyGIE JSON lines: one document per line, `sentences`, `ner` and `relations` per sentence with
  document-level, inclusive token offsets.
- CasRel JSON: one list of `{"text", "triple_list"}` with entities given as strings.

Every malformed record raises `CorpusFormatError` naming the file, the record and the problem.
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

def detect_format(path: str) -> str:
    """
    `"dygie"` for JSON lines (the file starts with `{`), `"spert"` or `"casrel"` for a JSON list,
    told apart by the keys of its first record.
    """
    with open(path, encoding="utf-8") as corpus_file:
        head = corpus_file.read(4096).lstrip()
    if head.startswith("{"):
        return "dygie"
    if head.startswith("["):
        if '"text"' in head and '"triple_list"' in head:
            return "casrel"
        return "spert"
    raise CorpusFormatError(
        path, "start of file", "unknown format: expected a JSON list (SpERT, CasRel) or JSON lines (DyGIE)"
    )


def _load_json_list(path: str) -> List[Any]:
    with open(path, encoding="utf-8") as corpus_file:
        try:
            data = json.load(corpus_file)
        except json.JSONDecodeError as error:
            raise CorpusFormatError(path, f"line {error.lineno}", f"not valid JSON ({error.msg})")
    if not isinstance(data, list):
        raise CorpusFormatError(path, "top level", f"expected a JSON list, found {type(data).__name__}")
    return data


def _require(record: Any, keys: Sequence[str], path: str, where: str) -> None:
    if not isinstance(record, dict):
        raise CorpusFormatError(path, where, f"expected a JSON object, found {type(record).__name__}")
    missing = [key for key in keys if key not in record]
    if missing:
        raise CorpusFormatError(path, where, f"missing key(s) {', '.join(missing)}")


def _sentence(path: str, where: str, **fields: Any) -> Sentence:
    try:
        return Sentence(**fields)
    except (ValueError, TypeError) as error:
        raise CorpusFormatError(path, where, str(error))


def _integer(value: Any, path: str, where: str, name: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise CorpusFormatError(path, where, f"{name} is {value!r}, not an integer")
    return value


def parse_spert(path: str) -> Iterator[Sentence]:
    """Yields the sentences of a SpERT JSON file."""
    for index, record in enumerate(_load_json_list(path)):
        where = f"record {index}"
        _require(record, ("tokens", "entities", "relations"), path, where)
        if not isinstance(record["tokens"], list):
            raise CorpusFormatError(path, where, "tokens is not a list")
        entities = []
        for number, entity in enumerate(record["entities"]):
            _require(entity, ("type", "start", "end"), path, f"{where}, entity {number}")
            entities.append(
                Entity(
                    _integer(entity["start"], path, where, f"entity {number} start"),
                    _integer(entity["end"], path, where, f"entity {number} end"),
                    str(entity["type"]),
                )
            )
        relations = []
        for number, relation in enumerate(record["relations"]):
            _require(relation, ("type", "head", "tail"), path, f"{where}, relation {number}")
            relations.append(
                Relation(
                    _integer(relation["head"], path, where, f"relation {number} head"),
                    _integer(relation["tail"], path, where, f"relation {number} tail"),
                    str(relation["type"]),
                )
            )
        yield _sentence(
            path,
            where,
            tokens=tuple(record["tokens"]),
            entities=tuple(entities),
            relations=tuple(relations),
        )


def parse_dygie(path: str) -> Iterator[Sentence]:
    """
    Yields the sentences of a DyGIE JSON-lines file, converting document-level inclusive offsets
    to sentence-level exclusive ones. A relation argument must be an entity of its sentence.
    """
    with open(path, encoding="utf-8") as corpus_file:
        for line_number, line in enumerate(corpus_file, start=1):
            if not line.strip():
                continue
            where = f"line {line_number}"
            try:
                document = json.loads(line)
            except json.JSONDecodeError as error:
                raise CorpusFormatError(path, where, f"not valid JSON ({error.msg})")
            _require(document, ("sentences", "ner", "relations"), path, where)
            if "doc_key" in document:
                where = f"{where} (doc_key {document['doc_key']})"
            sentences, ner, relations = document["sentences"], document["ner"], document["relations"]
            if not (len(sentences) == len(ner) == len(relations)):
                raise CorpusFormatError(
                    path,
                    where,
                    f"{len(sentences)} sentences but {len(ner)} ner lists and "
                    f"{len(relations)} relation lists",
                )
            offset = 0
            for number, tokens in enumerate(sentences):
                sentence_where = f"{where}, sentence {number}"
                if not isinstance(tokens, list):
                    raise CorpusFormatError(path, sentence_where, "the sentence is not a list of tokens")
                yield _dygie_sentence(tokens, ner[number], relations[number], offset, path, sentence_where)
                offset += len(tokens)


def _dygie_sentence(
    tokens: List[str],
    ner: List[Any],
    relations: List[Any],
    offset: int,
    path: str,
    where: str,
) -> Sentence:
    entities: List[Entity] = []
    index_of_span: Dict[Tuple[int, int], int] = {}
    for number, mention in enumerate(ner):
        if not (isinstance(mention, list) and len(mention) == 3):
            raise CorpusFormatError(path, where, f"ner item {number} is not [start, end, label]")
        start = _integer(mention[0], path, where, f"ner item {number} start") - offset
        end = _integer(mention[1], path, where, f"ner item {number} end") - offset + 1
        if not (0 <= start < end <= len(tokens)):
            raise CorpusFormatError(
                path,
                where,
                f"ner item {number} [{mention[0]}, {mention[1]}] (document offsets, inclusive) is "
                f"reversed or outside this sentence's tokens {offset}..{offset + len(tokens) - 1}",
            )
        index_of_span.setdefault((start, end), len(entities))
        entities.append(Entity(start, end, str(mention[2])))
    sentence_relations = []
    for number, relation in enumerate(relations):
        if not (isinstance(relation, list) and len(relation) == 5):
            raise CorpusFormatError(path, where, f"relation {number} is not [s1, e1, s2, e2, label]")
        arguments = []
        for role, (start, end) in (("head", relation[0:2]), ("tail", relation[2:4])):
            span = (
                _integer(start, path, where, f"relation {number} {role} start") - offset,
                _integer(end, path, where, f"relation {number} {role} end") - offset + 1,
            )
            if span not in index_of_span:
                raise CorpusFormatError(
                    path,
                    where,
                    f"relation {number} {role} [{start}, {end}] is not an entity of this sentence",
                )
            arguments.append(index_of_span[span])
        sentence_relations.append(Relation(arguments[0], arguments[1], str(relation[4])))
    return _sentence(
        path,
        where,
        tokens=tuple(tokens),
        entities=tuple(entities),
        relations=tuple(sentence_relations),
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
        _require(record, ("text", "triple_list"), path, where)
        if not isinstance(record["text"], str):
            raise CorpusFormatError(path, where, "text is not a string")
        tokens = record["text"].split()
        entities: List[Entity] = []
        index_of_span: Dict[Tuple[int, int], int] = {}
        relations: List[Relation] = []
        unplaced: List[UnplacedRelation] = []
        for number, triple in enumerate(record["triple_list"]):
            if not (isinstance(triple, list) and len(triple) == 3 and all(isinstance(part, str) for part in triple)):
                raise CorpusFormatError(path, where, f"triple {number} is not [subject, relation, object] strings")
            head_text, relation_type, tail_text = triple
            arguments = []
            for role, text in (("subject", head_text), ("object", tail_text)):
                words = text.split()
                if not words:
                    raise CorpusFormatError(path, where, f"triple {number} has an empty {role}")
                if last_word_entities and len(words) > 1:
                    raise CorpusFormatError(
                        path, where, f"triple {number} {role} {text!r} has several words in a last-word (*_star) file"
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
                    UnplacedRelation(head_text, tail_text, relation_type, CASREL_ENTITY_TYPE, CASREL_ENTITY_TYPE)
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
