"""
Cascade-SRN's decoding scheme: entity extraction, subject extraction and subject-oriented object
extraction as three span-extraction turns, with early or late fusion of the earlier turns' output.
"""
import math
from collections import defaultdict
from typing import Dict, List, Optional, Sequence, Tuple

import torch
from allennlp.common.checks import ConfigurationError
from allennlp.data import TokenIndexer, Vocabulary
from allennlp.models import Model
from allennlp.modules import Seq2SeqEncoder, TextFieldEmbedder
from allennlp.nn import InitializerApplicator

from jointre_plugins.data.structures import Entity, Relation, Sentence
from jointre_plugins.labels import ENTITY_LABELS, RELATION_LABELS, label_index
from jointre_plugins.models.joint_extraction_model import (
    Extraction,
    JointBatch,
    JointExtractionModel,
    check_probability,
)
from jointre_plugins.modules.span_extraction_head import Span, SpanExtractionHead, SpanScores
from jointre_plugins.modules.text_markers import (
    SUBJECT_MARKERS,
    MarkedWords,
    add_marker_tokens,
    entity_type_markers,
    insert_markers,
)

FUSIONS = ("late", "early")
MODULES = ("entity", "subject", "object")
PARTS = ("start", "end", "match")

SubjectPair = Tuple[int, int, int]
"""A (sentence, candidate subject) pair of a batch: `(batch index, start, end)`, `end` exclusive."""


