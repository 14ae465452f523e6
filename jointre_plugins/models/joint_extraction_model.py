"""
The base every decoding scheme builds on: embedding, interaction encoder, losses, metric, output.
"""
from typing import Any, Dict, List, Optional, Sequence

import torch
from allennlp.data import TextFieldTensors, Vocabulary
from allennlp.models import Model
from allennlp.modules import Seq2SeqEncoder, TextFieldEmbedder
from allennlp.nn import InitializerApplicator
from allennlp.nn.util import get_text_field_mask

from jointre_plugins.data.structures import Sentence
from jointre_plugins.encoders.multi_task_encoder import MultiTaskEncoder
from jointre_plugins.metrics.joint_extraction_metric import JointExtractionMetric

PROGRESS_METRICS = ("ner_f1", "rel_f1", "rel_strict_f1")


class JointExtractionModel(Model):
    """
    Owns what every decoding scheme shares: the text field embedder, the interaction encoder,
    dropout, the weighted sum of the task losses, the joint metric, and the human-readable output.

    A subclass declares the encoder tasks it reads (`required_tasks`) and implements `score`
    (task features to tensors), `losses` (tensors and gold to one loss per task) and `decode`
    (tensors to predicted `Sentence`s).

    The encoder may be a `MultiTaskEncoder` providing at least `required_tasks`, or any plain
    `Seq2SeqEncoder`, whose single output then feeds every task (the shared-encoder baseline).

    # Parameters

    vocab : `Vocabulary`
        Holds the `entity_labels` and `relation_labels` namespaces.
    text_field_embedder : `TextFieldEmbedder`
        Embeds the words, e.g. a mismatched transformer embedder pooling word pieces to words.
    encoder : `Seq2SeqEncoder`
        The interaction encoder.
    dropout : `float`, optional (default = `0.1`)
        Dropout on the embedded words.
    loss_weights : `Dict[str, float]`, optional (default = `None`)
        A weight per task loss (keys as returned by `losses`); unnamed tasks weigh 1.
    """

    required_tasks: Sequence[str] = ()
    default_predictor = "joint_extraction"

    def __init__(
        self,
        vocab: Vocabulary,
        text_field_embedder: TextFieldEmbedder,
        encoder: Seq2SeqEncoder,
        dropout: float = 0.1,
        loss_weights: Optional[Dict[str, float]] = None,
        **kwargs,
    ) -> None:
        super().__init__(vocab, **kwargs)
        if encoder.get_input_dim() != text_field_embedder.get_output_dim():
            raise ValueError(
                f"The encoder expects inputs of size {encoder.get_input_dim()}, but the embedder "
                f"gives {text_field_embedder.get_output_dim()}"
            )
        if isinstance(encoder, MultiTaskEncoder):
            missing = [task for task in self.required_tasks if task not in encoder.task_names]
            if missing:
                raise ValueError(
                    f"{type(self).__name__} needs the encoder tasks {tuple(self.required_tasks)}, but "
                    f"{type(encoder).__name__} provides {encoder.task_names}"
                )
        self._text_field_embedder = text_field_embedder
        self._encoder = encoder
        self._dropout = torch.nn.Dropout(dropout)
        self._loss_weights = dict(loss_weights or {})
        self._metric = JointExtractionMetric()

    def _finish_init(self, initializer: Optional[InitializerApplicator]) -> None:
        """Subclasses call this once their own modules exist."""
        (initializer or InitializerApplicator())(self)

    def task_output_dim(self, task: str) -> int:
        """The feature size the encoder gives `task`."""
        if isinstance(self._encoder, MultiTaskEncoder):
            return self._encoder.get_task_output_dim(task)
        return self._encoder.get_output_dim()

    def score(self, features: Dict[str, torch.Tensor], mask: torch.BoolTensor) -> Dict[str, torch.Tensor]:
        """Turns task features `(batch_size, num_tokens, dim)` into the scheme's score tensors."""
        raise NotImplementedError

    def losses(
        self, scores: Dict[str, torch.Tensor], mask: torch.BoolTensor, golds: List[Sentence]
    ) -> Dict[str, torch.Tensor]:
        """One scalar loss per task."""
        raise NotImplementedError

    def decode(self, scores: Dict[str, torch.Tensor], mask: torch.BoolTensor, tokens: List[List[str]]) -> List[Sentence]:
        """The predicted structure of every sentence of the batch."""
        raise NotImplementedError

    def forward(  # type: ignore
        self, tokens: TextFieldTensors, metadata: List[Dict[str, Any]]
    ) -> Dict[str, Any]:
        """
        # Parameters

        tokens : `TextFieldTensors`
            The words, from the reader's `tokens` field.
        metadata : `List[Dict[str, Any]]`
            Per sentence, `tokens` (the words) and `gold` (the whole gold `Sentence`, or `None`).

        # Returns

        `Dict[str, Any]`
            The scheme's score tensors, `predictions` (a `Sentence` per instance), `metadata`, and
            `loss` when every sentence has gold.
        """
        mask = get_text_field_mask(tokens)  # (batch_size, num_tokens)
        embedded = self._dropout(self._text_field_embedder(tokens))  # (batch_size, num_tokens, dim)
        if isinstance(self._encoder, MultiTaskEncoder):
            features = self._encoder.forward_tasks(embedded, mask)
        else:
            shared = self._encoder(embedded, mask)
            features = {task: shared for task in self.required_tasks}
        output: Dict[str, Any] = self.score(features, mask)

        golds = [item["gold"] for item in metadata]
        if all(gold is not None for gold in golds):
            task_losses = self.losses(output, mask, golds)
            output["loss"] = sum(
                self._loss_weights.get(task, 1.0) * loss for task, loss in task_losses.items()
            )
        predictions = self.decode(output, mask, [item["tokens"] for item in metadata])
        if all(gold is not None for gold in golds):
            self._metric(predictions, golds)
        output["predictions"] = predictions
        output["metadata"] = metadata
        return output

    def make_output_human_readable(self, output_dict: Dict[str, Any]) -> Dict[str, Any]:
        """
        Replaces the score tensors by one JSON-ready record per sentence: `tokens`, `entities`
        as `{start, end, type}` (end exclusive), `relations` as `{head, tail, type}` indexing the
        entities, and `gold` in the same form (`None` when the input had none).
        """
        records = [prediction.to_json() for prediction in output_dict["predictions"]]
        return {
            "tokens": [record["tokens"] for record in records],
            "entities": [record["entities"] for record in records],
            "relations": [record["relations"] for record in records],
            "gold": [
                None if item["gold"] is None else item["gold"].to_json()
                for item in output_dict["metadata"]
            ],
        }

    def get_metrics(self, reset: bool = False) -> Dict[str, float]:
        """
        Every key of `JointExtractionMetric` at the end of an epoch or evaluation (`reset=True`);
        while an epoch runs, only the keys of `PROGRESS_METRICS`, which the trainer shows on
        its progress bar after each batch.
        """
        metrics = self._metric.get_metric(reset)
        if reset:
            return metrics
        return {key: metrics[key] for key in PROGRESS_METRICS}
