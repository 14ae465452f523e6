"""
Where the corpus fixtures are, and the gold structure of the hand-written ones, written out once
so that the parser tests and the reader tests compare against the same expectations; and how the
tests write and parse corpus files of their own.
"""
import json
from copy import deepcopy
from pathlib import Path
from typing import Any, List, Sequence, Tuple, Union

from jointre_plugins.data.formats import CASREL_ENTITY_TYPE, parse_casrel, parse_dygie, parse_spert
from jointre_plugins.data.read_report import ReadReport
from jointre_plugins.data.structures import Entity, Relation, Sentence, UnplacedRelation
from tests.conftest import FIXTURES

DATA_FIXTURES = FIXTURES / "data"

JsonPath = Sequence[Union[str, int]]
"""The keys and list indices that lead to a value inside a JSON record."""


def write_corpus(path: Path, layout: str, records: Sequence[Any]) -> Path:
    """Writes `records` as a `layout` file: one document per line for DyGIE, else a JSON list."""
    if layout == "dygie":
        path.write_text("".join(json.dumps(record) + "\n" for record in records), encoding="utf-8")
    else:
        path.write_text(json.dumps(records, indent=1), encoding="utf-8")
    return path


def parse_corpus(path: Path, layout: str, last_word_entities: bool = False) -> List[Sentence]:
    """The sentences of the `layout` file at `path`."""
    if layout == "spert":
        return list(parse_spert(str(path)))
    if layout == "dygie":
        return list(parse_dygie(str(path)))
    return list(parse_casrel(str(path), ReadReport(str(path)), last_word_entities))


def record_name(layout: str, index: int) -> str:
    """How errors name the record at `index` of a `layout` file."""
    return f"line {index + 1}" if layout == "dygie" else f"record {index}"


def replaced(record: Any, at: JsonPath, value: Any) -> Any:
    """A copy of `record` with `value` at the path `at`; the empty path replaces the record."""
    if not at:
        return value
    copy = deepcopy(record)
    parent = copy
    for step in at[:-1]:
        parent = parent[step]
    parent[at[-1]] = value
    return copy

SPERT_SAMPLE: Tuple[Sentence, ...] = (
    Sentence(
        tokens=(
            "Maria", "Lopez", ",", "a", "lawyer", "for", "Acme", "Corp.", ",", "lives", "in", "Boston", ".",
        ),
        entities=(Entity(0, 2, "Peop"), Entity(6, 8, "Org"), Entity(11, 12, "Loc")),
        relations=(Relation(0, 1, "Work_For"), Relation(0, 2, "Live_In")),
    ),
    Sentence(
        tokens=("Zenith", "Labs", "is", "based", "in", "Denver", ",", "Colorado", "."),
        entities=(Entity(0, 2, "Org"), Entity(5, 6, "Loc"), Entity(7, 8, "Loc")),
        relations=(Relation(0, 1, "OrgBased_In"), Relation(1, 2, "Located_In")),
    ),
    Sentence(
        tokens=("Police", "said", "Tom", "Baker", "shot", "Sam", "Reed", "on", "Friday", "."),
        entities=(Entity(2, 4, "Peop"), Entity(5, 7, "Peop"), Entity(8, 9, "Other")),
        relations=(Relation(0, 1, "Kill"),),
    ),
)
"""fixtures/data/spert/sample.json (CoNLL04 types)."""

ACE05_SAMPLE: Tuple[Sentence, ...] = (
    Sentence(
        tokens=("The", "president", "flew", "to", "Paris", "on", "Air", "Force", "One", "."),
        entities=(Entity(1, 2, "PER"), Entity(4, 5, "GPE"), Entity(6, 9, "VEH")),
        relations=(Relation(0, 1, "PHYS"), Relation(0, 2, "ART")),
    ),
    Sentence(tokens=("It", "was", "a", "short", "trip", ".")),
    Sentence(
        tokens=("His", "aides", "from", "the", "State", "Department", "joined", "him", "."),
        entities=(Entity(1, 2, "PER"), Entity(4, 6, "ORG"), Entity(7, 8, "PER")),
        relations=(Relation(0, 1, "ORG-AFF"), Relation(0, 2, "PER-SOC")),
    ),
    Sentence(
        tokens=("Rebels", "attacked", "the", "base", "."),
        entities=(Entity(0, 1, "PER"), Entity(3, 4, "FAC")),
    ),
    # The document's second sentence starts at token 5: its inclusive [7, 8] is Entity(2, 4).
    Sentence(
        tokens=("Soldiers", "fired", "M16", "rifles", "from", "a", "tank", "near", "the", "river", "."),
        entities=(Entity(0, 1, "PER"), Entity(2, 4, "WEA"), Entity(6, 7, "VEH"), Entity(9, 10, "LOC")),
        relations=(Relation(0, 1, "ART"), Relation(2, 3, "PHYS")),
    ),
)
"""fixtures/data/dygie/ace05_sample.json: two documents of three and two sentences."""

