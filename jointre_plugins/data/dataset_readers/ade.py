"""
Reader for ADE.
"""
from allennlp.data import DatasetReader

from jointre_plugins.data.dataset_readers.format_readers import SpertFormatReader


@DatasetReader.register("ade")
class AdeReader(SpertFormatReader):
    """
    Reads one fold of ADE in SpERT's JSON conversion (overlapping entities removed). The fold is
    chosen by the path, e.g. `ade/split_3_train.json`.

    Registered as a `DatasetReader` with name "ade".

    # Parameters

    See `SpertFormatReader`.
    """

    corpus_name = "ADE"
    how_to_obtain = (
        "Download the ten ADE folds with scripts/fetch_datasets.sh of SpERT "
        "(https://github.com/lavis-nlp/spert)."
    )