@Model.register("cascade_span_extraction")
class CascadeSpanExtractionModel(JointExtractionModel):
    """
    Cascade-SRN (paper 000, sections 3.1-3.5, appendices A-B): relations are functions from a
    subject and a relation type to objects, and joint extraction is three span-extraction turns of
    one architecture (`SpanExtractionHead`): entity extraction (EE, one label per entity type) on
    the encoder's `entity` features, subject extraction (SE, one label) on its `subject` features,
    and subject-oriented object extraction (SOE, one label per relation type) on its `object`
    features, once per (sentence, subject). Every subject s and object o of relation type r that
    SOE finds for s is the triple (s, r, o).

    SE and SOE learn from the turns before them by one of two fusions:

    - `"late"` (section 3.4.2, eq. 11): the sentence is encoded once; SE reads each word's entity
      tag embedding (its entity's type, or none) next to the subject features, and SOE reads the
      entity tag and the subject tag embedding (in the subject or not) around the object features.
      With the paper's linear span heads, a word outside the subject span then has the same object
      scores whatever the subject: SOE cannot tell whose objects it is finding. The option
      `subject_context_encoder` (not in the paper) runs a small encoder over each (sentence,
      subject) pair's fused input first, which carries the subject's position to every word.
    - `"early"` (section 3.4.1): typed markers around the entities (`entity_markers`) are inserted
      into the words, which are embedded and encoded again for SE; for SOE, subject markers too,
      once per (sentence, subject), in passes of `chunk_size` sequences. The markers become special
      tokens of the transformer with embeddings of their own (`add_marker_tokens`), and the span
      heads read the features of the original words only, so spans index the original words.

    Training (appendix B) feeds the gold entities to SE and SOE, and SOE runs for every gold
    entity as a candidate subject, so it also learns to find no object for a non-subject
    (`golden_subjects_only` runs it for the gold subjects only: the ablation of table 2). At
    inference EE's entities feed SE, and SOE runs for each subject SE predicts. While training,
    the predictions the training metrics score are those of these teacher-forced turns: EE's
    entities, and the triples SOE finds for the candidates SE predicts. Losses are computed while
    training only; validation scores the whole cascade.

    A triple's subject and object take their entity types from EE: each is linked to the entities
    EE predicted over the same words (every one of them, if EE gave a span two types). A triple
    whose subject or object span EE did not predict has no entity to link and is dropped; the
    number dropped is the metric `triples_without_entity`. The paper does not say what happens to
    such spans; the strict relation metric could not score them anyway.

    Losses (eqs. 14-15): binary cross-entropy summed over the words (and for the match tables the
    word pairs i <= j) of a sequence, and over the candidate subjects of a sentence for SOE, then
    averaged over the sentences of the batch. The nine α, β, γ of eq. 15 are `loss_weights` over
    the losses `entity_start`, `entity_end`, `entity_match`, `subject_start`, ..., `object_match`.

    With `extract_relations` false, only EE runs and trains: the independent NER of table 2.

    Registered as a `Model` with name "cascade_span_extraction".

    # Parameters

    vocab : `Vocabulary`
        Holds the `entity_labels` and `relation_labels` namespaces.
    text_field_embedder : `TextFieldEmbedder`
        Embeds the words; early fusion needs it to hold one transformer.
    encoder : `Seq2SeqEncoder`
        A `MultiTaskEncoder` with the tasks `entity`, `subject` and `object` (`srn`), one mapped to
        them by `task_map` (an `mge`: `{"subject": "relation", "object": "relation"}`), or a plain
        encoder (`lstm`) whose output feeds every turn.
    fusion : `str`, optional (default = `"late"`)
        `"late"` or `"early"`.
    tag_embedding_dim : `int`, optional (default = `50`)
        The size d_t of late fusion's entity and subject tag embeddings. The paper does not give it.
    subject_context_encoder : `Seq2SeqEncoder`, optional (default = `None`)
        Late fusion only: an encoder over SOE's fused input of every (sentence, subject) pair,
        e.g. a one-layer BiLSTM, between eq. 11 and the object head. `None` is the paper's late
        fusion. A batch without candidate subjects skips it.
    entity_markers : `bool`, optional (default = `True`)
        Early fusion only: mark the entities for SE and SOE; false marks only the subject for SOE
        and runs SE on the plain sentence (the "Subject" markers of table 2).
    golden_subjects_only : `bool`, optional (default = `False`)
        Train SOE on the gold subjects only instead of every gold entity.
    extract_relations : `bool`, optional (default = `True`)
        Run and train SE and SOE; false leaves EE alone.
    threshold : `float`, optional (default = `0.5`)
        The probability each start, end and match must reach for a span to be predicted.
    chunk_size : `int`, optional (default = `32`)
        Early fusion: the most marked sequences embedded and encoded in one pass.
    dropout : `float`, optional (default = `0.1`)
        Dropout on the embedded words.
    loss_weights : `Dict[str, float]`, optional (default = `None`)
        α, β, γ of each turn by loss name; all 1 by default.
    task_map : `Dict[str, str]`, optional (default = `None`)
        The encoder task feeding each turn, when the encoder names its tasks otherwise.
    token_indexers : `Dict[str, TokenIndexer]`, optional (default = `None`)
        The reader's indexers; early fusion indexes the marked words with copies of them.
    initializer : `InitializerApplicator`, optional
        Initialises the parameters.
    """

    required_tasks = MODULES
    loss_names = tuple(f"{module}_{part}" for module in MODULES for part in PARTS)

    def __init__(
        self,
        vocab: Vocabulary,
        text_field_embedder: TextFieldEmbedder,
        encoder: Seq2SeqEncoder,
        fusion: str = "late",
        tag_embedding_dim: int = 50,
        subject_context_encoder: Optional[Seq2SeqEncoder] = None,
        entity_markers: bool = True,
        golden_subjects_only: bool = False,
        extract_relations: bool = True,
        threshold: float = 0.5,
        chunk_size: int = 32,
        dropout: float = 0.1,
        loss_weights: Optional[Dict[str, float]] = None,
        task_map: Optional[Dict[str, str]] = None,
        token_indexers: Optional[Dict[str, TokenIndexer]] = None,
        initializer: Optional[InitializerApplicator] = None,
        **kwargs,
    ) -> None:
        if fusion not in FUSIONS:
            raise ConfigurationError(f"fusion must be one of {FUSIONS}, not {fusion!r}")
        check_probability("threshold", threshold)
        if chunk_size < 1:
            raise ConfigurationError(f"chunk_size must be at least 1, not {chunk_size}")
        if subject_context_encoder is not None and fusion != "late":
            raise ConfigurationError("subject_context_encoder is part of late fusion; early fusion re-encodes instead")
        early = fusion == "early" and extract_relations
        if early:
            if not token_indexers:
                raise ConfigurationError(
                    "Early fusion embeds marked words and needs the reader's token_indexers in the model's config"
                )
            entity_types = vocab.get_index_to_token_vocabulary(ENTITY_LABELS)
            markers = list(SUBJECT_MARKERS)
            if entity_markers:
                for index in sorted(entity_types):
                    markers.extend(entity_type_markers(entity_types[index]))
            token_indexers = add_marker_tokens(text_field_embedder, token_indexers, markers)
        super().__init__(vocab, text_field_embedder, encoder, dropout, loss_weights, task_map, token_indexers, **kwargs)
        self._early = early
        self._entity_markers = entity_markers
        self._golden_subjects_only = golden_subjects_only
        self._extract_relations = extract_relations
        self._chunk_size = chunk_size
        # sigmoid(x) >= threshold exactly when x >= logit(threshold).
        self._threshold_logit = math.log(threshold / (1.0 - threshold))
        num_entity_labels = vocab.get_vocab_size(ENTITY_LABELS)
        self._entity_head = SpanExtractionHead(self.task_output_dim("entity"), num_entity_labels)
        self._triples_without_entity = 0
        # Inference only: the sentences seen and the subjects SOE ran for, early fusion's cost.
        self._inference_sentences = 0
        self._inference_subjects = 0
        if extract_relations:
            late_dim = 0 if early else tag_embedding_dim
            if not early:
                # Row 0 is "no entity", row k + 1 entity type k.
                self._entity_tags = torch.nn.Embedding(num_entity_labels + 1, tag_embedding_dim)
                self._subject_tags = torch.nn.Embedding(2, tag_embedding_dim)
            self._subject_head = SpanExtractionHead(self.task_output_dim("subject") + late_dim, 1)
            object_dim = self.task_output_dim("object") + 2 * late_dim
            self._subject_context_encoder = subject_context_encoder
            if subject_context_encoder is not None:
                if subject_context_encoder.get_input_dim() != object_dim:
                    raise ConfigurationError(
                        f"subject_context_encoder takes inputs of size {subject_context_encoder.get_input_dim()}, "
                        f"but SOE's fused input has {object_dim} (object features + 2 x tag_embedding_dim)"
                    )
                object_dim = subject_context_encoder.get_output_dim()
            self._object_head = SpanExtractionHead(object_dim, vocab.get_vocab_size(RELATION_LABELS))
        self._finish_init(initializer)

    def extract(self, batch: JointBatch, features: Dict[str, torch.Tensor]) -> Extraction:
        """
        Runs the cascade, teacher-forced while training.

        # Returns

        `Extraction`
            Its tensors are the start, end and match logits of EE (`entity_start_logits`
            `(batch_size, num_tokens, num_entity_labels)`, `entity_end_logits` alike,
            `entity_match_logits` `(batch_size, num_tokens, num_tokens, num_entity_labels)`) and of
            SE (`subject_*_logits`, one label).
        """
        if batch.training and batch.golds is None:
            raise ValueError(f"{type(self).__name__} trains on gold entities and relations, which this batch lacks")
        mask = batch.mask
        lengths = [len(words) for words in batch.words]
        golds = [_GoldSpans(gold, length, self.vocab) for gold, length in zip(batch.golds or [], lengths)]
        losses: Dict[str, torch.Tensor] = {}
        entity_scores = self._entity_head(features["entity"])
        entities = self._entity_head.decode(entity_scores, mask, self._threshold_logit)
        tensors = _named("entity", entity_scores)
        if batch.training:
            gold_entities = [gold.entities for gold in golds]
            losses.update(self._turn_losses("entity", self._entity_head, entity_scores, gold_entities, mask))
        if not self._extract_relations:
            return Extraction(self._sentences(batch.words, entities, [], []), losses, tensors)

        prior_entities = [gold.entities for gold in golds] if batch.training else entities
        subject_scores = self._subject_head(self._subject_features(batch, features, prior_entities))
        subjects = self._subject_head.decode(subject_scores, mask, self._threshold_logit)
        tensors.update(_named("subject", subject_scores))
        if batch.training:
            gold_subjects = [gold.subjects for gold in golds]
            losses.update(self._turn_losses("subject", self._subject_head, subject_scores, gold_subjects, mask))
            candidates = [gold.subjects if self._golden_subjects_only else gold.entities for gold in golds]
        else:
            candidates = subjects
        pairs = sorted({(index, start, end) for index, spans in enumerate(candidates) for start, end, _ in spans})
        if not batch.training:
            self._inference_sentences += len(batch.words)
            self._inference_subjects += len(pairs)
        object_features, object_mask = self._object_features(batch, features, prior_entities, pairs)
        object_scores = self._object_head(object_features)
        objects = self._object_head.decode(object_scores, object_mask, self._threshold_logit)
        if batch.training:
            targets = [golds[index].objects_of.get((start, end), []) for index, start, end in pairs]
            per_pair = self._object_head.losses(
                object_scores, self._object_head.targets(targets, mask.size(1), mask.device), object_mask
            )
            # Summed over each sentence's candidate subjects, averaged over the sentences.
            losses.update({f"object_{part}": loss.sum() / len(golds) for part, loss in per_pair.items()})
        # While training, the candidates are gold; triples come from those SE predicts.
        predicted_subjects = {(index, start, end) for index, spans in enumerate(subjects) for start, end, _ in spans}
        found = [index for index, pair in enumerate(pairs) if pair in predicted_subjects]
        predictions = self._sentences(
            batch.words, entities, [pairs[index] for index in found], [objects[index] for index in found]
        )
        return Extraction(predictions, losses, tensors)

    def _turn_losses(
        self,
        turn: str,
        head: SpanExtractionHead,
        scores: SpanScores,
        spans: Sequence[Sequence[Span]],
        mask: torch.BoolTensor,
    ) -> Dict[str, torch.Tensor]:
        targets = head.targets(spans, mask.size(1), mask.device)
        return {f"{turn}_{part}": loss.mean() for part, loss in head.losses(scores, targets, mask).items()}

    def _subject_features(
        self, batch: JointBatch, features: Dict[str, torch.Tensor], entities: List[List[Span]]
    ) -> torch.Tensor:
        """SE's input, `(batch_size, num_tokens, dim)`, with the prior `entities` fused in."""
        if not self._early:
            tags = self._entity_tags(self._entity_tag_indices(entities, batch.mask))
            return torch.cat([tags, features["subject"]], dim=-1)
        if not self._entity_markers:
            return features["subject"]
        marked = [
            insert_markers(words, self._typed(sentence_entities))
            for words, sentence_entities in zip(batch.words, entities)
        ]
        return self._encode_marked(marked, "subject", batch.mask)

    def _object_features(
        self,
        batch: JointBatch,
        features: Dict[str, torch.Tensor],
        entities: List[List[Span]],
        pairs: List[SubjectPair],
    ) -> Tuple[torch.Tensor, torch.BoolTensor]:
        """
        SOE's input for each (sentence, subject) pair, `(num_pairs, num_tokens, dim)`, and its
        mask `(num_pairs, num_tokens)`.
        """
        sentences = torch.tensor([index for index, _, _ in pairs], dtype=torch.long, device=batch.mask.device)
        mask = batch.mask[sentences]
        if self._early:
            marked = [
                insert_markers(
                    batch.words[index], self._typed(entities[index]) if self._entity_markers else (), (start, end)
                )
                for index, start, end in pairs
            ]
            return self._encode_marked(marked, "object", mask), mask
        positions = torch.arange(mask.size(1), device=mask.device)
        bounds = torch.tensor(
            [[start, end] for _, start, end in pairs], dtype=torch.long, device=mask.device
        ).view(-1, 2)
        in_subject = (positions >= bounds[:, :1]) & (positions < bounds[:, 1:])  # (num_pairs, num_tokens)
        entity_tags = self._entity_tags(self._entity_tag_indices(entities, batch.mask))[sentences]
        fused = torch.cat([entity_tags, features["object"][sentences], self._subject_tags(in_subject.long())], -1)
        if self._subject_context_encoder is None:
            return fused, mask
        if not pairs:
            return fused.new_zeros(0, mask.size(1), self._subject_context_encoder.get_output_dim()), mask
        return self._subject_context_encoder(fused, mask), mask

    def _entity_tag_indices(self, entities: List[List[Span]], mask: torch.BoolTensor) -> torch.Tensor:
        """
        `(batch_size, num_tokens)`: 0 for a word in no entity, k + 1 for a word of an entity of type
        k. A word in several entities takes the shortest one's type (the paper gives each word one tag).
        """
        tags = torch.zeros_like(mask, dtype=torch.long)
        for index, spans in enumerate(entities):
            for start, end, label in sorted(spans, key=lambda span: span[0] - span[1]):
                tags[index, start:end] = label + 1
        return tags

    def _typed(self, spans: Sequence[Span]) -> List[Tuple[int, int, str]]:
        return [(start, end, self.vocab.get_token_from_index(label, ENTITY_LABELS)) for start, end, label in spans]

    def _encode_marked(self, marked: List[MarkedWords], task: str, mask: torch.BoolTensor) -> torch.Tensor:
        """
        Embeds and encodes marked word sequences in passes of `chunk_size`, and returns the `task`
        features of their original words, `(len(marked), num_tokens, dim)`, zero at padding.
        """
        dim = self.task_output_dim(task)
        chunks = []
        for first in range(0, len(marked), self._chunk_size):
            chunk = marked[first : first + self._chunk_size]
            encoded = self.encode(self.embed_words([list(sequence.words) for sequence in chunk]))[task]
            positions = torch.zeros(len(chunk), mask.size(1), dtype=torch.long, device=mask.device)
            for row, sequence in enumerate(chunk):
                positions[row, : len(sequence.positions)] = torch.tensor(sequence.positions)
            chunks.append(encoded.gather(1, positions.unsqueeze(-1).expand(-1, -1, dim)))
        if not chunks:
            return mask.new_zeros(0, mask.size(1), dim, dtype=torch.float)
        return torch.cat(chunks) * mask.unsqueeze(-1)

    def _sentences(
        self,
        words: List[List[str]],
        entities: List[List[Span]],
        pairs: Sequence[SubjectPair],
        objects: Sequence[List[Span]],
    ) -> List[Sentence]:
        """The predicted sentences: EE's entities, and each subject's objects linked to them as triples."""
        predictions = []
        triples_of: Dict[int, List[Tuple[Tuple[int, int], Span]]] = defaultdict(list)
        for (index, start, end), pair_objects in zip(pairs, objects):
            triples_of[index].extend(((start, end), found) for found in pair_objects)
        for index, sentence_words in enumerate(words):
            sentence_entities = tuple(
                Entity(start, end, self.vocab.get_token_from_index(label, ENTITY_LABELS))
                for start, end, label in entities[index]
            )
            over: Dict[Tuple[int, int], List[int]] = defaultdict(list)
            for position, entity in enumerate(sentence_entities):
                over[(entity.start, entity.end)].append(position)
            relations = set()
            for subject, (start, end, label) in triples_of[index]:
                heads, tails = over.get(subject, []), over.get((start, end), [])
                if not heads or not tails:
                    self._triples_without_entity += 1
                    continue
                relation_type = self.vocab.get_token_from_index(label, RELATION_LABELS)
                relations.update(
                    Relation(head, tail, relation_type) for head in heads for tail in tails if head != tail
                )
            predictions.append(
                Sentence(tuple(sentence_words), sentence_entities, tuple(sorted(relations, key=_relation_order)))
            )
        return predictions

    def get_metrics(self, reset: bool = False) -> Dict[str, float]:
        """
        The joint metric's keys, and at the end of an epoch or evaluation `triples_without_entity`
        (see the class) and `subjects_per_sentence`, the mean number of subjects SOE ran for at
        inference (with early fusion, the passes per sentence beyond EE's and SE's).
        """
        metrics = super().get_metrics(reset)
        if reset:
            metrics["triples_without_entity"] = float(self._triples_without_entity)
            metrics["subjects_per_sentence"] = self._inference_subjects / max(self._inference_sentences, 1)
            self._triples_without_entity = self._inference_sentences = self._inference_subjects = 0
        return metrics