SCIERC_SAMPLE: Tuple[Sentence, ...] = (
    Sentence(
        tokens=("We", "propose", "a", "neural", "parser", "for", "dependency", "parsing", "."),
        entities=(Entity(3, 5, "Method"), Entity(6, 8, "Task")),
        relations=(Relation(0, 1, "USED-FOR"),),
    ),
    Sentence(
        tokens=(
            "The", "parser", "is", "evaluated", "with", "labeled", "attachment", "score", "on", "the",
            "Penn", "Treebank", ".",
        ),
        entities=(Entity(1, 2, "Generic"), Entity(5, 8, "Metric"), Entity(10, 12, "Material")),
        relations=(Relation(1, 0, "EVALUATE-FOR"), Relation(2, 0, "EVALUATE-FOR")),
    ),
)
"""fixtures/data/dygie/scierc_sample.json: one abstract of two sentences."""

WEBNLG_SAMPLE: Tuple[Sentence, ...] = (
    # The third triple repeats the first and is merged.
    Sentence(
        tokens=(
            "Alan", "Shepard", "was", "born", "in", "New", "Hampshire", "and", "served", "in", "the",
            "United", "States", "Navy", ".",
        ),
        entities=(
            Entity(0, 2, CASREL_ENTITY_TYPE),
            Entity(5, 7, CASREL_ENTITY_TYPE),
            Entity(11, 14, CASREL_ENTITY_TYPE),
        ),
        relations=(Relation(0, 1, "birthPlace"), Relation(0, 2, "militaryBranch")),
        compare_text=True,
    ),
    # "Aarhus" is placed at its first occurrence, inside "Aarhus Airport", not at tokens 6 or 9.
    Sentence(
        tokens=(
            "Aarhus", "Airport", "serves", "the", "city", "of", "Aarhus", ",", "and", "Aarhus", "is",
            "in", "Denmark", ".",
        ),
        entities=(
            Entity(0, 2, CASREL_ENTITY_TYPE),
            Entity(0, 1, CASREL_ENTITY_TYPE),
            Entity(12, 13, CASREL_ENTITY_TYPE),
        ),
        relations=(Relation(0, 1, "cityServed"), Relation(1, 2, "country")),
        compare_text=True,
    ),
    # "Northern Technical University" is not in the text: its triple is kept unplaced.
    Sentence(
        tokens=("The", "Lakeside", "Institute", "of", "Technology", "is", "in", "Bangalore", "."),
        entities=(Entity(1, 5, CASREL_ENTITY_TYPE), Entity(7, 8, CASREL_ENTITY_TYPE)),
        relations=(Relation(0, 1, "city"),),
        unplaced_relations=(
            UnplacedRelation(
                "Northern Technical University",
                "Lakeside Institute of Technology",
                "affiliation",
                CASREL_ENTITY_TYPE,
                CASREL_ENTITY_TYPE,
            ),
        ),
        compare_text=True,
    ),
)
"""fixtures/data/casrel/webnlg_sample.json (full entity strings)."""

WEBNLG_STAR_SAMPLE: Tuple[Sentence, ...] = (
    Sentence(
        tokens=("Alan", "Shepard", "was", "born", "in", "New", "Hampshire", "."),
        entities=(Entity(1, 2, CASREL_ENTITY_TYPE), Entity(6, 7, CASREL_ENTITY_TYPE)),
        relations=(Relation(0, 1, "birthPlace"),),
        compare_text=True,
    ),
    Sentence(
        tokens=(
            "The", "Lakeside", "Institute", "of", "Technology", "is", "in", "Bangalore", ",", "India", ".",
        ),
        entities=(
            Entity(4, 5, CASREL_ENTITY_TYPE),
            Entity(7, 8, CASREL_ENTITY_TYPE),
            Entity(9, 10, CASREL_ENTITY_TYPE),
        ),
        relations=(Relation(0, 1, "city"), Relation(1, 2, "country")),
        compare_text=True,
    ),
)
"""fixtures/data/casrel/webnlg_star_sample.json (last word of each entity)."""
