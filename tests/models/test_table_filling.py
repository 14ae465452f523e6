import math

import pytest
import torch
from allennlp.common import Params
from allennlp.common.checks import ConfigurationError
from allennlp.common.testing import ModelTestCase
from allennlp.data import Batch, DatasetReader, Vocabulary
from allennlp.models import Model
from allennlp.modules.seq2seq_encoders import PassThroughEncoder
from allennlp.modules.text_field_embedders import BasicTextFieldEmbedder
from allennlp.modules.token_embedders import Embedding

from jointre_plugins.data.structures import Entity, Relation, Sentence
from jointre_plugins.encoders.mge import MultiGateEncoder
from jointre_plugins.models.table_filling import TableFillingModel
from tests.conftest import FIXTURES

class TestTableFillingModel(ModelTestCase):
    def setup_method(self):
        super().setup_method()
        self.set_up_model(
            FIXTURES / "experiments" / "mge_table_filling.jsonnet", FIXTURES / "data" / "spert" / "sample.json"
        )

    def test_can_train_save_and_load(self):
        # Every parameter must get a gradient: the unused pooler is removed by the base model.
        self.ensure_model_can_train_save_and_load(self.param_file)

    def test_batch_predictions_are_consistent(self):
        self.ensure_batch_predictions_are_consistent()

    def test_forward_gives_tables_loss_and_predictions(self):
        self.model.train()
        batch = Batch(self.instances[:2])
        batch.index_instances(self.vocab)
        output = self.model(**batch.as_tensor_dict())
        num_tokens = batch.as_tensor_dict()["tokens"]["tokens"]["mask"].size(1)
        num_entity_labels = self.vocab.get_vocab_size("entity_labels")
        num_relation_labels = self.vocab.get_vocab_size("relation_labels")
        assert output["entity_logits"].shape == (2, num_tokens, num_tokens, num_entity_labels)
        assert output["relation_logits"].shape == (2, num_tokens, num_tokens, num_relation_labels)
        assert output["loss"].dim() == 0 and output["loss"].requires_grad and output["loss"] > 0
        assert [prediction.tokens for prediction in output["predictions"]] == [
            tuple(instance["metadata"]["tokens"]) for instance in self.instances[:2]
        ]

    def test_forced_scores_reach_the_human_readable_output_and_the_metric(self):
        # Zero weights leave only the biases: every span is a Peop and every pair of words a
        # Live_In cell, so every ordered pair of distinct entities is related.
        model = self.model
        model.eval()
        with torch.no_grad():
            for table, namespace, label in (
                (model._entity_table, "entity_labels", "Peop"),
                (model._relation_table, "relation_labels", "Live_In"),
            ):
                table._output.weight.zero_()
                table._output.bias.fill_(-10.0)
                table._output.bias[self.vocab.get_token_index(label, namespace)] = 10.0
        reader = DatasetReader.from_params(Params.from_file(self.param_file)["dataset_reader"])
        gold = Sentence(("John", "lives", "here"), (Entity(0, 1, "Peop"),), ())
        instance = reader.text_to_instance(["John", "lives", "here"], gold)
        reader.apply_token_indexers(instance)
        [output] = model.forward_on_instances([instance])
        spans = [(0, 1), (0, 2), (0, 3), (1, 2), (1, 3), (2, 3)]
        assert output["entities"] == [{"start": start, "end": end, "type": "Peop"} for start, end in spans]
        assert sorted((relation["head"], relation["tail"]) for relation in output["relations"]) == [
            (head, tail) for head in range(6) for tail in range(6) if head != tail
        ]
        assert {relation["type"] for relation in output["relations"]} == {"Live_In"}
        assert output["gold"] == gold.to_json()
        metrics = model.get_metrics(reset=True)
        assert metrics["ner_precision"] == pytest.approx(1 / 6) and metrics["ner_recall"] == 1.0


def tiny_model(**kwargs) -> TableFillingModel:
    vocab = Vocabulary()
    vocab.add_tokens_to_namespace(["Peop", "Loc"], "entity_labels")
    vocab.add_tokens_to_namespace(["Live_In", "Work_For"], "relation_labels")
    vocab.add_tokens_to_namespace(["a", "b"], "tokens")
    embedder = BasicTextFieldEmbedder({"tokens": Embedding(embedding_dim=4, num_embeddings=vocab.get_vocab_size())})
    return TableFillingModel(vocab, embedder, MultiGateEncoder(4, hidden_dim=3), table_hidden_dim=5, **kwargs)


