from typing import Dict, List, Sequence, Tuple

import pytest
import torch.distributed as dist
import torch.multiprocessing as mp
from allennlp.common import Params
from allennlp.training.metrics import Metric

from jointre_plugins.data.structures import Entity, Relation, Sentence, UnplacedRelation
from jointre_plugins.metrics import JointExtractionMetric

SETTINGS = ["ner", "rel", "rel_strict", "rel_partial", "ner_in_triple", "ner_out_triple"]
EXPECTED_KEYS = {
    f"{setting}_{average}{name}"
    for setting in SETTINGS
    for average in ("", "macro_")
    for name in ("precision", "recall", "f1")
} | {"gold_entities_unseen_type", "gold_relations_unseen_type"}


def sentence(
    num_tokens: int,
    entities: Sequence[Tuple[int, int, str]] = (),
    relations: Sequence[Tuple[int, int, str]] = (),
    unplaced: Sequence[UnplacedRelation] = (),
) -> Sentence:
    return Sentence(
        tokens=tuple(f"w{index}" for index in range(num_tokens)),
        entities=tuple(Entity(*entity) for entity in entities),
        relations=tuple(Relation(*relation) for relation in relations),
        unplaced_relations=tuple(unplaced),
    )


def scores(metric: JointExtractionMetric, setting: str, macro: bool = False) -> List[float]:
    values = metric.get_metric()
    prefix = f"{setting}_macro_" if macro else f"{setting}_"
    return [values[prefix + name] for name in ("precision", "recall", "f1")]


def ner_batch() -> Tuple[List[Sentence], List[Sentence]]:
    gold = sentence(6, [(0, 1, "PER"), (2, 4, "ORG"), (5, 6, "LOC")])
    predicted = sentence(6, [(0, 1, "PER"), (2, 3, "ORG")])
    return [predicted], [gold]


def relation_batch() -> Tuple[List[Sentence], List[Sentence]]:
    gold = sentence(5, [(0, 2, "PER"), (3, 4, "ORG")], [(0, 1, "Work_For")])
    predicted = sentence(5, [(1, 2, "PER"), (3, 4, "ORG")], [(0, 1, "Work_For")])
    return [predicted], [gold]


def test_metric_is_registered_and_constructible_from_params():
    metric = Metric.from_params(Params({"type": "joint_extraction"}))
    assert isinstance(metric, JointExtractionMetric)


def test_empty_metric_returns_every_key_as_zero():
    values = JointExtractionMetric().get_metric()
    assert set(values) == EXPECTED_KEYS
    assert len(values) == 38
    assert all(value == 0.0 for value in values.values())


def test_ner_precision_recall_f1():
    metric = JointExtractionMetric()
    metric(*ner_batch())
    # 3 gold, 2 predicted, 1 right: P = 1/2, R = 1/3, F1 = 2 * (1/6) / (5/6) = 0.4.
    assert scores(metric, "ner") == pytest.approx([0.5, 1 / 3, 0.4])
    # PER 1/1/1, ORG 0/0/0, LOC (never predicted) 0/0/0, averaged over the 3 types.
    assert scores(metric, "ner", macro=True) == pytest.approx([1 / 3, 1 / 3, 1 / 3])
    # No relations anywhere: every relation setting stays at zero.
    assert scores(metric, "rel") == [0.0, 0.0, 0.0]


def test_duplicate_entities_in_one_sentence_count_once():
    gold = sentence(3, [(0, 1, "PER"), (2, 3, "ORG")])
    predicted = sentence(3, [(0, 1, "PER"), (0, 1, "PER")])
    metric = JointExtractionMetric()
    metric([predicted], [gold])
    # Predicted set {(0, 1, PER)}: P = 1/1, R = 1/2, F1 = 2/3.
    assert scores(metric, "ner") == pytest.approx([1.0, 0.5, 2 / 3])


