"""
The base every decoding scheme builds on: embedding, interaction encoder, loss weighting, metric
and output in one place; each scheme implements only `extract`.
"""
import logging
from dataclasses import dataclass, field
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple

import torch
from allennlp.common.checks import ConfigurationError
from allennlp.data import Batch, Instance, TextFieldTensors, Token, TokenIndexer, Vocabulary
from allennlp.data.fields import TextField
from allennlp.models import Model
from allennlp.modules import Seq2SeqEncoder, TextFieldEmbedder
from allennlp.nn import InitializerApplicator
from allennlp.nn.util import get_text_field_mask, move_to_device

from jointre_plugins.data.structures import Sentence
from jointre_plugins.encoders.multi_task_encoder import MultiTaskEncoder, PredictionHead
from jointre_plugins.labels import ENTITY_LABELS, RELATION_LABELS
from jointre_plugins.metrics.joint_extraction_metric import JointExtractionMetric
from jointre_plugins.modules.sentence_agent import SentenceAgent
from jointre_plugins.modules.unused_poolers import remove_unused_poolers

logger = logging.getLogger(__name__)

PROGRESS_METRICS = ("ner_f1", "rel_f1", "rel_strict_f1")


def check_probability(name: str, value: float) -> None:
    """Raises a `ConfigurationError` unless the setting `name` is strictly between 0 and 1."""
    if not 0.0 < value < 1.0:
        raise ConfigurationError(f"{name} must be a probability strictly between 0 and 1, not {value}")


@dataclass
class EmbeddedWords:
    """
    Word sequences as the base model hands them to a scheme.

    # Parameters

    vectors : `torch.Tensor`
        The embedded words after dropout, `(batch_size, num_tokens, embedding_dim)`.
    mask : `torch.BoolTensor`
        `(batch_size, num_tokens)`, true at real words.
    agent : `torch.Tensor`
        One vector per sentence, `(batch_size, embedding_dim)`: the transformer's first word
        piece (CLS) when the embedder has a transformer, else the mean of the word vectors;
        taken before dropout, which a scheme applies as its paper says.
    """

    vectors: torch.Tensor
    mask: torch.BoolTensor
    agent: torch.Tensor


@dataclass
class JointBatch:
    """
    What a scheme's `extract` sees of a batch besides the encoder's task features.

    # Parameters

    tokens : `TextFieldTensors`
        The indexed words, as the reader made them.
    words : `List[List[str]]`
        The words of each sentence (cut to the reader's maximum length).
    embedded : `EmbeddedWords`
        The embedder's vectors, mask and sentence agents.
    golds : `List[Sentence]`, optional
        The uncut gold of every sentence, or `None` when any sentence lacks gold (raw input).
        Schemes use it for their targets and for teacher forcing while `training`.
    training : `bool`
        Whether the model is training: teacher-forced schemes then feed the gold structure to
        their later stages, and otherwise their own predictions.
    """

    tokens: TextFieldTensors
    words: List[List[str]]
    embedded: EmbeddedWords
    golds: Optional[List[Sentence]]
    training: bool

    @property
    def mask(self) -> torch.BoolTensor:
        return self.embedded.mask


@dataclass
class Extraction:
    """
    What a scheme's `extract` returns.

    # Parameters

    predictions : `List[Sentence]`
        The predicted structure of every sentence of the batch.
    losses : `Dict[str, torch.Tensor]`
        One scalar per loss name of the scheme; empty when the scheme cannot compute a loss here
        (for example at validation, without teacher forcing).
    tensors : `Dict[str, torch.Tensor]`
        Score tensors to return from `forward`, batch first.
    """

    predictions: List[Sentence]
    losses: Dict[str, torch.Tensor] = field(default_factory=dict)
    tensors: Dict[str, torch.Tensor] = field(default_factory=dict)