def hand_built_tables(num_tokens: int = 5):
    """Logits of -10 everywhere except the cells that should be predicted."""
    entity_logits = torch.full((1, num_tokens, num_tokens, 2), -10.0)
    relation_logits = torch.full((1, num_tokens, num_tokens, 2), -10.0)
    entity_logits[0, 0, 1, 0] = 3.0  # "w0 w1" is a Peop
    entity_logits[0, 3, 4, 1] = 0.1  # "w3 w4" is a Loc
    entity_logits[0, 3, 3, 1] = 0.2  # "w3" is a Loc too (nested)
    entity_logits[0, 2, 1, 0] = 5.0  # below the diagonal: not a span
    relation_logits[0, 0, 3, 0] = 2.0  # Live_In from the entity starting at 0 to those starting at 3
    relation_logits[0, 3, 3, 1] = 2.0  # Work_For between the nested entities starting at 3, never to itself
    return {"entity_logits": entity_logits, "relation_logits": relation_logits}


def test_relation_positive_weight_scales_the_loss_of_gold_relation_cells_only():
    scores = hand_built_tables()
    mask = torch.tensor([[True, True, False, False, False]])
    gold = Sentence(("a", "b"), (Entity(0, 1, "Peop"), Entity(1, 2, "Loc")), (Relation(0, 1, "Live_In"),))
    paper = tiny_model().losses(scores, mask, [gold])
    weighted = tiny_model(relation_positive_weight=4.0).losses(scores, mask, [gold])
    # The gold cell (0, 1, Live_In) sits at logit -10: its loss is softplus(10), now counted 4 times.
    gold_cell_loss = torch.nn.functional.softplus(torch.tensor(10.0))
    assert torch.isclose(weighted["relation"], paper["relation"] + 3 * gold_cell_loss)
    assert torch.isclose(weighted["entity"], paper["entity"])


def test_decoding_hand_built_tables_gives_known_triples():
    model = tiny_model()
    mask = torch.tensor([[True] * 5])
    [prediction] = model.decode(hand_built_tables(), mask, [["w0", "w1", "w2", "w3", "w4"]])
    assert prediction.entities == (Entity(0, 2, "Peop"), Entity(3, 4, "Loc"), Entity(3, 5, "Loc"))
    assert prediction.relations == (
        Relation(0, 1, "Live_In"),
        Relation(0, 2, "Live_In"),
        Relation(1, 2, "Work_For"),
        Relation(2, 1, "Work_For"),
    )


def test_decoding_ignores_padding_and_respects_the_threshold():
    model = tiny_model(threshold=0.53)  # logit(0.53) = 0.12: the Loc span at 0.1 drops out
    logit = math.log(0.53 / 0.47)
    assert model._threshold_logits == pytest.approx({"entity": logit, "relation": logit})
    mask = torch.tensor([[True, True, True, True, False]])
    [prediction] = model.decode(hand_built_tables(), mask, [["w0", "w1", "w2", "w3"]])
    assert prediction.entities == (Entity(0, 2, "Peop"), Entity(3, 4, "Loc"))
    assert prediction.relations == (Relation(0, 1, "Live_In"),)


def test_loss_is_the_bce_summed_over_valid_cells_and_averaged_over_sentences():
    model = tiny_model()
    scores = hand_built_tables()
    mask = torch.tensor([[True, True, False, False, False]])
    gold = Sentence(("a", "b"), (Entity(0, 2, "Peop"),), ())
    losses = model.losses(scores, mask, [gold])
    entity_cells = scores["entity_logits"][0, :2, :2]
    targets = torch.zeros_like(entity_cells)
    targets[0, 1, 0] = 1.0
    cell_losses = torch.nn.functional.binary_cross_entropy_with_logits(entity_cells, targets, reduction="none")
    expected = cell_losses[0, 0].sum() + cell_losses[0, 1].sum() + cell_losses[1, 1].sum()  # i <= j only
    assert torch.isclose(losses["entity"], expected)
    relation_cells = scores["relation_logits"][0, :2, :2]
    expected_relation = torch.nn.functional.binary_cross_entropy_with_logits(
        relation_cells, torch.zeros_like(relation_cells), reduction="sum"
    )
    assert torch.isclose(losses["relation"], expected_relation)


