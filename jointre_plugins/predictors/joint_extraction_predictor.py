"""
The predictor of every joint extraction model, for raw text, pre-tokenised sentences and corpus files.
"""
import json
from typing import Any, Dict, List, Optional

import spacy
from allennlp.common.util import JsonDict, sanitize
from allennlp.data import DatasetReader, Instance
from allennlp.models import Model
from allennlp.predictors import Predictor

from jointre_plugins.data.structures import Entity, Relation, Sentence


@Predictor.register("joint_extraction")
class JointExtractionPredictor(Predictor):
    """
    Predicts entities and relations for one sentence per input line, in one of two forms:

        {"sentence": "John Wilkes Booth shot Abraham Lincoln ."}
        {"tokens": ["John", "Wilkes", "Booth", "shot", "Abraham", "Lincoln", "."]}

    A raw `sentence` is split into words by spaCy's rule-based English tokenizer (no model
    download). A `tokens` input may also carry SpERT-style gold `entities` and `relations`, which
    are then scored and echoed; with `--use-dataset-reader`, corpus files are read by the
    model's own reader and keep their gold the same way.

    Each output line holds `tokens`, `entities` as `{start, end, type}` (end exclusive),
    `relations` as `{head, tail, type}` indexing `entities`, and `gold` in the same form when the
    input had one.

    Registered as a `Predictor` with name "joint_extraction".

    # Parameters

    model : `Model`
        A joint extraction model.
    dataset_reader : `DatasetReader`
        A `JointExtractionReader`, whose `text_to_instance` builds the instances.
    """

    def __init__(self, model: Model, dataset_reader: DatasetReader) -> None:
        super().__init__(model, dataset_reader)
        self._tokenizer = spacy.blank("en").tokenizer
        self._lines_read = 0

    def load_line(self, line: str) -> JsonDict:
        self._lines_read += 1
        try:
            inputs = json.loads(line)
        except json.JSONDecodeError as error:
            raise ValueError(
                f"Input line {self._lines_read} (counting non-blank lines) is not valid JSON "
                f"({error.msg}): {line.strip()[:80]!r}"
            ) from None
        try:
            self._gold(inputs, self._words(inputs))
        except ValueError as error:
            raise ValueError(f"Input line {self._lines_read} (counting non-blank lines): {error}") from None
        return inputs

    def _words(self, inputs: Any) -> List[str]:
        if not isinstance(inputs, dict):
            raise ValueError(f"expected a JSON object, found {type(inputs).__name__}")
        if "tokens" in inputs:
            words = inputs["tokens"]
            if not (isinstance(words, list) and words and all(isinstance(word, str) and word.strip() for word in words)):
                raise ValueError('"tokens" must be a non-empty list of non-empty strings')
            return words
        if "sentence" in inputs:
            if not isinstance(inputs["sentence"], str):
                raise ValueError('"sentence" must be a string')
            words = [token.text for token in self._tokenizer(inputs["sentence"]) if not token.is_space]
            if not words:
                raise ValueError('"sentence" has no words')
            return words
        raise ValueError('expected a "sentence" (raw text) or "tokens" (a list of words) key')

    @staticmethod
    def _gold(inputs: JsonDict, words: List[str]) -> Optional[Sentence]:
        if "entities" not in inputs and "relations" not in inputs:
            return None
        try:
            return Sentence(
                tokens=tuple(words),
                entities=tuple(
                    Entity(entity["start"], entity["end"], entity["type"])
                    for entity in inputs.get("entities", [])
                ),
                relations=tuple(
                    Relation(relation["head"], relation["tail"], relation["type"])
                    for relation in inputs.get("relations", [])
                ),
            )
        except (KeyError, TypeError) as error:
            raise ValueError(
                'gold "entities" need start, end and type, and "relations" head, tail and type '
                f"({type(error).__name__}: {error})"
            ) from None

    def _json_to_instance(self, json_dict: JsonDict) -> Instance:
        words = self._words(json_dict)
        return self._dataset_reader.text_to_instance(words, self._gold(json_dict, words))  # type: ignore

    def predict_instance(self, instance: Instance) -> JsonDict:
        return self.predict_batch_instance([instance])[0]

    def predict_batch_instance(self, instances: List[Instance]) -> List[JsonDict]:
        for instance in instances:
            self._dataset_reader.apply_token_indexers(instance)
        outputs = self._model.forward_on_instances(instances)
        return sanitize([self._without_missing_gold(output) for output in outputs])

    @staticmethod
    def _without_missing_gold(output: Dict[str, Any]) -> Dict[str, Any]:
        # Removed before `sanitize`, which would turn None into the string "None".
        if output.get("gold") is None:
            output.pop("gold", None)
        return output