def test_wrong_entity_type_is_right_for_rel_and_wrong_for_rel_strict():
    gold = sentence(5, [(0, 1, "PER"), (3, 4, "ORG")], [(0, 1, "Work_For")])
    predicted = sentence(5, [(0, 1, "LOC"), (3, 4, "ORG")], [(0, 1, "Work_For")])
    metric = JointExtractionMetric()
    metric([predicted], [gold])
    assert scores(metric, "rel") == pytest.approx([1.0, 1.0, 1.0])
    assert scores(metric, "rel_partial") == pytest.approx([1.0, 1.0, 1.0])
    assert scores(metric, "rel_strict") == [0.0, 0.0, 0.0]
    # One of the two entities has the wrong type.
    assert scores(metric, "ner") == pytest.approx([0.5, 0.5, 0.5])


def test_wrong_relation_type_is_wrong_in_every_relation_setting():
    gold = sentence(5, [(0, 1, "PER"), (3, 4, "ORG")], [(0, 1, "Work_For")])
    predicted = sentence(5, [(0, 1, "PER"), (3, 4, "ORG")], [(0, 1, "Located_In")])
    metric = JointExtractionMetric()
    metric([predicted], [gold])
    for setting in ("rel", "rel_strict", "rel_partial"):
        assert scores(metric, setting) == [0.0, 0.0, 0.0]
    assert scores(metric, "ner") == pytest.approx([1.0, 1.0, 1.0])


def test_boundary_wrong_but_last_word_right_is_right_only_for_rel_partial():
    metric = JointExtractionMetric()
    metric(*relation_batch())
    # The head is predicted as [1, 2) instead of [0, 2): same last word, different span.
    assert scores(metric, "rel") == [0.0, 0.0, 0.0]
    assert scores(metric, "rel_strict") == [0.0, 0.0, 0.0]
    assert scores(metric, "rel_partial") == pytest.approx([1.0, 1.0, 1.0])
    assert scores(metric, "ner") == pytest.approx([0.5, 0.5, 0.5])


def test_macro_and_micro_differ_on_skewed_types():
    gold = sentence(
        10, [(0, 1, "PER"), (1, 2, "PER"), (2, 3, "PER"), (3, 4, "PER"), (5, 6, "ORG")]
    )
    predicted = sentence(
        10, [(0, 1, "PER"), (1, 2, "PER"), (5, 6, "ORG"), (6, 7, "ORG"), (7, 8, "ORG")]
    )
    metric = JointExtractionMetric()
    metric([predicted], [gold])
    # Micro: 3 right of 5 predicted and 5 gold: P = R = F1 = 0.6.
    assert scores(metric, "ner") == pytest.approx([0.6, 0.6, 0.6])
    # PER: 2 right, 2 predicted, 4 gold: P = 1, R = 1/2, F1 = 2/3.
    # ORG: 1 right, 3 predicted, 1 gold: P = 1/3, R = 1, F1 = 1/2.
    # Macro: P = (1 + 1/3) / 2 = 2/3, R = (1/2 + 1) / 2 = 3/4, F1 = (2/3 + 1/2) / 2 = 7/12, the
    # mean of the per-type F1s, not the harmonic mean of macro P and R (12/17).
    assert scores(metric, "ner", macro=True) == pytest.approx([2 / 3, 3 / 4, 7 / 12])


def test_macro_relation_scores_average_over_relation_types():
    gold = sentence(
        6,
        [(0, 1, "PER"), (2, 3, "ORG"), (4, 5, "LOC")],
        [(0, 1, "Work_For"), (0, 2, "Live_In")],
    )
    predicted = sentence(
        6,
        [(0, 1, "PER"), (2, 3, "ORG"), (4, 5, "LOC")],
        [(0, 1, "Work_For"), (1, 2, "Located_In")],
    )
    metric = JointExtractionMetric()
    metric([predicted], [gold])
    # Micro: 1 right, 2 predicted, 2 gold: 0.5 each.
    assert scores(metric, "rel") == pytest.approx([0.5, 0.5, 0.5])
    # Work_For 1/1/1, Live_In 0/0/0 (never predicted), Located_In 0/0/0 (not in gold): 1/3 each.
    assert scores(metric, "rel", macro=True) == pytest.approx([1 / 3, 1 / 3, 1 / 3])


