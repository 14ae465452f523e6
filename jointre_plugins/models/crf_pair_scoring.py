"""
The decoding scheme of "Deeper Task-Specificity": BIO tags under a linear-chain CRF for the
entities, and relation types for every pair of entities scored from their last words.
"""
import math
from typing import Dict, List, Optional, Sequence, Set, Tuple

import torch
from allennlp.data import Vocabulary
from allennlp.models import Model
from allennlp.modules import ConditionalRandomField, Seq2SeqEncoder, TextFieldEmbedder
from allennlp.modules.conditional_random_field import allowed_transitions
from allennlp.nn import Activation, InitializerApplicator

from jointre_plugins.data.structures import Entity, Relation, Sentence
from jointre_plugins.labels import ENTITY_LABELS, RELATION_LABELS
from jointre_plugins.models.joint_extraction_model import (
    Extraction,
    JointBatch,
    JointExtractionModel,
    check_probability,
)
from jointre_plugins.modules.distmult_pair_scorer import DistmultPairScorer
from jointre_plugins.modules.entity_tags import entities_to_tags, tag_set, tags_to_entities


@Model.register("crf_pair_scoring")
class CrfPairScoringModel(JointExtractionModel):
    """
    Joint extraction as Crone (2020, section 3) does it. NER (eq. 2): from the `entity` features,
    FFNN_e1 (`tagger_hidden_dim`, `tagger_activation`) and a linear layer give each word a score
    per BIO tag, and a linear-chain CRF decodes them (Viterbi) into valid BIO sequences only (the
    constraints bind decoding; AllenNLP's CRF computes the likelihood over all transitions).
    RE (eqs. 3-6): each entity is represented by the `relation` features of its last word
    concatenated with an embedding of that word's BIO tag (g_i), and every ordered
    pair of distinct entities is scored for every relation type by a `DistmultPairScorer`
    (DISTMULT, the cosine distance of FFNN_r1 outputs, and a linear layer); a sigmoid above
    `threshold` predicts the relation. Dropout (`relation_dropout`) is applied to g before the
    scoring.

    While training, the entities and tags fed to RE are the gold ones (teacher forcing); at
    validation and prediction they are the CRF's. The loss is the CRF's negative log-likelihood
    (`entity`) plus the relation binary cross-entropy (`relation`, weighted by lambda_r = 5 in the
    paper through `loss_weights`). A gold relation is a target for a pair of its two arguments
    (span and type), so at validation the loss scores the predicted entities that match them.
    While training, the predictions the training metrics score are the CRF's entities and the
    relations among gold entities that the CRF also predicted.

    Gold entities one BIO tag per word cannot hold (nested, crossing, or a span with two types)
    are left out of the targets, the longer of two kept (see `entities_to_tags`), and counted in
    `entities_untaggable`; the metric scores them as misses.

    Choices where the paper is unclear: both losses are summed over a sentence (its words for the
    CRF, its entity pairs and relation types for RE) and averaged over the sentences of a batch;
    pairs of an entity with itself are not scored (neither corpus of the paper relates an entity to
    itself); FFNN_e1 and FFNN_r1 are one layer each, as the equations write them; the dropout
    before RE scoring applies to the whole g (RE features and tag embedding), so to the inputs of
    both DISTMULT and FFNN_r1.

    Registered as a `Model` with name "crf_pair_scoring".

    # Parameters

    vocab : `Vocabulary`
        Holds the `entity_labels` and `relation_labels` namespaces.
    text_field_embedder : `TextFieldEmbedder`
        Embeds the words (the paper: ELMo, GloVe, a character BiRNN and a casing one-hot).
    encoder : `Seq2SeqEncoder`
        A `MultiTaskEncoder` with the tasks `entity` and `relation` (e.g. `stacked_birnn`), or a
        plain encoder.
    tagger_hidden_dim : `int`, optional (default = `64`)
        FFNN_e1's output size.
    tagger_activation : `Activation`, optional (default = `tanh`)
        FFNN_e1's activation (table 1: tanh for CoNLL04, ReLU for ADE).
    label_embedding_dim : `int`, optional (default = `25`)
        The size of the BIO tag embeddings l_i of eq. 3.
    pair_hidden_dim : `int`, optional (default = `128`)
        FFNN_r1's output size.
    pair_activation : `Activation`, optional (default = `relu`)
        FFNN_r1's activation.
    relation_dropout : `float`, optional (default = `0.5`)
        The dropout before RE scoring.
    threshold : `float`, optional (default = `0.9`)
        theta_r, the probability a relation type must exceed.
    dropout : `float`, optional (default = `0.0`)
        Dropout on the embedded words; `stacked_birnn` applies the paper's dropout before each of
        its layers itself.
    loss_weights : `Dict[str, float]`, optional (default = `None`)
        Weights of the `entity` and `relation` losses (the paper: 1 and 5).
    task_map : `Dict[str, str]`, optional (default = `None`)
        The encoder task feeding each head, when the encoder names its tasks otherwise.
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
        tagger_hidden_dim: int = 64,
        tagger_activation: Optional[Activation] = None,
        label_embedding_dim: int = 25,
        pair_hidden_dim: int = 128,
        pair_activation: Optional[Activation] = None,
        relation_dropout: float = 0.5,
        threshold: float = 0.9,
        dropout: float = 0.0,
        loss_weights: Optional[Dict[str, float]] = None,
        task_map: Optional[Dict[str, str]] = None,
        initializer: Optional[InitializerApplicator] = None,
        **kwargs,
    ) -> None:
        super().__init__(vocab, text_field_embedder, encoder, dropout, loss_weights, task_map, **kwargs)
        check_probability("threshold", threshold)
        num_types = vocab.get_vocab_size(ENTITY_LABELS)
        self._tags = tag_set([vocab.get_token_from_index(index, ENTITY_LABELS) for index in range(num_types)], "BIO")
        self._tag_index = {tag: index for index, tag in enumerate(self._tags)}
        self._tag_scorer = torch.nn.Sequential(
            torch.nn.Linear(self.task_output_dim("entity"), tagger_hidden_dim),
            tagger_activation or torch.nn.Tanh(),
            torch.nn.Linear(tagger_hidden_dim, len(self._tags)),
        )
        self._crf = ConditionalRandomField(
            len(self._tags), constraints=allowed_transitions("BIO", dict(enumerate(self._tags)))
        )
        self._label_embeddings = torch.nn.Embedding(len(self._tags), label_embedding_dim)
        self._relation_dropout = torch.nn.Dropout(relation_dropout)
        self._pair_scorer = DistmultPairScorer(
            self.task_output_dim("relation") + label_embedding_dim,
            pair_hidden_dim,
            vocab.get_vocab_size(RELATION_LABELS),
            pair_activation,
        )
        self._threshold_logit = math.log(threshold / (1.0 - threshold))
        self._entities_untaggable = 0
        self._finish_init(initializer)

    def tag_logits(self, features: torch.Tensor) -> torch.Tensor:
        """`entity` features `(batch_size, num_tokens, dim)` to BIO tag scores `(batch_size, num_tokens, num_tags)`."""
        return self._tag_scorer(features)

    def relation_logits(self, vectors: torch.Tensor) -> torch.Tensor:
        """
        The entities' g vectors `(batch_size, num_entities, dim)` (eq. 3) to relation scores
        `(batch_size, num_entities, num_entities, num_relation_types)` (eq. 6), after dropout.
        """
        return self._pair_scorer(self._relation_dropout(vectors)).logits

    def extract(self, batch: JointBatch, features: Dict[str, torch.Tensor]) -> Extraction:
        """
        Tags the words, and scores the relations of the gold entities while training and of the
        tagged ones otherwise.

        # Returns

        `Extraction`
            Its tensors are `tag_logits` `(batch_size, num_tokens, num_tags)` and `relation_logits`
            `(batch_size, num_entities, num_entities, num_relation_types)` over the entities RE
            scored (gold while training, predicted otherwise) in word order, padded to the most
            entities of a sentence of the batch.
        """
        if batch.training and batch.golds is None:
            raise ValueError(f"{type(self).__name__} trains on gold entities and relations, which this batch lacks")
        mask = batch.mask
        tag_logits = self.tag_logits(features["entity"])  # (batch_size, num_tokens, num_tags)
        best_paths = [path for path, _ in self._crf.viterbi_tags(tag_logits, mask)]
        predicted_entities = [tags_to_entities([self._tags[index] for index in path], "BIO") for path in best_paths]
        predicted_tags = torch.zeros_like(mask, dtype=torch.long)
        for index, path in enumerate(best_paths):
            predicted_tags[index, : len(path)] = torch.tensor(path, dtype=torch.long)
        gold_tags = self._gold_tags(batch.golds, mask) if batch.golds is not None else None
        if batch.training:
            tags = gold_tags
            candidates = [tags_to_entities([self._tags[index] for index in row], "BIO") for row in gold_tags.tolist()]
        else:
            tags, candidates = predicted_tags, predicted_entities
        relation_logits, pair_mask = self._relation_logits(features["relation"], tags, candidates)
        losses: Dict[str, torch.Tensor] = {}
        if batch.golds is not None:
            # The CRF's log-likelihood is summed over the batch.
            losses["entity"] = -self._crf(tag_logits, gold_tags, mask) / mask.size(0)
            targets = self._relation_targets(batch.golds, candidates, relation_logits)
            cell_losses = torch.nn.functional.binary_cross_entropy_with_logits(
                relation_logits, targets, reduction="none"
            )
            losses["relation"] = (cell_losses * pair_mask.unsqueeze(-1)).sum() / mask.size(0)
        hits = ((relation_logits >= self._threshold_logit) & pair_mask.unsqueeze(-1)).nonzero().tolist()
        predictions = self._sentences(batch.words, predicted_entities, candidates, hits)
        return Extraction(predictions, losses, {"tag_logits": tag_logits, "relation_logits": relation_logits})

    def _gold_tags(self, golds: Sequence[Sentence], mask: torch.BoolTensor) -> torch.Tensor:
        """The gold BIO tag indices of the words, `(batch_size, num_tokens)`, 0 (O) at padding."""
        tags = torch.zeros_like(mask, dtype=torch.long)
        for index, (gold, length) in enumerate(zip(golds, mask.sum(dim=1).tolist())):
            known = [entity for entity in gold.entities if f"B-{entity.type}" in self._tag_index]
            sentence_tags, left_out = entities_to_tags(known, length, "BIO")
            if self.training:
                self._entities_untaggable += left_out
            tags[index, :length] = torch.tensor([self._tag_index[tag] for tag in sentence_tags], dtype=torch.long)
        return tags

    def _relation_logits(
        self, features: torch.Tensor, tags: torch.Tensor, candidates: List[List[Entity]]
    ) -> Tuple[torch.Tensor, torch.BoolTensor]:
        """
        # Returns

        `Tuple[torch.Tensor, torch.BoolTensor]`
            The logits `(batch_size, num_entities, num_entities, num_relation_types)` of every pair
            of `candidates`, and the pairs scored `(batch_size, num_entities, num_entities)`: two
            distinct entities of a sentence.
        """
        batch_size = features.size(0)
        num_entities = max((len(entities) for entities in candidates), default=0)
        last_words = torch.zeros(batch_size, num_entities, dtype=torch.long, device=features.device)
        entity_mask = torch.zeros(batch_size, num_entities, dtype=torch.bool, device=features.device)
        for index, entities in enumerate(candidates):
            last_words[index, : len(entities)] = torch.tensor([entity.end - 1 for entity in entities], dtype=torch.long)
            entity_mask[index, : len(entities)] = True
        rows = torch.arange(batch_size, device=features.device).unsqueeze(1)
        vectors = torch.cat(  # eq. 3: (batch_size, num_entities, relation_dim + label_embedding_dim)
            [features[rows, last_words], self._label_embeddings(tags[rows, last_words])], dim=-1
        )
        logits = self.relation_logits(vectors)
        distinct = ~torch.eye(num_entities, dtype=torch.bool, device=features.device)
        pair_mask = entity_mask.unsqueeze(2) & entity_mask.unsqueeze(1) & distinct
        return logits, pair_mask

    def _relation_targets(
        self, golds: Sequence[Sentence], candidates: List[List[Entity]], logits: torch.Tensor
    ) -> torch.Tensor:
        """
        The relation targets of the `candidates` pairs, shaped as `logits` `(batch_size,
        num_entities, num_entities, num_relation_types)`: 1 at (sentence, i, j, k) where gold
        relates entity i to entity j by type k (span and type equal, as the strict metric asks).
        """
        targets = torch.zeros_like(logits)
        labels = self.vocab.get_token_to_index_vocabulary(RELATION_LABELS)
        for index, (gold, entities) in enumerate(zip(golds, candidates)):
            position = {entity: order for order, entity in enumerate(entities)}
            for relation in gold.relations:
                label = labels.get(relation.type)
                first = position.get(gold.entities[relation.head])
                second = position.get(gold.entities[relation.tail])
                if label is not None and first is not None and second is not None and first != second:
                    targets[index, first, second, label] = 1.0
        return targets

    def _sentences(
        self,
        words: List[List[str]],
        entities: List[List[Entity]],
        candidates: List[List[Entity]],
        hits: List[List[int]],
    ) -> List[Sentence]:
        """
        The predicted sentences: the CRF's `entities`, and a relation for each hit (sentence, i, j,
        type) between candidates i and j that are among them, span and type (always, unless
        teacher-forced).
        """
        relations: List[Set[Relation]] = [set() for _ in words]
        for sentence, first, second, label in hits:
            order = {entity: position for position, entity in enumerate(entities[sentence])}
            head = order.get(candidates[sentence][first])
            tail = order.get(candidates[sentence][second])
            if head is not None and tail is not None:
                relations[sentence].add(Relation(head, tail, self.vocab.get_token_from_index(label, RELATION_LABELS)))
        return [
            Sentence(tuple(sentence_words), tuple(sentence_entities), tuple(sorted(found, key=_relation_order)))
            for sentence_words, sentence_entities, found in zip(words, entities, relations)
        ]

    def get_metrics(self, reset: bool = False) -> Dict[str, float]:
        """
        The joint metric's keys, and at the end of an epoch or evaluation `entities_untaggable`
        (gold entities of training batches one BIO tag per word cannot hold).
        """
        metrics = super().get_metrics(reset)
        if reset:
            metrics["entities_untaggable"] = float(self._entities_untaggable)
            self._entities_untaggable = 0
        return metrics


def _relation_order(relation: Relation) -> Tuple[int, int, str]:
    return relation.head, relation.tail, relation.type
