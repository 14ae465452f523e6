"""
Reader for WebNLG.
"""
from allennlp.data import DatasetReader

from jointre_plugins.data.dataset_readers.format_readers import CasrelFormatReader


@DatasetReader.register("webnlg")
class WebNlgReader(CasrelFormatReader):
    """
    Reads WebNLG in CasRel JSON: `webnlg/` with full entity strings (Exact Match), or
    `webnlg_star/` with last-word entities (Partial Match, `last_word_entities: true`).

    Registered as a `DatasetReader` with name "webnlg".

    # Parameters

    See `CasrelFormatReader`.
    """

    corpus_name = "WebNLG"
    how_to_obtain = (
        "Download WebNLG (exact spans) or WebNLG* (last words) from the data folder of CasRel "
        "(https://github.com/weizhepei/CasRel)."
    )