def test_a_plain_encoder_feeds_both_tables():
    vocab = Vocabulary()
    vocab.add_tokens_to_namespace(["Peop"], "entity_labels")
    vocab.add_tokens_to_namespace(["Kill"], "relation_labels")
    embedder = BasicTextFieldEmbedder({"tokens": Embedding(embedding_dim=4, num_embeddings=3)})
    model = TableFillingModel(vocab, embedder, PassThroughEncoder(4), table_hidden_dim=5)
    assert model.task_output_dim("entity") == model.task_output_dim("relation") == 4


def test_relation_threshold_applies_to_the_relation_table_only():
    # Live_In at logit 2.0 (0.88) and Work_For at 2.0 fall below 0.9; the entities stay at 0.5.
    model = tiny_model(relation_threshold=0.9)
    mask = torch.tensor([[True] * 5])
    [prediction] = model.decode(hand_built_tables(), mask, [["w0", "w1", "w2", "w3", "w4"]])
    assert prediction.entities == (Entity(0, 2, "Peop"), Entity(3, 4, "Loc"), Entity(3, 5, "Loc"))
    assert prediction.relations == ()
    lenient = tiny_model(threshold=0.9, relation_threshold=0.5)
    [prediction] = lenient.decode(hand_built_tables(), mask, [["w0", "w1", "w2", "w3", "w4"]])
    assert prediction.entities == (Entity(0, 2, "Peop"),)
    assert prediction.relations == ()  # the relation cells fire, but no entity starts at word 3


@pytest.mark.parametrize(
    "option, value, message",
    [
        ("threshold", 0.0, "threshold must be a probability strictly between 0 and 1, not 0.0"),
        ("relation_threshold", 1.0, "relation_threshold must be a probability strictly between 0 and 1, not 1.0"),
        ("cell_prior", 1.5, "cell_prior must be a probability strictly between 0 and 1, not 1.5"),
        ("loss_normalization", "tokens", "loss_normalization must be one of .*, not 'tokens'"),
        ("relation_positive_weight", 0.0, "relation_positive_weight must be positive, not 0.0"),
    ],
)
def test_invalid_options_are_configuration_errors(option, value, message):
    with pytest.raises(ConfigurationError, match=f"^{message}$"):
        tiny_model(**{option: value})


def test_is_registered_and_built_from_params():
    vocab = Vocabulary()
    vocab.add_tokens_to_namespace(["Peop"], "entity_labels")
    vocab.add_tokens_to_namespace(["Kill"], "relation_labels")
    params = Params(
        {
            "type": "table_filling",
            "text_field_embedder": {"token_embedders": {"tokens": {"type": "embedding", "embedding_dim": 4, "num_embeddings": 3}}},
            "encoder": {"type": "mge", "input_dim": 4, "hidden_dim": 3},
            "table_hidden_dim": 5,
            "threshold": 0.4,
        }
    )
    model = Model.from_params(vocab=vocab, params=params)
    assert type(model) is TableFillingModel
    assert model._threshold_logits == pytest.approx({"entity": math.log(0.4 / 0.6), "relation": math.log(0.4 / 0.6)})
    assert model._entity_table._output.out_features == 1 and model.task_output_dim("entity") == 6
    assert TableFillingModel.default_predictor == "joint_extraction"


@pytest.mark.parametrize("normalization, divisor", [("none", 1.0), ("words", 2.0), ("cells", 3.0)])
def test_loss_normalization_divides_each_sentence_by_its_words_or_cells(normalization, divisor):
    scores = hand_built_tables()
    mask = torch.tensor([[True, True, False, False, False]])
    gold = Sentence(("a", "b"), (Entity(0, 2, "Peop"),), ())
    paper = tiny_model().losses(scores, mask, [gold])
    normalized = tiny_model(loss_normalization=normalization).losses(scores, mask, [gold])
    # Two words: 3 entity cells (i <= j) and 4 relation cells.
    relation_divisor = {"none": 1.0, "words": 2.0, "cells": 4.0}[normalization]
    assert torch.isclose(normalized["entity"], paper["entity"] / divisor)
    assert torch.isclose(normalized["relation"], paper["relation"] / relation_divisor)


def test_cell_prior_sets_the_initial_probability_of_every_cell():
    model = tiny_model(cell_prior=0.2)
    for table in (model._entity_table, model._relation_table):
        assert torch.allclose(torch.sigmoid(table._output.bias), torch.tensor(0.2))
