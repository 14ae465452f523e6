"""
Reader for ACE05.
"""
from allennlp.data import DatasetReader

from jointre_plugins.data.dataset_readers.format_readers import DygieFormatReader


@DatasetReader.register("ace05")
class Ace05Reader(DygieFormatReader):
    """
    Reads ACE05 in the layout DyGIE++'s preprocessing writes: DyGIE JSON lines, one
    document per line, document-level inclusive offsets.

    Registered as a `DatasetReader` with name "ace05".

    # Parameters

    See `DygieFormatReader`.
    """

    corpus_name = "ACE05"
    how_to_obtain = (
        "ACE05 is licensed by the LDC (LDC2006T06); produce train.json, dev.json and test.json "
        "with the ACE05 preprocessing scripts of DyGIE++ (https://github.com/dwadden/dygiepp, "
        "scripts/data/ace05)."
    )