class _GoldSpans:
    """
    A gold sentence's spans as the three turns learn them, within its first `length` words and of
    types the vocabulary knows.

    # Parameters

    gold : `Sentence`
        The uncut gold.
    length : `int`
        The number of words the model sees.
    vocab : `Vocabulary`
        Maps the types to label indices.
    """

    def __init__(self, gold: Sentence, length: int, vocab: Vocabulary) -> None:
        labels = [label_index(vocab, ENTITY_LABELS, entity.type) for entity in gold.entities]
        self.entities: List[Span] = sorted(
            {
                (entity.start, entity.end, label)
                for entity, label in zip(gold.entities, labels)
                if label is not None and entity.end <= length
            }
        )
        objects_of: Dict[Tuple[int, int], set] = defaultdict(set)
        for relation in gold.relations:
            head, tail = gold.entities[relation.head], gold.entities[relation.tail]
            label = label_index(vocab, RELATION_LABELS, relation.type)
            if label is not None and head.end <= length and tail.end <= length:
                objects_of[(head.start, head.end)].add((tail.start, tail.end, label))
        self.objects_of: Dict[Tuple[int, int], List[Span]] = {
            subject: sorted(objects) for subject, objects in objects_of.items()
        }
        self.subjects: List[Span] = [(start, end, 0) for start, end in sorted(self.objects_of)]


def _named(turn: str, scores: SpanScores) -> Dict[str, torch.Tensor]:
    return {f"{turn}_{part}_logits": getattr(scores, part) for part in PARTS}


def _relation_order(relation: Relation) -> tuple:
    return (relation.head, relation.tail, relation.type)