def test_in_and_out_of_triple_split():
    gold = sentence(
        8,
        [(0, 1, "PER"), (2, 3, "ORG"), (4, 5, "LOC"), (6, 7, "PER")],
        [(0, 1, "Work_For")],
    )
    predicted = sentence(
        8,
        [(0, 1, "PER"), (2, 3, "ORG"), (4, 5, "LOC"), (6, 7, "PER")],
        [(0, 2, "Live_In")],
    )
    metric = JointExtractionMetric()
    metric([predicted], [gold])
    # Every entity is right, but the relations put different ones in triples.
    assert scores(metric, "ner") == pytest.approx([1.0, 1.0, 1.0])
    # In: gold {PER 0, ORG 2} against predicted {PER 0, LOC 4}: 1 of 2 each way.
    assert scores(metric, "ner_in_triple") == pytest.approx([0.5, 0.5, 0.5])
    # Out: gold {LOC 4, PER 6} against predicted {ORG 2, PER 6}: 1 of 2 each way.
    assert scores(metric, "ner_out_triple") == pytest.approx([0.5, 0.5, 0.5])
    # In-triple macro: PER 1/1/1, ORG (gold only) 0, LOC (predicted only) 0.
    assert scores(metric, "ner_in_triple", macro=True) == pytest.approx([1 / 3, 1 / 3, 1 / 3])


def test_entity_listed_in_and_out_of_a_triple_is_only_in_triple():
    # The gold lists PER [0, 1) twice, once as the head of the relation and once on its own.
    gold = sentence(
        5, [(0, 1, "PER"), (2, 3, "ORG"), (0, 1, "PER"), (3, 4, "LOC")], [(0, 1, "Work_For")]
    )
    predicted = sentence(5, [(0, 1, "PER"), (2, 3, "ORG"), (3, 4, "LOC")], [(0, 1, "Work_For")])
    metric = JointExtractionMetric()
    metric([predicted], [gold])
    assert scores(metric, "ner_in_triple") == pytest.approx([1.0, 1.0, 1.0])
    # Out of triple is only LOC [3, 4) on both sides; had the second PER been counted there,
    # recall would be 1/2.
    assert scores(metric, "ner_out_triple") == pytest.approx([1.0, 1.0, 1.0])


def test_unplaced_gold_relations_lower_relation_recall_only():
    unplaced = UnplacedRelation(
        head="Paris", tail="France", type="Live_In", head_type="LOC", tail_type="LOC"
    )
    gold = sentence(5, [(0, 1, "PER"), (3, 4, "ORG")], [(0, 1, "Work_For")], [unplaced])
    predicted = sentence(5, [(0, 1, "PER"), (3, 4, "ORG")], [(0, 1, "Work_For")])
    metric = JointExtractionMetric()
    metric([predicted], [gold])
    # 1 right, 1 predicted, 2 gold (one unplaced): P = 1, R = 1/2, F1 = 2/3.
    for setting in ("rel", "rel_strict", "rel_partial"):
        assert scores(metric, setting) == pytest.approx([1.0, 0.5, 2 / 3])
        # Work_For 1/1/1 and Live_In 0/0/0.
        assert scores(metric, setting, macro=True) == pytest.approx([0.5, 0.5, 0.5])
    assert scores(metric, "ner") == pytest.approx([1.0, 1.0, 1.0])
    assert scores(metric, "ner_in_triple") == pytest.approx([1.0, 1.0, 1.0])


