"""
The metric of joint entity and relation extraction: precision, recall and F1 of entities and
relations under the settings the papers report.
"""
from collections import Counter
from typing import Collection, Dict, List, Optional, Set, Tuple

import torch.distributed as dist
from allennlp.training.metrics import Metric

from jointre_plugins.data.structures import Entity, Sentence

SETTINGS = ("ner", "rel", "rel_strict", "rel_partial", "ner_in_triple", "ner_out_triple")
"""The settings scored, in the order their keys appear."""

RELATION_SETTINGS = ("rel", "rel_strict", "rel_partial")
"""The settings that score relations, and so count unplaced gold relations as misses."""

COUNT_KINDS = ("true_positives", "predicted", "gold")

UNSEEN = "unseen"
"""The setting under which gold entities and relations of unknown types are counted."""

# One count per (setting, type), where the type is the entity type for the ner settings and the
# relation type for the rel settings.
Counts = Dict[str, Counter[Tuple[str, str]]]


def _scored_tuples(sentence: Sentence, compare_text: bool) -> Dict[str, Set[tuple]]:
    """
    The set of tuples each setting compares, for one sentence. The last element of every tuple
    is the type it is macro-averaged under.

    With `compare_text`, an entity is identified by its words joined by single spaces instead of
    its position, and a gold triple that could not be placed in the tokens takes part by its
    strings; otherwise unplaced triples are left to the caller.
    """
    tokens = sentence.tokens
    entities = sentence.entities

    def where(entity: Entity) -> tuple:
        if compare_text:
            return (" ".join(tokens[entity.start : entity.end]),)
        return (entity.start, entity.end)

    def last_word(entity: Entity) -> object:
        return tokens[entity.end - 1] if compare_text else entity.end - 1

    spans = {(*where(entity), entity.type) for entity in entities}
    in_triple: Set[tuple] = set()
    relations: Set[tuple] = set()
    strict: Set[tuple] = set()
    partial: Set[tuple] = set()
    for relation in sentence.relations:
        head = entities[relation.head]
        tail = entities[relation.tail]
        in_triple.add((*where(head), head.type))
        in_triple.add((*where(tail), tail.type))
        relations.add((*where(head), *where(tail), relation.type))
        strict.add((*where(head), head.type, *where(tail), tail.type, relation.type))
        # Partial Match compares only the last word of each argument.
        partial.add((last_word(head), last_word(tail), relation.type))
    if compare_text:
        for triple in sentence.unplaced_relations:
            relations.add((triple.head, triple.tail, triple.type))
            strict.add((triple.head, triple.head_type, triple.tail, triple.tail_type, triple.type))
            partial.add((triple.head.split()[-1], triple.tail.split()[-1], triple.type))
    return {
        "ner": spans,
        "rel": relations,
        "rel_strict": strict,
        "rel_partial": partial,
        "ner_in_triple": in_triple,
        # Out of triple is the complement of in triple, so an entity tuple listed twice, once in a
        # relation and once not, is in a triple and not counted twice.
        "ner_out_triple": spans - in_triple,
    }


def _precision_recall_f1(
    true_positives: int, predicted: int, gold: int
) -> Tuple[float, float, float]:
    precision = true_positives / predicted if predicted else 0.0
    recall = true_positives / gold if gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