class JointExtractionModel(Model):
    """
    Owns what every decoding scheme shares: the text field embedder, the interaction encoder,
    dropout, the weighted sum of the task losses, the joint metric, and the human-readable output.

    A scheme declares the tasks it reads (`required_tasks`) and the losses it returns
    (`loss_names`), and implements `extract`, which turns a `JointBatch` and the encoder's task
    features into an `Extraction`. Inside `extract` a scheme may use the gold (`batch.golds`,
    with `batch.training` telling when to teacher-force), the embedded words and sentence agents
    (`batch.embedded`), and re-embed and re-encode word sequences of its own making with
    `embed_words` and `encode` (for example with inserted marker words). A scheme whose encoder
    layers call its prediction heads provides them in `prediction_heads`.

    The encoder may be a `MultiTaskEncoder` or any plain `Seq2SeqEncoder`, whose single output
    then feeds every task (the shared-encoder baseline). `task_map` lets an encoder with other
    task names drive the scheme, e.g. `{"subject": "relation", "object": "relation"}` feeds a
    three-task scheme from a two-task encoder.

    # Parameters

    vocab : `Vocabulary`
        Holds the `entity_labels` and `relation_labels` namespaces.
    text_field_embedder : `TextFieldEmbedder`
        Embeds the words, e.g. a mismatched transformer embedder pooling word pieces to words, or
        GloVe plus characters. A transformer's pooler is removed: no scheme uses it, and a
        parameter without gradient stops distributed training.
    encoder : `Seq2SeqEncoder`
        The interaction encoder.
    dropout : `float`, optional (default = `0.1`)
        Dropout on the embedded words.
    loss_weights : `Dict[str, float]`, optional (default = `None`)
        A weight per loss of `loss_names`; unnamed losses weigh 1.
    task_map : `Dict[str, str]`, optional (default = `None`)
        For each task of the scheme, the encoder task that feeds it; unnamed tasks are fed by the
        encoder task of the same name.
    token_indexers : `Dict[str, TokenIndexer]`, optional (default = `None`)
        The reader's indexers, needed by schemes that re-embed word sequences of their own making
        (`embed_words`).
    """

    required_tasks: Sequence[str] = ()
    loss_names: Sequence[str] = ()
    requires_token_indexers: bool = False
    default_predictor = "joint_extraction"

    def __init__(
        self,
        vocab: Vocabulary,
        text_field_embedder: TextFieldEmbedder,
        encoder: Seq2SeqEncoder,
        dropout: float = 0.1,
        loss_weights: Optional[Dict[str, float]] = None,
        task_map: Optional[Dict[str, str]] = None,
        token_indexers: Optional[Dict[str, TokenIndexer]] = None,
        **kwargs,
    ) -> None:
        super().__init__(vocab, **kwargs)
        name = type(self).__name__
        if encoder.get_input_dim() != text_field_embedder.get_output_dim():
            raise ConfigurationError(
                f"The encoder expects inputs of size {encoder.get_input_dim()}, but the embedder "
                f"gives {text_field_embedder.get_output_dim()}"
            )
        unknown_losses = sorted(set(loss_weights or {}) - set(self.loss_names))
        if unknown_losses:
            raise ConfigurationError(
                f"loss_weights names {unknown_losses}, but {name} has the losses {tuple(self.loss_names)}"
            )
        if self.requires_token_indexers and not token_indexers:
            raise ConfigurationError(
                f"{name} re-embeds word sequences and needs the reader's token_indexers"
            )
        self._task_map = self._checked_task_map(dict(task_map or {}), encoder)
        remove_unused_poolers(text_field_embedder)
        self._text_field_embedder = text_field_embedder
        self._sentence_agent = SentenceAgent(text_field_embedder)
        self._encoder = encoder
        self._dropout = torch.nn.Dropout(dropout)
        self._loss_weights = dict(loss_weights or {})
        self._token_indexers = token_indexers
        self._metric = JointExtractionMetric(
            entity_types=vocab.get_token_to_index_vocabulary(ENTITY_LABELS),
            relation_types=vocab.get_token_to_index_vocabulary(RELATION_LABELS),
        )

    def _checked_task_map(self, task_map: Dict[str, str], encoder: Seq2SeqEncoder) -> Dict[str, str]:
        name = type(self).__name__
        unknown = sorted(set(task_map) - set(self.required_tasks))
        if unknown:
            raise ConfigurationError(
                f"task_map names {unknown}, but {name} reads the tasks {tuple(self.required_tasks)}"
            )
        full_map = {task: task_map.get(task, task) for task in self.required_tasks}
        if isinstance(encoder, MultiTaskEncoder):
            missing = {task: source for task, source in full_map.items() if source not in encoder.task_names}
            if missing:
                raise ConfigurationError(
                    f"{name} needs the encoder tasks {tuple(self.required_tasks)}, but "
                    f"{type(encoder).__name__} provides {encoder.task_names}; it lacks "
                    f"{sorted(set(missing.values()))}. Map the scheme's tasks to the encoder's "
                    'with task_map, e.g. {"subject": "relation"}.'
                )
            unserved = sorted(set(encoder.required_heads) - set(full_map.values()))
            if unserved:
                raise ConfigurationError(
                    f"{type(encoder).__name__} calls prediction heads for its tasks "
                    f"{encoder.required_heads}, but {name} feeds none of {unserved}"
                )
        return full_map

    def _finish_init(self, initializer: Optional[InitializerApplicator]) -> None:
        """
        Subclasses call this once their own modules exist: it checks that the scheme's prediction
        heads serve the encoder, and initialises the parameters.
        """
        if isinstance(self._encoder, MultiTaskEncoder) and self._encoder.required_heads:
            heads = self.prediction_heads()
            served = {self._task_map[task] for task in heads if task in self._task_map}
            missing = sorted(set(self._encoder.required_heads) - served)
            if missing:
                raise ConfigurationError(
                    f"{type(self._encoder).__name__} calls prediction heads for {missing}, but "
                    f"{type(self).__name__} provides heads for {sorted(heads)}"
                )
            # The encoder's layers that read the predictions are sized by them, before initialising.
            self._encoder.set_prediction_dims(self._by_encoder_task(self.prediction_dims()))
        (initializer or InitializerApplicator())(self)

    def _by_encoder_task(self, by_scheme_task: Mapping[str, Any]) -> Dict[str, Any]:
        """
        Re-keys a scheme's per-task values by the encoder task that feeds each scheme task; where
        several scheme tasks share one encoder task (subject and object fed by relation), the first
        one's value serves it.
        """
        by_encoder_task: Dict[str, Any] = {}
        for task, source in self._task_map.items():
            if task in by_scheme_task:
                by_encoder_task.setdefault(source, by_scheme_task[task])
        return by_encoder_task

    def task_output_dim(self, task: str) -> int:
        """The feature size the encoder gives the scheme's `task`, its agent included."""
        if isinstance(self._encoder, MultiTaskEncoder):
            return self._encoder.get_task_output_dim(self._task_map[task])
        return self._encoder.get_output_dim()

    def task_agent_dim(self, task: str) -> int:
        """The size of the sentence agent at the end of the scheme's `task` features (0 without one)."""
        if isinstance(self._encoder, MultiTaskEncoder):
            return self._encoder.get_task_agent_dim(self._task_map[task])
        return 0

    def embed(self, tokens: TextFieldTensors) -> EmbeddedWords:
        """
        Embeds indexed words, with dropout, and their sentence agents.

        # Parameters

        tokens : `TextFieldTensors`
            Indexed words, `(batch_size, num_tokens)` per indexer.

        # Returns

        `EmbeddedWords`
            Vectors `(batch_size, num_tokens, embedding_dim)`, mask `(batch_size, num_tokens)`
            and agents `(batch_size, embedding_dim)`.
        """
        mask = get_text_field_mask(tokens)  # (batch_size, num_tokens)
        with self._sentence_agent.capture() as agent:
            vectors = self._text_field_embedder(tokens)  # (batch_size, num_tokens, embedding_dim)
        return EmbeddedWords(self._dropout(vectors), mask, agent.vectors(vectors, mask))

    def embed_words(self, words: List[List[str]]) -> EmbeddedWords:
        """
        Indexes and embeds word sequences a scheme made itself (e.g. with inserted marker words)
        with the reader's token indexers, on the model's device.

        # Parameters

        words : `List[List[str]]`
            The words of each sequence.

        # Returns

        `EmbeddedWords`
            As `embed` returns, with `num_tokens` the longest of `words`.
        """
        if not self._token_indexers:
            raise ConfigurationError(f"{type(self).__name__} was built without token_indexers")
        instances = [
            Instance({"tokens": TextField([Token(word) for word in sentence], self._token_indexers)})
            for sentence in words
        ]
        batch = Batch(instances)
        batch.index_instances(self.vocab)
        tensors = move_to_device(batch.as_tensor_dict()["tokens"], self._get_prediction_device())
        return self.embed(tensors)

    def encode(self, embedded: EmbeddedWords) -> Dict[str, torch.Tensor]:
        """
        The encoder's features for each task of the scheme.

        # Parameters

        embedded : `EmbeddedWords`
            What `embed` or `embed_words` returned.

        # Returns

        `Dict[str, torch.Tensor]`
            For each task of `required_tasks`, `(batch_size, num_tokens, task_output_dim(task))`,
            zero at padding for multi-task encoders.
        """
        if not isinstance(self._encoder, MultiTaskEncoder):
            shared = self._encoder(embedded.vectors, embedded.mask)
            return {task: shared for task in self.required_tasks}
        heads = self._by_encoder_task(self.prediction_heads()) if self._encoder.required_heads else None
        if self._encoder.reads_agent:
            features = self._encoder.forward_tasks(embedded.vectors, embedded.mask, heads, agent=embedded.agent)
        else:
            features = self._encoder.forward_tasks(embedded.vectors, embedded.mask, heads)
        return {task: features[source] for task, source in self._task_map.items()}

    def prediction_heads(self) -> Mapping[str, PredictionHead]:
        """
        The scheme's prediction heads by task, for encoders whose layers read the predictions of
        the layer before (RIN). Each maps task features `(batch_size, num_tokens, dim)` and the
        mask `(batch_size, num_tokens)` to a prediction per word `(batch_size, num_tokens,
        prediction_dims()[task])` that the encoder consumes.
        """
        return {}

    def prediction_dims(self) -> Mapping[str, int]:
        """The size of each head's prediction per word, by task, as `prediction_heads` gives them."""
        return {}

    def extract(self, batch: JointBatch, features: Dict[str, torch.Tensor]) -> Extraction:
        """The scheme: predictions for the batch, and its losses where it can compute them."""
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
            `loss` when the scheme computed losses.
        """
        golds = [item["gold"] for item in metadata]
        batch = JointBatch(
            tokens=tokens,
            words=[item["tokens"] for item in metadata],
            embedded=self.embed(tokens),
            golds=golds if all(gold is not None for gold in golds) else None,
            training=self.training,
        )
        extraction = self.extract(batch, self.encode(batch.embedded))
        unknown_losses = sorted(set(extraction.losses) - set(self.loss_names))
        if unknown_losses:
            raise ValueError(f"{type(self).__name__} returned the losses {unknown_losses}, which loss_names lacks")
        output: Dict[str, Any] = dict(extraction.tensors)
        if extraction.losses:
            output["loss"] = sum(
                self._loss_weights.get(name, 1.0) * loss for name, loss in extraction.losses.items()
            )
        if batch.golds is not None:
            self._metric(extraction.predictions, batch.golds)
        output["predictions"] = extraction.predictions
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
        Every key of `JointExtractionMetric` at the end of an epoch or evaluation (`reset=True`),
        with a warning when gold items had types the vocabulary lacks; while an epoch runs, only
        the keys of `PROGRESS_METRICS`, which the trainer shows on its progress bar.
        """
        metrics = self._metric.get_metric(reset)
        if not reset:
            return {key: metrics[key] for key in PROGRESS_METRICS}
        unseen: Tuple[float, float] = (
            metrics["gold_entities_unseen_type"],
            metrics["gold_relations_unseen_type"],
        )
        if any(unseen):
            logger.warning(
                "%d gold entities and %d gold relations have types the model's vocabulary lacks "
                "(unseen in the data it was built from); the model cannot predict them, so they "
                "are scored as misses",
                *unseen,
            )
        return metrics
