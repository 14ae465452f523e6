"""
Reader for NYT.
"""
from allennlp.data import DatasetReader

from jointre_plugins.data.dataset_readers.format_readers import CasrelFormatReader


@DatasetReader.register("nyt")
class NytReader(CasrelFormatReader):
    """
    Reads NYT in CasRel JSON: `nyt/` with full entity strings (Exact Match), or `nyt_star/`
    with last-word entities (Partial Match, `last_word_entities: true`).

    Registered as a `DatasetReader` with name "nyt".

    # Parameters

    See `CasrelFormatReader`.
    """

    corpus_name = "NYT"
    how_to_obtain = (
        "Download NYT (exact spans) or NYT* (last words) from the data folder of CasRel "
        "(https://github.com/weizhepei/CasRel)."
    )
