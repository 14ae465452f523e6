"""
Reader for ACE04.
"""
from allennlp.data import DatasetReader

from jointre_plugins.data.dataset_readers.format_readers import DygieFormatReader


@DatasetReader.register("ace04")
class Ace04Reader(DygieFormatReader):
    """
    Reads one ACE04 fold in the layout DyGIE++'s preprocessing writes (DyGIE JSON lines). The
    fold is chosen by the path, e.g. `ace04/fold1/train.json`.

    Registered as a `DatasetReader` with name "ace04".

    # Parameters

    See `DygieFormatReader`.
    """

    corpus_name = "ACE04"
    how_to_obtain = (
        "ACE04 is licensed by the LDC (LDC2005T09); produce the five folds (fold1 ... fold5, each "
        "with train.json, dev.json and test.json) with the ACE04 preprocessing scripts of DyGIE++ "
        "(https://github.com/dwadden/dygiepp, scripts/data/ace04)."
    )
