"""
The span classification decoding scheme of SpERT and SINET: every short span is classified as an
entity type or none, then every ordered pair of predicted entities as a set of relation types.
"""
import math
import random
from typing import Dict, List, Optional, Tuple

import torch
from allennlp.common.checks import ConfigurationError
from allennlp.data import Vocabulary
from allennlp.models import Model
from allennlp.modules import Seq2SeqEncoder, TextFieldEmbedder
from allennlp.nn import InitializerApplicator

from jointre_plugins.data.structures import Entity, Relation, Sentence
from jointre_plugins.encoders.multi_task_encoder import split_task_agent
from jointre_plugins.labels import ENTITY_LABELS, RELATION_LABELS, label_index
from jointre_plugins.models.joint_extraction_model import (
    Extraction,
    JointBatch,
    JointExtractionModel,
    check_probability,
)
from jointre_plugins.modules.negative_sampling import Span, negative_pairs, negative_spans
from jointre_plugins.modules.range_pooling import POOLING_MODES, RangePooler


@Model.register("span_classification")
class SpanClassificationModel(JointExtractionModel):
    """
    Joint extraction by span classification (SINET section 3.3, after SpERT). Every span of at
    most `max_span_width` words is represented as [pool of its `entity` word features; width
    embedding; entity agent] (eqs. 5-6) and classified by one linear layer and a softmax over
    the entity types and none (eq. 7). Every ordered pair (s1, s2) of spans predicted as entities
    is represented as [pool of s1's `relation` word features; s1's width embedding; pool of the
    embedder's word vectors strictly between the two spans (zero when there are none); the same
    for s2; relation agent] (eqs. 8-9) and classified by a sigmoid per relation type, each
    predicted from `relation_threshold` (eq. 10). The agents are those the encoder appends to its
    task features (`ctam`); with an encoder that gives none, the representations go without.

    Training (eq. 11) follows SpERT's sampling: the entity loss is the cross-entropy over every
    gold span and `negative_entity_count` random other spans of each sentence, averaged over
    them; the relation loss is the binary cross-entropy over every gold entity pair with a
    relation and `negative_relation_count` random gold entity pairs without one, averaged over
    pairs and types. The losses are computed only while training: they depend on the random draw.
    Gold entities wider than `max_span_width` words, or beyond the words the model sees, cannot
    be predicted and are left out of both losses (the metric counts them as misses).

    Choices where the paper is unclear: both spans of a pair take their own width embedding, from
    the matrix the entity classifier uses; "the FNN" of eq. 7 is the one linear layer the equation
    writes; the reverse pair (s2, s1) is the pair with the roles swapped, [s2; context; s1]; the
    none class starts at probability 1 - `entity_prior` (the paper does not say; at even odds an
    untrained model takes most spans for entities and pairs them all).

    Pairs are scored in chunks of `pair_chunk_size` at inference, so a long sentence with many
    candidate entities takes bounded memory; spans and contexts are pooled without a tensor of
    spans x words (`RangePooler`).

    Registered as a `Model` with name "span_classification".

    # Parameters

    vocab : `Vocabulary`
        Holds the `entity_labels` and `relation_labels` namespaces.
    text_field_embedder : `TextFieldEmbedder`
        Embeds the words.
    encoder : `Seq2SeqEncoder`
        A `MultiTaskEncoder` with the tasks `entity` and `relation` (e.g. `ctam`), or a plain
        encoder whose output feeds both.
    max_span_width : `int`, optional (default = `8`)
        The widest span classified, in words.
    width_embedding_dim : `int`, optional (default = `100`)
        The size of the span width embedding.
    span_pooling : `str`, optional (default = `"max"`)
        How a span's word features are pooled: `"max"`, `"sum"` or `"mean"` (table 3).
    context_pooling : `str`, optional (default = `"max"`)
        How the words between two spans are pooled: `"max"`, `"sum"` or `"mean"` (table 3).
    negative_entity_count : `int`, optional (default = `100`)
        Random non-entity spans per training sentence (SpERT's default); at least 1.
    negative_relation_count : `int`, optional (default = `100`)
        Random gold entity pairs without a relation per training sentence (SpERT's default).
    relation_threshold : `float`, optional (default = `0.5`)
        The probability a relation type must reach (the paper's alpha).
    pair_chunk_size : `int`, optional (default = `1000`)
        The most entity pairs scored at once at inference (SpERT's `max_pairs`).
    classifier_dropout : `float`, optional (default = `0.1`)
        Dropout on the span and pair representations, before both classifiers.
    entity_prior : `float`, optional (default = `0.01`)
        The probability of the entity types together at initialisation.
    dropout : `float`, optional (default = `0.1`)
        Dropout on the embedded words.
    loss_weights : `Dict[str, float]`, optional (default = `None`)
        Weights of the `entity` and `relation` losses; both 1 in the paper.
    task_map : `Dict[str, str]`, optional (default = `None`)
        The encoder task feeding each classifier, when the encoder names its tasks otherwise.
    initializer : `InitializerApplicator`, optional
        Initialises the parameters.
    """

    required_tasks = ("entity", "relation")
    loss_names = ("entity", "relation")

    def __init__(
        self,
        vocab: Vocabulary,
        text_field_embedder: TextFieldEmbedder,
        encoder: Seq2SeqEncoder,
        max_span_width: int = 8,
        width_embedding_dim: int = 100,
        span_pooling: str = "max",
        context_pooling: str = "max",
        negative_entity_count: int = 100,
        negative_relation_count: int = 100,
        relation_threshold: float = 0.5,
        pair_chunk_size: int = 1000,
        classifier_dropout: float = 0.1,
        entity_prior: float = 0.01,
        dropout: float = 0.1,
        loss_weights: Optional[Dict[str, float]] = None,
        task_map: Optional[Dict[str, str]] = None,
        initializer: Optional[InitializerApplicator] = None,
        **kwargs,
    ) -> None:
        super().__init__(vocab, text_field_embedder, encoder, dropout, loss_weights, task_map, **kwargs)
        for name, mode in (("span_pooling", span_pooling), ("context_pooling", context_pooling)):
            if mode not in POOLING_MODES:
                raise ConfigurationError(f"{name} must be one of {POOLING_MODES}, not {mode!r}")
        for name, value in (("relation_threshold", relation_threshold), ("entity_prior", entity_prior)):
            check_probability(name, value)
        for name, value, least in (
            ("max_span_width", max_span_width, 1),
            ("pair_chunk_size", pair_chunk_size, 1),
            # The none class learns from the negatives alone.
            ("negative_entity_count", negative_entity_count, 1),
            ("negative_relation_count", negative_relation_count, 0),
        ):
            if value < least:
                raise ConfigurationError(f"{name} must be at least {least}, not {value}")
        self._max_span_width = max_span_width
        self._span_pooling = span_pooling
        self._context_pooling = context_pooling
        self._negative_entity_count = negative_entity_count
        self._negative_relation_count = negative_relation_count
        self._pair_chunk_size = pair_chunk_size
        self._relation_threshold_logit = math.log(relation_threshold / (1.0 - relation_threshold))
        # Drawn from Python's generator, which AllenNLP seeds before it builds the model, so a run's
        # samples repeat with its seed.
        self._rng = random.Random(random.getrandbits(64))
        self._agent_dims = {task: self.task_agent_dim(task) for task in self.required_tasks}
        word_dims = {task: self.task_output_dim(task) - self._agent_dims[task] for task in self.required_tasks}
        num_entity_types = vocab.get_vocab_size(ENTITY_LABELS)
        self._width_embedding = torch.nn.Embedding(max_span_width, width_embedding_dim)
        self._classifier_dropout = torch.nn.Dropout(classifier_dropout)
        self._entity_classifier = torch.nn.Linear(
            word_dims["entity"] + width_embedding_dim + self._agent_dims["entity"], num_entity_types + 1
        )
        self._relation_classifier = torch.nn.Linear(
            2 * (word_dims["relation"] + width_embedding_dim)
            + text_field_embedder.get_output_dim()
            + self._agent_dims["relation"],
            vocab.get_vocab_size(RELATION_LABELS),
        )
        self._finish_init(initializer)
        with torch.no_grad():
            # Class 0 is none; the types share entity_prior at the start.
            self._entity_classifier.bias.zero_()
            self._entity_classifier.bias[0] = math.log((1.0 - entity_prior) * num_entity_types / entity_prior)

    def extract(self, batch: JointBatch, features: Dict[str, torch.Tensor]) -> Extraction:
        """
        Classifies every span, then the pairs of predicted entities; while training, also the
        sampled spans and pairs for the losses.

        # Returns

        `Extraction`
            Its tensor is `entity_logits`, `(batch_size, num_tokens * max_span_width,
            num_entity_types + 1)`, for the span starting at word i of width w at i *
            max_span_width + w - 1, class 0 being none; zero for spans past a sentence's end.
        """
        mask = batch.mask
        batch_size, num_tokens = mask.shape
        device = mask.device
        entity_words, entity_agent = split_task_agent(features["entity"], self._agent_dims["entity"])
        relation_words, relation_agent = split_task_agent(features["relation"], self._agent_dims["relation"])
        scorer = _PairScorer(
            RangePooler(relation_words, self._span_pooling, self._max_span_width),
            RangePooler(batch.embedded.vectors, self._context_pooling),
            relation_agent,
            self._width_embedding,
            self._classifier_dropout,
            self._relation_classifier,
        )
        # Every span, start-major: (num_spans,) with num_spans = num_tokens * max_span_width.
        starts = torch.arange(num_tokens, device=device).repeat_interleave(self._max_span_width)
        widths = torch.arange(1, self._max_span_width + 1, device=device).repeat(num_tokens)
        ends = starts + widths
        span_mask = ends.unsqueeze(0) <= mask.sum(dim=1, keepdim=True)  # (batch_size, num_spans)
        # Only the spans inside a sentence are classified, not those over the batch's padding.
        sentences, spans = span_mask.nonzero(as_tuple=True)  # (num_real_spans,) each
        pooled = RangePooler(entity_words, self._span_pooling, self._max_span_width)(
            sentences, starts[spans], ends[spans]
        )  # (num_real_spans, dim)
        parts = [pooled, self._width_embedding(widths[spans] - 1)]
        if entity_agent is not None:
            parts.append(entity_agent[sentences])
        real_span_logits = self._entity_classifier(self._classifier_dropout(torch.cat(parts, dim=-1)))
        entity_logits = real_span_logits.new_zeros(batch_size, starts.size(0), real_span_logits.size(-1))
        # In place: the zeros are new and need no gradient, so nothing else reads them.
        entity_logits.index_put_((sentences, spans), real_span_logits)

        losses = {}
        if batch.training and batch.golds is not None:
            losses = self._losses(entity_logits, scorer, batch)
        with torch.no_grad():
            predictions = self._decode(entity_logits, span_mask, starts, ends, scorer, batch.words)
        return Extraction(predictions, losses, {"entity_logits": entity_logits})

    def _losses(self, entity_logits: torch.Tensor, scorer: "_PairScorer", batch: JointBatch) -> Dict[str, torch.Tensor]:
        assert batch.golds is not None
        span_rows: List[Tuple[int, int, int]] = []  # (sentence, span index, label)
        pair_rows: List[Tuple[int, Span, Span]] = []
        pair_targets: List[List[float]] = []
        num_relation_types = self.vocab.get_vocab_size(RELATION_LABELS)
        for index, (gold, words) in enumerate(zip(batch.golds, batch.words)):
            entities, relations = _trainable_gold(gold, len(words), self._max_span_width, self.vocab)
            spans = list(entities)
            negatives = negative_spans(len(words), self._max_span_width, spans, self._negative_entity_count, self._rng)
            span_rows.extend((index, self._span_index(span), entities[span]) for span in spans)
            span_rows.extend((index, self._span_index(span), 0) for span in negatives)
            sampled = list(relations) + negative_pairs(
                len(spans), relations, self._negative_relation_count, self._rng
            )
            for head, tail in sampled:
                pair_rows.append((index, spans[head], spans[tail]))
                target = [0.0] * num_relation_types
                for label in relations.get((head, tail), ()):
                    target[label] = 1.0
                pair_targets.append(target)
        device = entity_logits.device
        sentences, span_indices, labels = (torch.tensor(column, device=device) for column in zip(*span_rows))
        entity_loss = torch.nn.functional.cross_entropy(entity_logits[sentences, span_indices], labels)
        relation_logits = scorer(*_pair_tensors(pair_rows, device))  # (num_pairs, num_relation_types)
        targets = torch.tensor(pair_targets, device=device).view(-1, num_relation_types)
        # Summed and divided rather than averaged, so that a batch without pairs adds a zero loss
        # that still reaches the classifier (distributed training needs every parameter's gradient).
        relation_loss = torch.nn.functional.binary_cross_entropy_with_logits(
            relation_logits, targets.to(relation_logits.dtype), reduction="sum"
        ) / max(targets.numel(), 1)
        return {"entity": entity_loss, "relation": relation_loss}

    def _span_index(self, span: Span) -> int:
        start, end = span
        return start * self._max_span_width + end - start - 1

    def _decode(
        self,
        entity_logits: torch.Tensor,
        span_mask: torch.BoolTensor,
        starts: torch.Tensor,
        ends: torch.Tensor,
        scorer: "_PairScorer",
        words: List[List[str]],
    ) -> List[Sentence]:
        labels = entity_logits.argmax(dim=-1)  # (batch_size, num_spans)
        hits = ((labels > 0) & span_mask).nonzero().tolist()  # rows of [sentence, span index]
        starts_list, ends_list, labels_list = starts.tolist(), ends.tolist(), labels.tolist()
        entities_of: List[List[Entity]] = [[] for _ in words]
        for sentence, span in hits:
            entity_type = self.vocab.get_token_from_index(labels_list[sentence][span] - 1, ENTITY_LABELS)
            entities_of[sentence].append(Entity(starts_list[span], ends_list[span], entity_type))
        for entities in entities_of:
            entities.sort(key=lambda entity: (entity.start, entity.end, entity.type))
        pairs = [
            (sentence, head, tail)
            for sentence, entities in enumerate(entities_of)
            for head in range(len(entities))
            for tail in range(len(entities))
            if head != tail
        ]
        relations_of: List[List[Relation]] = [[] for _ in words]
        device = entity_logits.device
        for chunk_start in range(0, len(pairs), self._pair_chunk_size):
            chunk = pairs[chunk_start : chunk_start + self._pair_chunk_size]
            rows = [
                (sentence, _span(entities_of[sentence][head]), _span(entities_of[sentence][tail]))
                for sentence, head, tail in chunk
            ]
            relation_hits = (scorer(*_pair_tensors(rows, device)) >= self._relation_threshold_logit).nonzero().tolist()
            for pair, label in relation_hits:
                sentence, head, tail = chunk[pair]
                relation_type = self.vocab.get_token_from_index(label, RELATION_LABELS)
                relations_of[sentence].append(Relation(head, tail, relation_type))
        return [
            Sentence(
                tuple(sentence_words),
                tuple(entities),
                tuple(sorted(relations, key=lambda relation: (relation.head, relation.tail, relation.type))),
            )
            for sentence_words, entities, relations in zip(words, entities_of, relations_of)
        ]


