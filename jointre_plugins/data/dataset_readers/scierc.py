"""
Reader for SciERC, sentence-level (SpERT JSON) or document-level (DyGIE JSON lines).
"""
from typing import Iterable

from allennlp.data import DatasetReader

from jointre_plugins.data.dataset_readers.joint_extraction_reader import JointExtractionReader
from jointre_plugins.data.formats import detect_format, parse_dygie, parse_spert
from jointre_plugins.data.read_report import ReadReport
from jointre_plugins.data.structures import CorpusFormatError, Sentence


@DatasetReader.register("scierc")
class SciErcReader(JointExtractionReader):
    """
    Reads SciERC in either layout in circulation: SpERT's sentence-level JSON list or the
    original release's DyGIE JSON lines (one abstract per line). The layout is detected from the
    file itself; coreference clusters are ignored.

    Registered as a `DatasetReader` with name "scierc".

    # Parameters

    See `JointExtractionReader`.
    """

    corpus_name = "SciERC"
    how_to_obtain = (
        "Download SciERC from its project page (http://nlp.cs.washington.edu/sciIE/, DyGIE layout) "
        "or with scripts/fetch_datasets.sh of SpERT (https://github.com/lavis-nlp/spert)."
    )

    def parse(self, path: str, report: ReadReport) -> Iterable[Sentence]:
        layout = detect_format(path)
        if layout == "dygie":
            return parse_dygie(path)
        if layout == "spert":
            return parse_spert(path)
        raise CorpusFormatError(
            path, "start of file", f"this is a {layout} file, not one of SciERC's layouts (SpERT or DyGIE)"
        )
