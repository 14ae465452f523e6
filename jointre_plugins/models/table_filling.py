"""
The table-filling decoding scheme of PFN and MGE: a span table per entity type, a start-word table
per relation type.
"""
import math
from collections import defaultdict
from typing import Dict, List, Optional

import torch
from allennlp.common.checks import ConfigurationError
from allennlp.data import Vocabulary
from allennlp.models import Model
from allennlp.modules import Seq2SeqEncoder, TextFieldEmbedder
from allennlp.nn import InitializerApplicator

from jointre_plugins.data.structures import Entity, Relation, Sentence
from jointre_plugins.labels import ENTITY_LABELS, RELATION_LABELS
from jointre_plugins.models.joint_extraction_model import (
    Extraction,
    JointBatch,
    JointExtractionModel,
    check_probability,
)
from jointre_plugins.modules.pair_table_scorer import PairTableScorer
from jointre_plugins.modules.span_extraction_head import span_cells
from jointre_plugins.modules.table_targets import table_targets


LOSS_NORMALIZATIONS = ("none", "words", "cells")


@Model.register("table_filling")
class TableFillingModel(JointExtractionModel):
    """
    Joint extraction by table filling (MGE sections 3.3-3.4, after PFN). From the encoder's
    `entity` features, cell (i, j) of the table of entity type k scores the span from word i to
    word j (i <= j) as an entity of type k (eqs. 7-8). From its `relation` features, cell (i, j)
    of the table of relation type l scores word i and word j as the start words of the subject
    and the object of a relation of type l (eqs. 9-10).

    Every cell is an independent sigmoid; a cell is predicted when its probability reaches
    `threshold` (eq. 11; `relation_threshold` for relation cells when set), and each predicted
    relation cell (i, j, l) links every predicted entity starting at word i to every predicted
    entity starting at word j (eq. 12), except an entity to itself. The loss is binary
    cross-entropy summed over the valid cells of a sentence (eq. 13), NER and RE added (eq. 14),
    and averaged over the sentences of a batch. For short training budgets, `loss_normalization`
    offers two other weightings of long sentences and `relation_positive_weight` weighs gold
    relation cells above empty ones; their defaults are eq. 13. Gold items of a type the vocabulary
    lacks have no table and are left out of the targets (the metric still counts them as misses).

    Registered as a `Model` with name "table_filling".

    # Parameters

    vocab : `Vocabulary`
        Holds the `entity_labels` and `relation_labels` namespaces.
    text_field_embedder : `TextFieldEmbedder`
        Embeds the words.
    encoder : `Seq2SeqEncoder`
        A `MultiTaskEncoder` with the tasks `entity` and `relation` (e.g. `mge`), or a plain
        encoder whose output feeds both tables.
    table_hidden_dim : `int`, optional (default = `300`)
        The size h of the pair representation of eqs. 7 and 9 (PFN's hidden size).
    threshold : `float`, optional (default = `0.5`)
        The probability a cell must reach to be predicted.
    relation_threshold : `float`, optional (default = `None`, the same as `threshold`)
        The probability a relation cell must reach, when it differs from `threshold` (the paper
        uses 0.5 for both tables). After a short run part of the gold relation cells sit well
        below 0.5; a lower relation threshold trades precision for recall.
    dropout : `float`, optional (default = `0.1`)
        Dropout on the embedded words.
    loss_weights : `Dict[str, float]`, optional (default = `None`)
        Weights of the `entity` and `relation` losses; both 1 in the paper.
    task_map : `Dict[str, str]`, optional (default = `None`)
        The encoder task feeding each table, when the encoder names its tasks otherwise.
    cell_prior : `float`, optional (default = `0.01`)
        The probability every cell starts at (the label biases' initial log-odds). The paper does
        not say; see `PairTableScorer`.
    loss_normalization : `str`, optional (default = `"none"`)
        What a sentence's summed cell losses are divided by before the batch mean: `"none"`
        (eq. 13, the paper), `"words"` (its number of words, so a sentence weighs in proportion to
        its length rather than its square), or `"cells"` (its number of valid cells, so every
        sentence weighs the same).
    relation_positive_weight : `float`, optional (default = `1.0`)
        The weight of a gold relation cell's loss against an empty cell's (eq. 13 weighs both 1).
        A sentence of N words has about N^2 empty relation cells per gold one, which, in a short
        run, keeps relation probabilities low; a weight above 1 offsets that.
    max_cells : `int`, optional (default = `4096`)
        The most cells of a table scored at once (see `PairTableScorer`): it bounds the tables'
        memory whatever the sentence lengths; on a GPU, larger chunks launch fewer kernels.
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
        table_hidden_dim: int = 300,
        threshold: float = 0.5,
        relation_threshold: Optional[float] = None,
        dropout: float = 0.1,
        loss_weights: Optional[Dict[str, float]] = None,
        task_map: Optional[Dict[str, str]] = None,
        cell_prior: float = 0.01,
        loss_normalization: str = "none",
        relation_positive_weight: float = 1.0,
        max_cells: int = 4096,
        initializer: Optional[InitializerApplicator] = None,
        **kwargs,
    ) -> None:
        super().__init__(vocab, text_field_embedder, encoder, dropout, loss_weights, task_map, **kwargs)
        if relation_threshold is None:
            relation_threshold = threshold
        for name, value in (("threshold", threshold), ("relation_threshold", relation_threshold)):
            check_probability(name, value)
        if loss_normalization not in LOSS_NORMALIZATIONS:
            raise ConfigurationError(
                f"loss_normalization must be one of {LOSS_NORMALIZATIONS}, not {loss_normalization!r}"
            )
        check_probability("cell_prior", cell_prior)
        if relation_positive_weight <= 0.0:
            raise ConfigurationError(f"relation_positive_weight must be positive, not {relation_positive_weight}")
        self._loss_normalization = loss_normalization
        # None leaves eq. 13 as it is, without a per-cell multiplication on every forward pass; a
        # buffer follows the model to its device once instead of being copied there each batch.
        self.register_buffer(
            "_relation_positive_weight",
            None if relation_positive_weight == 1.0 else torch.tensor(relation_positive_weight),
            persistent=False,
        )
        self._entity_table = PairTableScorer(
            self.task_output_dim("entity"),
            table_hidden_dim,
            vocab.get_vocab_size(ENTITY_LABELS),
            cell_prior,
            max_cells,
        )
        self._relation_table = PairTableScorer(
            self.task_output_dim("relation"),
            table_hidden_dim,
            vocab.get_vocab_size(RELATION_LABELS),
            cell_prior,
            max_cells,
        )
        # sigmoid(x) >= threshold exactly when x >= logit(threshold); comparing logits avoids the sigmoid.
        self._threshold_logits = {
            "entity": math.log(threshold / (1.0 - threshold)),
            "relation": math.log(relation_threshold / (1.0 - relation_threshold)),
        }
        self._finish_init(initializer)

    def extract(self, batch: JointBatch, features: Dict[str, torch.Tensor]) -> Extraction:
        """
        Scores both tables, decodes them, and computes the losses whenever the batch has gold.

        # Returns

        `Extraction`
            Its tensors are the two tables of logits described in `score`.
        """
        scores = self.score(features, batch.mask)
        losses = self.losses(scores, batch.mask, batch.golds) if batch.golds is not None else {}
        return Extraction(self.decode(scores, batch.mask, batch.words), losses, scores)

    def score(self, features: Dict[str, torch.Tensor], mask: torch.BoolTensor) -> Dict[str, torch.Tensor]:
        """
        # Returns

        `Dict[str, torch.Tensor]`
            `entity_logits` of shape `(batch_size, num_tokens, num_tokens, num_entity_labels)` and
            `relation_logits` of shape `(batch_size, num_tokens, num_tokens, num_relation_labels)`;
            only the cells of `cell_masks` are scored, the others hold `PADDING_LOGIT`.
        """
        cells = self.cell_masks(mask)
        return {
            "entity_logits": self._entity_table(features["entity"], cells["entity"]),
            "relation_logits": self._relation_table(features["relation"], cells["relation"]),
        }

    @staticmethod
    def cell_masks(mask: torch.BoolTensor) -> Dict[str, torch.BoolTensor]:
        """
        The valid cells of both tables, each `(batch_size, num_tokens, num_tokens)`: spans i <= j
        over real words for entities, every pair of real words for relations.
        """
        return {"entity": span_cells(mask), "relation": mask.unsqueeze(2) & mask.unsqueeze(1)}

    def losses(
        self, scores: Dict[str, torch.Tensor], mask: torch.BoolTensor, golds: List[Sentence]
    ) -> Dict[str, torch.Tensor]:
        entity_targets, relation_targets = table_targets(golds, mask.size(1), self.vocab, mask.device)
        cells = self.cell_masks(mask)
        losses = {}
        for task, logits, targets, positive_weight in (
            ("entity", scores["entity_logits"], entity_targets, None),
            ("relation", scores["relation_logits"], relation_targets, self._relation_positive_weight),
        ):
            # (batch_size, num_tokens, num_tokens, num_labels)
            cell_losses = torch.nn.functional.binary_cross_entropy_with_logits(
                logits, targets, reduction="none", pos_weight=positive_weight
            )
            per_sentence = (cell_losses * cells[task].unsqueeze(-1)).sum(dim=(1, 2, 3))  # (batch_size,)
            if self._loss_normalization == "words":
                per_sentence = per_sentence / mask.sum(dim=1)
            elif self._loss_normalization == "cells":
                per_sentence = per_sentence / cells[task].sum(dim=(1, 2))
            losses[task] = per_sentence.mean()
        return losses

    def decode(
        self, scores: Dict[str, torch.Tensor], mask: torch.BoolTensor, tokens: List[List[str]]
    ) -> List[Sentence]:
        cells = self.cell_masks(mask)
        entity_hits = (
            (scores["entity_logits"] >= self._threshold_logits["entity"]) & cells["entity"].unsqueeze(-1)
        ).nonzero().tolist()  # rows of [batch index, start, last word, label]
        relation_hits = (
            (scores["relation_logits"] >= self._threshold_logits["relation"]) & cells["relation"].unsqueeze(-1)
        ).nonzero().tolist()  # rows of [batch index, subject start, object start, label]

        entities_of: Dict[int, List[Entity]] = defaultdict(list)
        for batch_index, start, last, label in entity_hits:
            entities_of[batch_index].append(
                Entity(start, last + 1, self.vocab.get_token_from_index(label, ENTITY_LABELS))
            )
        relation_cells_of: Dict[int, List[List[int]]] = defaultdict(list)
        for batch_index, *cell in relation_hits:
            relation_cells_of[batch_index].append(cell)

        predictions = []
        for batch_index, words in enumerate(tokens):
            entities = sorted(entities_of[batch_index], key=lambda entity: (entity.start, entity.end, entity.type))
            starting_at: Dict[int, List[int]] = defaultdict(list)
            for index, entity in enumerate(entities):
                starting_at[entity.start].append(index)
            relations = [
                Relation(head, tail, self.vocab.get_token_from_index(label, RELATION_LABELS))
                for subject_start, object_start, label in relation_cells_of[batch_index]
                for head in starting_at[subject_start]
                for tail in starting_at[object_start]
                if head != tail
            ]
            predictions.append(Sentence(tuple(words), tuple(entities), tuple(relations)))
        return predictions
