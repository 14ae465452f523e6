"""
Unregistered readers for the three formats; each corpus reader picks one and adds its name, its
quirks and how to obtain it.
"""
from typing import Iterable

from jointre_plugins.data.dataset_readers.joint_extraction_reader import JointExtractionReader
from jointre_plugins.data.formats import parse_casrel, parse_dygie, parse_spert
from jointre_plugins.data.read_report import ReadReport
from jointre_plugins.data.structures import Sentence


class SpertFormatReader(JointExtractionReader):
    """A `JointExtractionReader` for SpERT JSON lists of sentences."""

    def parse(self, path: str, report: ReadReport) -> Iterable[Sentence]:
        return parse_spert(path)


class DygieFormatReader(JointExtractionReader):
    """A `JointExtractionReader` for DyGIE JSON lines, one document per line."""

    def parse(self, path: str, report: ReadReport) -> Iterable[Sentence]:
        return parse_dygie(path)


class CasrelFormatReader(JointExtractionReader):
    """
    A `JointExtractionReader` for CasRel JSON, whose entities are strings located in the text.

    # Parameters

    last_word_entities : `bool`, optional (default = `False`)
        The file is a `*_star` file whose entities are only their last word, the Partial Match
        setting; `False` reads full entity strings, the Exact Match setting.
    **kwargs
        See `JointExtractionReader`.
    """

    def __init__(self, last_word_entities: bool = False, **kwargs) -> None:
        super().__init__(**kwargs)
        self._last_word_entities = last_word_entities

    def parse(self, path: str, report: ReadReport) -> Iterable[Sentence]:
        return parse_casrel(path, report, last_word_entities=self._last_word_entities)