def casrel_sentence(
    text: str,
    entities: Sequence[Tuple[int, int]],
    relations: Sequence[Tuple[int, int, str]],
    unplaced: Sequence[UnplacedRelation] = (),
) -> Sentence:
    return Sentence(
        tokens=tuple(text.split()),
        entities=tuple(Entity(start, end, "Entity") for start, end in entities),
        relations=tuple(Relation(*relation) for relation in relations),
        unplaced_relations=tuple(unplaced),
        compare_text=True,
    )


def test_string_gold_compares_whole_strings_for_exact_and_last_words_for_partial_match():
    text = "New York Times reporter in New York said New York is big"
    gold = casrel_sentence(text, [(0, 2), (5, 7)], [(0, 1, "contains")])
    # ("New York", "York") against the gold ("New York", "New York"), found at other occurrences.
    predicted = casrel_sentence(text, [(8, 10), (9, 10)], [(0, 1, "contains")])
    metric = JointExtractionMetric()
    metric([predicted], [gold])
    assert scores(metric, "rel") == [0.0, 0.0, 0.0]
    assert scores(metric, "rel_partial") == pytest.approx([1.0, 1.0, 1.0])


def test_string_gold_at_another_occurrence_is_one_true_positive_not_two_errors():
    text = "Paris is in France ; Paris hosts the Louvre in Paris"
    gold = casrel_sentence(text, [(0, 1), (3, 4), (8, 9)], [(2, 0, "located_in")])
    predicted = casrel_sentence(text, [(10, 11), (8, 9), (3, 4)], [(1, 0, "located_in")])
    metric = JointExtractionMetric()
    metric([predicted], [gold])
    for setting in ("rel", "rel_strict", "rel_partial"):
        assert scores(metric, setting) == pytest.approx([1.0, 1.0, 1.0])
    # As strings, the predicted entities {Paris, Louvre, France} are the gold ones.
    assert scores(metric, "ner") == pytest.approx([1.0, 1.0, 1.0])

    positional = JointExtractionMetric()
    positional([Sentence(predicted.tokens, predicted.entities, predicted.relations)],
               [Sentence(gold.tokens, gold.entities, gold.relations)])
    assert scores(positional, "rel") == [0.0, 0.0, 0.0]


def test_unplaced_string_gold_is_scored_by_its_strings():
    unplaced = UnplacedRelation("Big Apple", "USA", "capital_of", "Entity", "Entity")
    gold = casrel_sentence("Big Apple is in the USA", [(0, 2)], [], [unplaced])
    predicted = casrel_sentence("Big Apple is in the USA", [(0, 2), (5, 6)], [(0, 1, "capital_of")])
    metric = JointExtractionMetric()
    metric([predicted], [gold])
    assert scores(metric, "rel") == pytest.approx([1.0, 1.0, 1.0])
    assert scores(metric, "rel_partial") == pytest.approx([1.0, 1.0, 1.0])
    missed = JointExtractionMetric()
    missed([casrel_sentence("Big Apple is in the USA", [], [])], [gold])
    assert scores(missed, "rel") == [0.0, 0.0, 0.0]
    assert missed.get_metric()["rel_recall"] == 0.0 and missed._summed_counts()["gold"][("rel", "capital_of")] == 1


def test_gold_of_types_the_model_does_not_know_is_counted_and_missed():
    gold = sentence(6, [(0, 1, "PER"), (2, 4, "Weapon"), (5, 6, "LOC")], [(0, 1, "Uses"), (0, 2, "Live_In")])
    unplaced = UnplacedRelation("x", "y", "Founded", "ORG", "PER")
    gold = Sentence(gold.tokens, gold.entities, gold.relations, (unplaced,))
    predicted = sentence(6, [(0, 1, "PER"), (5, 6, "LOC")], [(0, 1, "Live_In")])
    metric = JointExtractionMetric(entity_types=["PER", "LOC"], relation_types=["Live_In"])
    metric([predicted], [gold])
    values = metric.get_metric()
    assert values["gold_entities_unseen_type"] == 1.0  # Weapon
    assert values["gold_relations_unseen_type"] == 2.0  # Uses, and the unplaced Founded
    assert scores(metric, "ner") == pytest.approx([1.0, 2 / 3, 0.8])
    assert scores(metric, "rel") == pytest.approx([1.0, 1 / 3, 0.5])
    unknowing = JointExtractionMetric()
    unknowing([predicted], [gold])
    assert unknowing.get_metric()["gold_entities_unseen_type"] == 0.0


