"""
RIN's decoding scheme: BIOES tags for the entities, and relation types for every pair of words.
"""
import math
from typing import Dict, Iterator, List, Mapping, Optional, Tuple

import torch
from allennlp.common.checks import ConfigurationError
from allennlp.data import Vocabulary
from allennlp.models import Model
from allennlp.modules import Seq2SeqEncoder, TextFieldEmbedder
from allennlp.nn import InitializerApplicator

from jointre_plugins.data.structures import Relation, Sentence
from jointre_plugins.encoders.multi_task_encoder import PredictionHead
from jointre_plugins.labels import ENTITY_LABELS, RELATION_LABELS
from jointre_plugins.models.joint_extraction_model import (
    Extraction,
    JointBatch,
    JointExtractionModel,
    check_probability,
)
from jointre_plugins.modules.entity_tags import entities_to_tags, tag_set, tags_to_entities
from jointre_plugins.modules.table_targets import relation_targets


@Model.register("bioes_word_pair")
class BioesWordPairModel(JointExtractionModel):
    """
    Joint extraction by BIOES tagging and word-pair classification (RIN section 4). From the
    `entity` features, a softmax over BIOES tags per word (eq. 6); from the `relation` features,
    for every ordered pair of words (i, j), m = ReLU(W_m [h_i; h_j]) and a sigmoid per relation
    type, predicted from `threshold` (eq. 7). A relation links the last words of its two arguments
    (the words CasRel-style corpora mark); a predicted triple's arguments are the predicted
    entities ending at those words, and a linked word that ends no predicted entity drops the
    triple (counted in `triples_without_entity`).

    The tags carry the vocabulary's entity types: on NYT and WebNLG, whose entities all have the
    one type "Entity", they are the paper's five untyped BIOES tags; on CoNLL04 four per type and
    O. Gold entities one tag per word cannot hold (nested or crossing) are left out of the targets
    and counted (`entities_untaggable`); the metric scores them as misses.

    The loss (eqs. 8-9) is the tags' cross-entropy summed over the words of a sentence plus the
    binary cross-entropy summed over every (i, j, type) cell of its real words, averaged over the
    sentences of a batch. The heads serve an encoder that reads predictions (`rin`): the tag
    distribution of each word, and the maximum over j of the relation probabilities of (i, j)
    (eq. 5).

    Choices where the paper is unclear: relation cells start at probability 0.01 (the
    classifier's bias); m has `pair_hidden_dim` (100, the encoder's size; the
    paper does not say); pairs (i, i) are scored too, as the paper's figure shows, and give a
    relation of an entity to itself (WebNLG has them); the max-pool of eq. 5 runs over the second
    word of the pairs, as its set is written.

    Registered as a `Model` with name "bioes_word_pair".

    # Parameters

    vocab : `Vocabulary`
        Holds the `entity_labels` and `relation_labels` namespaces.
    text_field_embedder : `TextFieldEmbedder`
        Embeds the words.
    encoder : `Seq2SeqEncoder`
        A `MultiTaskEncoder` with the tasks `entity` and `relation` (e.g. `rin`), or a plain encoder.
    pair_hidden_dim : `int`, optional (default = `100`)
        The size of m in eq. 7.
    threshold : `float`, optional (default = `0.5`)
        The probability a relation type must reach.
    max_cells : `int`, optional (default = `4096`)
        The most word pairs whose hidden vectors m are computed at once (whole rows of the pair
        table, at least one): it bounds the memory of m, `max_cells` x `pair_hidden_dim` floats,
        whatever the sentence lengths, where the whole table of a batch of sixteen 512-word
        sentences would take 1.7 GB. On a GPU, larger chunks launch fewer kernels.
    dropout : `float`, optional (default = `0.1`)
        Dropout on the embedded words (the paper's input dropout).
    loss_weights : `Dict[str, float]`, optional (default = `None`)
        Weights of the `entity` and `relation` losses; both 1 in the paper.
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
        pair_hidden_dim: int = 100,
        threshold: float = 0.5,
        max_cells: int = 4096,
        dropout: float = 0.1,
        loss_weights: Optional[Dict[str, float]] = None,
        task_map: Optional[Dict[str, str]] = None,
        initializer: Optional[InitializerApplicator] = None,
        **kwargs,
    ) -> None:
        super().__init__(vocab, text_field_embedder, encoder, dropout, loss_weights, task_map, **kwargs)
        check_probability("threshold", threshold)
        if max_cells < 1:
            raise ConfigurationError(f"max_cells must be a positive number of word pairs, not {max_cells}")
        self._max_cells = max_cells
        num_types = vocab.get_vocab_size(ENTITY_LABELS)
        entity_types = [vocab.get_token_from_index(index, ENTITY_LABELS) for index in range(num_types)]
        self._tags: List[str] = tag_set(entity_types, "BIOES")
        self._tag_index = {tag: index for index, tag in enumerate(self._tags)}
        self._tagger = torch.nn.Linear(self.task_output_dim("entity"), len(self._tags))
        relation_dim = self.task_output_dim("relation")
        # W_m [h_i; h_j] as W_m1 h_i + W_m2 h_j: one projection per word instead of one per pair.
        self._pair_first = torch.nn.Linear(relation_dim, pair_hidden_dim, bias=False)
        self._pair_second = torch.nn.Linear(relation_dim, pair_hidden_dim, bias=False)
        self._relation_classifier = torch.nn.Linear(pair_hidden_dim, vocab.get_vocab_size(RELATION_LABELS))
        self._threshold_logit = math.log(threshold / (1.0 - threshold))
        self._entities_untaggable = 0
        self._triples_without_entity = 0
        self._finish_init(initializer)
        with torch.no_grad():
            # Every relation cell starts at probability 0.01, as table filling's cells do: at 0.5 an
            # untrained model predicts half of the n^2 x types cells, and decoding them all is slow.
            self._relation_classifier.bias.fill_(math.log(0.01 / 0.99))

    def tag_logits(self, features: torch.Tensor) -> torch.Tensor:
        """`(batch_size, num_tokens, dim)` to tag logits `(batch_size, num_tokens, num_tags)`."""
        return self._tagger(features)

    def relation_logits(self, features: torch.Tensor) -> torch.Tensor:
        """`(batch_size, num_tokens, dim)` to `(batch_size, num_tokens, num_tokens, num_relation_types)`."""
        batch_size, num_tokens, _ = features.shape
        logits = features.new_empty(batch_size, num_tokens, num_tokens, self._relation_classifier.out_features)
        for rows, chunk in self._relation_logit_rows(features):
            logits[:, rows] = chunk
        return logits

    def _relation_logit_rows(self, features: torch.Tensor) -> Iterator[Tuple[slice, torch.Tensor]]:
        """
        The relation logits of `features` `(batch_size, num_tokens, dim)` in consecutive chunks of
        rows (first words) of at most `max_cells` pairs each: the rows, and their logits
        `(batch_size, rows, num_tokens, num_relation_types)`.

        Callers write each chunk's result into a tensor made beforehand rather than collecting the
        chunks: small results kept between the large temporary pair tensors fragment the CPU heap,
        which then grows by every chunk (1.3 GB for sixteen 512-word sentences, measured).
        """
        batch_size, num_tokens, _ = features.shape
        first = self._pair_first(features)  # (batch_size, num_tokens, pair_hidden_dim)
        second = self._pair_second(features).unsqueeze(1)  # (batch_size, 1, num_tokens, pair_hidden_dim)
        step = max(1, self._max_cells // max(1, batch_size * num_tokens))
        for start in range(0, num_tokens, step):
            rows = slice(start, start + step)
            # (batch_size, rows, num_tokens, pair_hidden_dim); in place: the sum is a new tensor no backward reads
            pairs = torch.relu_(first[:, rows].unsqueeze(2) + second)
            yield rows, self._relation_classifier(pairs)

    def prediction_heads(self) -> Mapping[str, PredictionHead]:
        def entity(features: torch.Tensor, mask: torch.BoolTensor) -> torch.Tensor:
            return torch.softmax(self.tag_logits(features), dim=-1)

        def relation(features: torch.Tensor, mask: torch.BoolTensor) -> torch.Tensor:
            # eq. 5, a chunk of rows at a time
            batch_size, num_tokens, _ = features.shape
            pooled = features.new_empty(batch_size, num_tokens, self._relation_classifier.out_features)
            for rows, logits in self._relation_logit_rows(features):
                pooled[:, rows] = (torch.sigmoid(logits) * mask[:, None, :, None]).max(dim=2).values
            return pooled  # (batch_size, num_tokens, num_relation_types)

        return {"entity": entity, "relation": relation}

    def prediction_dims(self) -> Mapping[str, int]:
        return {"entity": len(self._tags), "relation": self.vocab.get_vocab_size(RELATION_LABELS)}

    def extract(self, batch: JointBatch, features: Dict[str, torch.Tensor]) -> Extraction:
        """
        # Returns

        `Extraction`
            Its tensors are `tag_logits` `(batch_size, num_tokens, num_tags)` and `relation_logits`
            `(batch_size, num_tokens, num_tokens, num_relation_types)`.
        """
        mask = batch.mask
        scores = {
            "tag_logits": self.tag_logits(features["entity"]),
            "relation_logits": self.relation_logits(features["relation"]),
        }
        losses = self._losses(scores, mask, batch.golds) if batch.golds is not None else {}
        return Extraction(self._decode(scores, mask, batch.words), losses, scores)

    def _losses(
        self, scores: Dict[str, torch.Tensor], mask: torch.BoolTensor, golds: List[Sentence]
    ) -> Dict[str, torch.Tensor]:
        num_tokens = mask.size(1)
        tags = torch.zeros(mask.shape, dtype=torch.long, device=mask.device)
        for index, (gold, length) in enumerate(zip(golds, mask.sum(dim=1).tolist())):
            known = [entity for entity in gold.entities if f"B-{entity.type}" in self._tag_index]
            sentence_tags, left_out = entities_to_tags(known, length)
            if self.training:
                self._entities_untaggable += left_out
            tags[index, : len(sentence_tags)] = torch.tensor([self._tag_index[tag] for tag in sentence_tags])
        tag_losses = torch.nn.functional.cross_entropy(
            scores["tag_logits"].transpose(1, 2), tags, reduction="none"
        )  # (batch_size, num_tokens)
        targets = relation_targets(golds, num_tokens, self.vocab, mask.device, anchor="last")
        cells = (mask.unsqueeze(2) & mask.unsqueeze(1)).unsqueeze(-1)  # (batch_size, num_tokens, num_tokens, 1)
        relation_losses = torch.nn.functional.binary_cross_entropy_with_logits(
            scores["relation_logits"], targets, reduction="none"
        )
        return {
            "entity": (tag_losses * mask).sum(dim=1).mean(),
            "relation": (relation_losses * cells).sum(dim=(1, 2, 3)).mean(),
        }

    def _decode(
        self, scores: Dict[str, torch.Tensor], mask: torch.BoolTensor, words: List[List[str]]
    ) -> List[Sentence]:
        tag_indices = scores["tag_logits"].argmax(dim=-1).tolist()
        cells = (mask.unsqueeze(2) & mask.unsqueeze(1)).unsqueeze(-1)
        hits = ((scores["relation_logits"] >= self._threshold_logit) & cells).nonzero().tolist()
        hits_of: List[List[List[int]]] = [[] for _ in words]
        for sentence, first, second, label in hits:
            hits_of[sentence].append([first, second, label])
        predictions = []
        for sentence, sentence_words in enumerate(words):
            tags = [self._tags[index] for index in tag_indices[sentence][: len(sentence_words)]]
            entities = tags_to_entities(tags)
            ending_at = {entity.end - 1: position for position, entity in enumerate(entities)}
            relations = set()
            for first, second, label in hits_of[sentence]:
                if first in ending_at and second in ending_at:
                    relation_type = self.vocab.get_token_from_index(label, RELATION_LABELS)
                    relations.add(Relation(ending_at[first], ending_at[second], relation_type))
                elif not self.training:
                    self._triples_without_entity += 1
            predictions.append(
                Sentence(
                    tuple(sentence_words),
                    tuple(entities),
                    tuple(sorted(relations, key=lambda relation: (relation.head, relation.tail, relation.type))),
                )
            )
        return predictions

    def get_metrics(self, reset: bool = False) -> Dict[str, float]:
        """
        The joint metric's keys, and at the end of an epoch or evaluation `entities_untaggable`
        (gold entities of training batches one tag per word cannot hold) and
        `triples_without_entity` (predicted word pairs at inference a word of which ends no
        predicted entity).
        """
        metrics = super().get_metrics(reset)
        if reset:
            metrics["entities_untaggable"] = float(self._entities_untaggable)
            metrics["triples_without_entity"] = float(self._triples_without_entity)
            self._entities_untaggable = self._triples_without_entity = 0
        return metrics