@Metric.register("joint_extraction")
class JointExtractionMetric(Metric):
    """
    Streaming micro and macro precision, recall and F1 of predicted entities and relations
    against the gold ones, under six settings.

    Registered as a `Metric` with name "joint_extraction".

    Each call pairs `predictions[i]` with `gold[i]`; both are `Sentence`s over the same token
    positions (a prediction over a cut prefix of the gold tokens is fine, as tuples are compared,
    so a gold entity past the cut is a miss). Within one sentence every setting compares sets of
    tuples, so a tuple listed twice counts once:

    - `ner`: an entity `(start, end, type)`.
    - `rel`: a relation with boundaries `(head start, head end, tail start, tail end, relation
      type)`; entity types are ignored. This is Exact Match for full-span corpora.
    - `rel_strict`: `(head start, head end, head type, tail start, tail end, tail type, relation
      type)`.
    - `rel_partial`: Partial Match of the CasRel and RIN papers, only the last word of each
      argument must match: `(head end - 1, tail end - 1, relation type)`.
    - `ner_in_triple`: `ner` over the entities that are head or tail of a relation (gold entities
      of gold relations against predicted entities of predicted relations).
    - `ner_out_triple`: `ner` over the other entities.

    When the gold sentence has `compare_text` (CasRel corpora, whose gold is strings), positions
    are replaced by surface strings, as the field scores NYT and WebNLG: an entity is its words
    joined by single spaces, `rel` (Exact Match) compares whole argument strings and
    `rel_partial` (Partial Match) their last words, so a triple found at another occurrence of the
    same string is right. The prediction of that sentence is scored the same way. Gold
    `unplaced_relations` (triples whose arguments could not be found in the tokens) then take part
    by their strings. On span corpora they can be matched by no prediction: each adds one false
    negative, and one gold count for its relation type, to `rel`, `rel_strict` and
    `rel_partial`. They leave the ner settings alone.

    Given the types the model knows (`entity_types`, `relation_types`, its vocabulary), the metric
    also counts the gold entities and relations whose type is not among them: they are scored as
    misses like any other, and reported so that an evaluation on data with types unseen in
    training says so.

    `get_metric` returns these keys, as fractions in [0, 1] (the AllenNLP convention, not
    percent), for each `{setting}` above:

    - `{setting}_precision`, `{setting}_recall`, `{setting}_f1`: micro, from the counts summed
      over all types.
    - `{setting}_macro_precision`, `{setting}_macro_recall`, `{setting}_macro_f1`: each type's
      precision, recall and F1 from its own counts, averaged uniformly over every type seen so far
      in gold or predictions (entity types for the ner settings, relation types for the rel
      settings).

    - `gold_entities_unseen_type`, `gold_relations_unseen_type`: the counts above (0 when the
      known types were not given).

    A value whose denominator is 0 is 0.0, as is a macro average over no types. Under distributed
    training the counts of all workers are summed before the values are computed.

    # Parameters

    entity_types : `Collection[str]`, optional (default = `None`)
        The entity types a model can predict; `None` counts no gold entity as unseen.
    relation_types : `Collection[str]`, optional (default = `None`)
        The relation types a model can predict; `None` counts no gold relation as unseen.
    """

    supports_distributed = True

    def __init__(
        self,
        entity_types: Optional[Collection[str]] = None,
        relation_types: Optional[Collection[str]] = None,
    ) -> None:
        self._entity_types = None if entity_types is None else set(entity_types)
        self._relation_types = None if relation_types is None else set(relation_types)
        self._counts: Counts = {kind: Counter() for kind in COUNT_KINDS}

    def __call__(self, predictions: List[Sentence], gold: List[Sentence]) -> None:
        """
        Adds the counts of one batch.

        # Parameters

        predictions : `List[Sentence]`
            The predicted structure of each sentence.
        gold : `List[Sentence]`
            The gold structure of the same sentences, in the same order.
        """
        if len(predictions) != len(gold):
            raise ValueError(
                f"got {len(predictions)} predicted sentences but {len(gold)} gold sentences"
            )
        for predicted_sentence, gold_sentence in zip(predictions, gold):
            compare_text = gold_sentence.compare_text
            predicted_tuples = _scored_tuples(predicted_sentence, compare_text)
            gold_tuples = _scored_tuples(gold_sentence, compare_text)
            for setting in SETTINGS:
                predicted_set = predicted_tuples[setting]
                gold_set = gold_tuples[setting]
                self._add("predicted", setting, predicted_set)
                self._add("gold", setting, gold_set)
                self._add("true_positives", setting, predicted_set & gold_set)
            if not compare_text:
                for triple in gold_sentence.unplaced_relations:
                    for setting in RELATION_SETTINGS:
                        self._counts["gold"][(setting, triple.type)] += 1
            self._count_unseen_types(gold_sentence)

    def _count_unseen_types(self, gold: Sentence) -> None:
        if self._entity_types is not None:
            self._counts["gold"][(UNSEEN, "entities")] += sum(
                entity.type not in self._entity_types for entity in gold.entities
            )
        if self._relation_types is not None:
            relation_types = [relation.type for relation in gold.relations]
            relation_types += [triple.type for triple in gold.unplaced_relations]
            self._counts["gold"][(UNSEEN, "relations")] += sum(
                type_ not in self._relation_types for type_ in relation_types
            )

    def _add(self, kind: str, setting: str, tuples: Set[tuple]) -> None:
        self._counts[kind].update((setting, scored[-1]) for scored in tuples)

    def get_metric(self, reset: bool = False) -> Dict[str, float]:
        """
        # Returns

        `Dict[str, float]`
            The micro and macro precision, recall and F1 of every setting, as fractions in [0, 1];
            the keys are listed in the class docstring.
        """
        counts = self._summed_counts()
        metrics: Dict[str, float] = {}
        for setting in SETTINGS:
            types = sorted(
                {
                    type_
                    for kind in ("predicted", "gold")
                    for counted_setting, type_ in counts[kind]
                    if counted_setting == setting
                }
            )
            micro = _precision_recall_f1(
                *(sum(counts[kind][(setting, type_)] for type_ in types) for kind in COUNT_KINDS)
            )
            per_type = [
                _precision_recall_f1(*(counts[kind][(setting, type_)] for kind in COUNT_KINDS))
                for type_ in types
            ]
            macro = (
                [sum(values) / len(per_type) for values in zip(*per_type)]
                if per_type
                else [0.0, 0.0, 0.0]
            )
            for name, micro_value, macro_value in zip(("precision", "recall", "f1"), micro, macro):
                metrics[f"{setting}_{name}"] = micro_value
                metrics[f"{setting}_macro_{name}"] = macro_value
        for items in ("entities", "relations"):
            metrics[f"gold_{items}_unseen_type"] = float(counts["gold"][(UNSEEN, items)])
        if reset:
            self.reset()
        return metrics

    def _summed_counts(self) -> Counts:
        if not (dist.is_available() and dist.is_initialized()):
            return self._counts
        # Workers may have seen different types, so the counters are gathered as objects rather
        # than as tensors of a fixed shape.
        gathered: List[Optional[Counts]] = [None] * dist.get_world_size()
        dist.all_gather_object(gathered, self._counts)
        return {
            kind: sum((worker[kind] for worker in gathered if worker is not None), Counter())
            for kind in COUNT_KINDS
        }

    def reset(self) -> None:
        self._counts = {kind: Counter() for kind in COUNT_KINDS}