def test_prediction_over_a_cut_prefix_misses_entities_past_the_cut():
    gold = sentence(6, [(0, 1, "PER"), (4, 6, "ORG")], [(0, 1, "Work_For")])
    predicted = sentence(3, [(0, 1, "PER")])
    metric = JointExtractionMetric()
    metric([predicted], [gold])
    assert scores(metric, "ner") == pytest.approx([1.0, 0.5, 2 / 3])
    assert scores(metric, "rel") == [0.0, 0.0, 0.0]


def test_streaming_two_calls_equals_one_call():
    ner_predicted, ner_gold = ner_batch()
    relation_predicted, relation_gold = relation_batch()
    streamed = JointExtractionMetric()
    streamed(ner_predicted, ner_gold)
    streamed(relation_predicted, relation_gold)
    at_once = JointExtractionMetric()
    at_once(ner_predicted + relation_predicted, ner_gold + relation_gold)
    streamed_values = streamed.get_metric()
    assert streamed_values == pytest.approx(at_once.get_metric())
    # Together: ner 2 right of 4 predicted and 5 gold: P = 1/2, R = 2/5, F1 = 4/9.
    assert [streamed_values[f"ner_{name}"] for name in ("precision", "recall", "f1")] == (
        pytest.approx([0.5, 0.4, 4 / 9])
    )


def test_get_metric_with_reset_and_reset_clear_the_counts():
    metric = JointExtractionMetric()
    metric(*ner_batch())
    assert metric.get_metric(reset=True)["ner_f1"] == pytest.approx(0.4)
    assert all(value == 0.0 for value in metric.get_metric().values())
    metric(*relation_batch())
    assert metric.get_metric()["rel_partial_f1"] == pytest.approx(1.0)
    metric.reset()
    assert all(value == 0.0 for value in metric.get_metric().values())
    # Counting resumes from zero: the NER batch alone again gives F1 0.4.
    metric(*ner_batch())
    assert metric.get_metric()["ner_f1"] == pytest.approx(0.4)


def test_mismatched_batch_lengths_raise():
    predicted, gold = ner_batch()
    with pytest.raises(ValueError, match="1 predicted sentences but 2 gold"):
        JointExtractionMetric()(predicted, gold + gold)


def _distributed_worker(
    rank: int, world_size: int, init_file: str, expected: Dict[str, float]
) -> None:
    dist.init_process_group(
        "gloo", init_method=f"file://{init_file}", rank=rank, world_size=world_size
    )
    try:
        metric = JointExtractionMetric()
        # Each worker sees different types, so only a sum of the gathered counts is right.
        metric(*(ner_batch() if rank == 0 else relation_batch()))
        values = metric.get_metric()
        assert values == pytest.approx(expected)
    finally:
        dist.destroy_process_group()


def test_counts_are_summed_across_distributed_workers(tmp_path):
    ner_predicted, ner_gold = ner_batch()
    relation_predicted, relation_gold = relation_batch()
    single = JointExtractionMetric()
    single(ner_predicted + relation_predicted, ner_gold + relation_gold)
    expected = single.get_metric()
    # A worker's own counts would give a different ner F1 (0.4 or 0.5) than the sum (4/9).
    assert expected["ner_f1"] == pytest.approx(4 / 9)
    mp.start_processes(
        _distributed_worker,
        args=(2, str(tmp_path / "init"), expected),
        nprocs=2,
        start_method="fork",
    )
