"""
The predictor of every joint extraction model, for raw text, pre-tokenised sentences and corpus files.
"""
import json
from typing import Any, Dict, List, NamedTuple, Optional, Tuple

import spacy
from allennlp.common.util import JsonDict, sanitize
from allennlp.data import Instance
from allennlp.models import Model
from allennlp.predictors import Predictor

from jointre_plugins.data.dataset_readers.joint_extraction_reader import JointExtractionReader
from jointre_plugins.data.formats import parse_spert_record
from jointre_plugins.data.structures import CorpusFormatError, Entity, Relation, Sentence
from jointre_plugins.predictors.failed_lines import FailedLine, FailedLines
from jointre_plugins.predictors.windows import merge_windows, window_offsets


class _LoadedLine(dict):
    """
    An input as `load_line` read it, equal to the input itself, that also keeps the words and
    gold `load_line` checked, so `predict_batch_json` does not tokenise and parse the line again.
    """

    def __init__(self, inputs: JsonDict, words: List[str], gold: Optional[Sentence]) -> None:
        super().__init__(inputs)
        self.words = words
        self.gold = gold


class _Plan(NamedTuple):
    """How one input is predicted: as one instance (`offsets` is `None`) or in windows."""

    words: List[str]
    gold: Optional[Sentence]
    offsets: Optional[List[int]]


@Predictor.register("joint_extraction")
class JointExtractionPredictor(Predictor):
    """
    Predicts entities and relations for one sentence per input line, in one of two forms:

        {"sentence": "John Wilkes Booth shot Abraham Lincoln ."}
        {"tokens": ["John", "Wilkes", "Booth", "shot", "Abraham", "Lincoln", "."]}

    A raw `sentence` is split into words by spaCy's rule-based English tokenizer (no model
    download). An input with `entities` or `relations` (SpERT-style, over its words; a missing one
    of the two is empty) carries gold, which is echoed; with `--use-dataset-reader`, corpus files
    are read by the model's own reader and keep their gold the same way.

    Each output line holds `tokens`, `entities` as `{start, end, type}` (end exclusive),
    `relations` as `{head, tail, type}` indexing `entities`, and `gold` in the same form when the
    input had gold.

    A sentence longer than the reader's `max_length` is predicted whole: in overlapping windows of
    `max_length` words (see `window_offsets`) whose predictions are merged (see `merge_windows`).
    The windows of a batch of inputs are predicted in batches of as many instances as there are
    inputs, so a batch never holds more words than a batch of sentences that fit.

    An input line that cannot be predicted (not JSON, no words, bad gold) gets the record
    `{"line": number, "error": problem}` in its place in the output, numbering the non-blank input
    lines from 1 as `allennlp predict` reads them; the run goes on, and the process ends by
    reporting the number of such lines and with exit status 1 (see `FailedLines`).

    Registered as a `Predictor` with name "joint_extraction".

    # Parameters

    model : `Model`
        A joint extraction model.
    dataset_reader : `JointExtractionReader`
        The model's reader, whose `text_to_instance` builds the instances and whose `max_length`
        sets the length of the windows.
    """

    def __init__(self, model: Model, dataset_reader: JointExtractionReader) -> None:
        super().__init__(model, dataset_reader)
        self._tokenizer = spacy.blank("en").tokenizer
        # The reader cuts longer sentences to what the model was trained on; windows of that
        # length cover the rest.
        self._window_length: Optional[int] = dataset_reader.max_length
        self._failed_lines = FailedLines()

    def load_line(self, line: str) -> JsonDict:
        """
        The input of one non-blank line (`allennlp predict` calls this for each), checked, or the
        `FailedLine` record of its problem.
        """
        self._failed_lines.lines_read += 1
        # Stripped, so that a string left open ends at the end of the line, not at its newline.
        text = line.strip()
        try:
            inputs = json.loads(text)
        except json.JSONDecodeError as error:
            return self._failed_lines.fail(f"not valid JSON ({error.msg}): {text[:80]!r}")
        try:
            words, gold = self._read_input(inputs)
        except ValueError as error:
            return self._failed_lines.fail(str(error))
        return _LoadedLine(inputs, words, gold)

    def _read_input(self, inputs: Any) -> Tuple[List[str], Optional[Sentence]]:
        """The words and the gold of an input; `ValueError` naming the problem of a bad one."""
        if not isinstance(inputs, dict):
            raise ValueError(f"expected a JSON object, found {type(inputs).__name__}")
        words = self._words(inputs)
        if "entities" not in inputs and "relations" not in inputs:
            return words, None
        record = {
            "tokens": words,
            "entities": inputs.get("entities", []),
            "relations": inputs.get("relations", []),
        }
        try:
            return words, parse_spert_record(record, "input", "gold")
        except CorpusFormatError as error:
            raise ValueError(f"gold: {error.problem}") from None

    def _words(self, inputs: JsonDict) -> List[str]:
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

    def predict_json(self, inputs: JsonDict) -> JsonDict:
        return self.predict_batch_json([inputs])[0]

    def predict_batch_json(self, inputs: List[JsonDict]) -> List[JsonDict]:
        """
        The prediction of every input, in order; a `FailedLine` from `load_line` is returned as
        it is, and any other bad input raises `ValueError`.
        """
        plans: List[Optional[_Plan]] = []  # None for a failed line
        instances: List[Instance] = []
        for json_dict in inputs:
            if isinstance(json_dict, FailedLine):
                plans.append(None)
                continue
            if isinstance(json_dict, _LoadedLine):
                words, gold = json_dict.words, json_dict.gold
            else:
                words, gold = self._read_input(json_dict)
            if self._window_length is None or len(words) <= self._window_length:
                plans.append(_Plan(words, gold, None))
                instances.append(self._dataset_reader.text_to_instance(words, gold))  # type: ignore
                continue
            offsets = window_offsets(len(words), self._window_length)
            plans.append(_Plan(words, gold, offsets))
            for offset in offsets:
                window = words[offset : offset + self._window_length]
                instances.append(self._dataset_reader.text_to_instance(window))  # type: ignore

        outputs = iter(self._predict_in_batches(instances, max(len(inputs), 1)))
        results: List[JsonDict] = []
        for json_dict, plan in zip(inputs, plans):
            if plan is None:
                results.append(dict(json_dict))
            elif plan.offsets is None:
                results.append(next(outputs))
            else:
                windows = [(offset, self._sentence(next(outputs))) for offset in plan.offsets]
                result = merge_windows(plan.words, windows).to_json()
                if plan.gold is not None:
                    result["gold"] = plan.gold.to_json()
                results.append(result)
        return results

    def _predict_in_batches(self, instances: List[Instance], batch_size: int) -> List[JsonDict]:
        outputs: List[JsonDict] = []
        for start in range(0, len(instances), batch_size):
            outputs.extend(self.predict_batch_instance(instances[start : start + batch_size]))
        return outputs

    @staticmethod
    def _sentence(output: JsonDict) -> Sentence:
        """The predicted `Sentence` of one output record."""
        return Sentence(
            tokens=tuple(output["tokens"]),
            entities=tuple(Entity(item["start"], item["end"], item["type"]) for item in output["entities"]),
            relations=tuple(Relation(item["head"], item["tail"], item["type"]) for item in output["relations"]),
        )

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
