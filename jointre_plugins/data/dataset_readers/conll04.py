"""
Reader for CoNLL04.
"""
from allennlp.data import DatasetReader

from jointre_plugins.data.dataset_readers.format_readers import SpertFormatReader


@DatasetReader.register("conll04")
class Conll04Reader(SpertFormatReader):
    """
    Reads CoNLL04 in SpERT's split and JSON conversion.

    Registered as a `DatasetReader` with name "conll04".

    # Parameters

    See `SpertFormatReader`.
    """

    corpus_name = "CoNLL04"
    how_to_obtain = (
        "Download CoNLL04 with scripts/fetch_datasets.sh of SpERT (https://github.com/lavis-nlp/spert)."
    )
