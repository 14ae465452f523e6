import math

import pytest
import torch
from allennlp.common import Params
from allennlp.common.testing import ModelTestCase
from allennlp.data import Vocabulary
from allennlp.models import Model
from allennlp.modules.seq2seq_encoders import PassThroughEncoder
from allennlp.modules.text_field_embedders import BasicTextFieldEmbedder
from allennlp.modules.token_embedders import Embedding

from jointre_plugins.data.structures import Entity, Relation, Sentence
from jointre_plugins.encoders.mge import MultiGateEncoder
from jointre_plugins.models.table_filling import TableFillingModel
from tests.conftest import FIXTURES

# The fixture BERT's pooler is not used by the mismatched embedder, so it gets no gradient.
POOLER = {
    "_text_field_embedder.token_embedder_tokens._matched_embedder.transformer_model.pooler.dense.weight",
    "_text_field_embedder.token_embedder_tokens._matched_embedder.transformer_model.pooler.dense.bias",
}


class TestTableFillingModel(ModelTestCase):
    def setup_method(self):
        super().setup_method()
        self.set_up_model(
            FIXTURES / "experiments" / "mge_table_filling.jsonnet", FIXTURES / "data" / "spert" / "sample.json"
        )

    def test_can_train_save_and_load(self):
        self.ensure_model_can_train_save_and_load(self.param_file, gradients_to_ignore=POOLER)

    def test_batch_predictions_are_consistent(self):
        self.ensure_batch_predictions_are_consistent()

    def test_forward_gives_tables_loss_and_predictions(self):
        output = self.model.forward_on_instances(self.instances)
        assert len(output) == len(self.instances)
        first = output[0]
        assert first["tokens"] == self.instances[0]["metadata"]["tokens"]
        assert set(first) == {"tokens", "entities", "relations", "gold"}
        assert first["gold"] == self.instances[0]["metadata"]["gold"].to_json()


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
    assert math.isclose(model._threshold_logit, math.log(0.53 / 0.47))
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


def test_encoder_must_match_the_embedder():
    vocab = Vocabulary()
    embedder = BasicTextFieldEmbedder({"tokens": Embedding(embedding_dim=4, num_embeddings=3)})
    with pytest.raises(ValueError, match="expects inputs of size 6, but the embedder gives 4"):
        TableFillingModel(vocab, embedder, MultiGateEncoder(6))


def test_threshold_must_be_a_probability():
    with pytest.raises(ValueError, match="threshold must be a probability"):
        tiny_model(threshold=0.0)


def test_is_registered():
    assert Model.by_name("table_filling") is TableFillingModel
    assert TableFillingModel.default_predictor == "joint_extraction"
    assert Params({}).get("type", "table_filling") == "table_filling"