class _PairScorer:
    """
    Relation logits of entity pairs (eqs. 8-10), each pair given by its sentence and its two spans.

    # Parameters

    span_pooler : `RangePooler`
        Over the `relation` word features.
    context_pooler : `RangePooler`
        Over the embedder's word vectors.
    agent : `torch.Tensor`, optional
        The relation agent of each sentence, `(batch_size, agent_dim)`.
    width_embedding : `torch.nn.Module`
        Embeds a span's width minus 1.
    dropout : `torch.nn.Module`
        Applied to the pair representations.
    classifier : `torch.nn.Module`
        Maps a pair representation to a logit per relation type.
    """

    def __init__(
        self,
        span_pooler: RangePooler,
        context_pooler: RangePooler,
        agent: Optional[torch.Tensor],
        width_embedding: torch.nn.Module,
        dropout: torch.nn.Module,
        classifier: torch.nn.Module,
    ) -> None:
        self._span_pooler = span_pooler
        self._context_pooler = context_pooler
        self._agent = agent
        self._width_embedding = width_embedding
        self._dropout = dropout
        self._classifier = classifier

    def __call__(self, sentences: torch.Tensor, heads: torch.Tensor, tails: torch.Tensor) -> torch.Tensor:
        """
        # Parameters

        sentences : `torch.LongTensor`
            `(num_pairs,)`.
        heads, tails : `torch.LongTensor`
            The spans' starts and exclusive ends, `(num_pairs, 2)` each.

        # Returns

        `torch.Tensor`
            `(num_pairs, num_relation_types)`.
        """
        between_start = torch.minimum(heads[:, 1], tails[:, 1])
        between_end = torch.maximum(heads[:, 0], tails[:, 0]).clamp(min=between_start)  # empty when they touch
        parts = [
            self._span_pooler(sentences, heads[:, 0], heads[:, 1]),
            self._width_embedding(heads[:, 1] - heads[:, 0] - 1),
            self._context_pooler(sentences, between_start, between_end),
            self._span_pooler(sentences, tails[:, 0], tails[:, 1]),
            self._width_embedding(tails[:, 1] - tails[:, 0] - 1),
        ]
        if self._agent is not None:
            parts.append(self._agent[sentences])
        return self._classifier(self._dropout(torch.cat(parts, dim=-1)))


def _span(entity: Entity) -> Span:
    return entity.start, entity.end


def _pair_tensors(rows: List[Tuple[int, Span, Span]], device: torch.device) -> Tuple[torch.Tensor, ...]:
    """Sentences `(num_pairs,)` and head and tail spans `(num_pairs, 2)` of (sentence, head, tail) rows."""
    sentences = torch.tensor([row[0] for row in rows], dtype=torch.long, device=device)
    heads = torch.tensor([row[1] for row in rows], dtype=torch.long, device=device).view(-1, 2)
    tails = torch.tensor([row[2] for row in rows], dtype=torch.long, device=device).view(-1, 2)
    return sentences, heads, tails


def _trainable_gold(
    gold: Sentence, length: int, max_width: int, vocab: Vocabulary
) -> Tuple[Dict[Span, int], Dict[Tuple[int, int], List[int]]]:
    """
    The gold a sentence trains on: its entity spans within the first `length` words, at most
    `max_width` wide and of a type the vocabulary knows, with their class (type index + 1; a span
    with two types keeps the first in type order); and its relations between them, as lists of
    relation type indices keyed by (head, tail) positions in that span order.
    """
    entities: Dict[Span, int] = {}
    for entity in sorted(gold.entities, key=lambda entity: (entity.start, entity.end, entity.type)):
        label = label_index(vocab, ENTITY_LABELS, entity.type)
        if label is not None and entity.end <= length and entity.end - entity.start <= max_width:
            entities.setdefault((entity.start, entity.end), label + 1)
    position = {span: index for index, span in enumerate(entities)}
    relations: Dict[Tuple[int, int], List[int]] = {}
    for relation in gold.relations:
        head, tail = _span(gold.entities[relation.head]), _span(gold.entities[relation.tail])
        label = label_index(vocab, RELATION_LABELS, relation.type)
        if label is not None and head in position and tail in position and head != tail:
            labels = relations.setdefault((position[head], position[tail]), [])
            if label not in labels:
                labels.append(label)
    return entities, relations
