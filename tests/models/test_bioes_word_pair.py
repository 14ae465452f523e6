import pytest
import torch
from allennlp.common import Params
from allennlp.common.checks import ConfigurationError
from allennlp.common.testing import ModelTestCase
from allennlp.data import Batch, Vocabulary
from allennlp.models import Model

from jointre_plugins.data.structures import Entity, Relation, Sentence
from jointre_plugins.models.bioes_word_pair import BioesWordPairModel
from jointre_plugins.modules.table_targets import relation_targets
from tests.conftest import FIXTURES
from tests.models.experiments import experiment_params
from tests.models.experiments import instance_of as fixture_instance

EXPERIMENT = FIXTURES / "experiments" / "rin_bioes_word_pair.jsonnet"
SAMPLE = FIXTURES / "data" / "spert" / "sample.json"
WORDS = ["Tom", "Baker", "shot", "Sam", "in", "New", "York"]


def experiment(**model_overrides) -> Params:
    return experiment_params(EXPERIMENT, **model_overrides)


class TestBioesWordPair(ModelTestCase):
    def setup_method(self):
        super().setup_method()
        self.set_up_model(EXPERIMENT, SAMPLE)

    def test_can_train_save_and_load(self):
        self.ensure_model_can_train_save_and_load(self.param_file)

    def test_batch_predictions_are_consistent(self):
        self.ensure_batch_predictions_are_consistent()

    def test_the_tags_are_o_and_bies_per_entity_type(self):
        types = [self.vocab.get_token_from_index(i, "entity_labels") for i in range(4)]
        assert self.model._tags == ["O"] + [f"{prefix}-{kind}" for kind in types for prefix in "BIES"]
        assert self.model.prediction_dims() == {"entity": 17, "relation": 5}


@pytest.fixture
def vocab():
    vocab = Vocabulary()
    vocab.add_tokens_to_namespace(["Peop", "Loc"], "entity_labels")
    vocab.add_tokens_to_namespace(["Live_In", "Kill"], "relation_labels")
    vocab.add_tokens_to_namespace(WORDS, "tokens")
    return vocab


def build(vocab, **overrides) -> BioesWordPairModel:
    return Model.from_params(vocab=vocab, params=experiment(**overrides)["model"])


def instance_of(gold: Sentence):
    return fixture_instance(EXPERIMENT, gold)


GOLD = Sentence(
    tuple(WORDS),
    (Entity(0, 2, "Peop"), Entity(3, 4, "Peop"), Entity(5, 7, "Loc")),
    (Relation(0, 1, "Kill"), Relation(0, 2, "Live_In")),
)


def test_hand_built_scores_decode_to_entities_and_triples_at_their_last_words(vocab):
    model = build(vocab).eval()
    tags = ["B-Peop", "E-Peop", "O", "S-Peop", "O", "B-Loc", "E-Loc"]
    tag_logits = torch.full((1, 7, 9), -10.0)
    for position, tag in enumerate(tags):
        tag_logits[0, position, model._tag_index[tag]] = 10.0
    kill, live_in = (vocab.get_token_index(label, "relation_labels") for label in ("Kill", "Live_In"))
    relation_logits = torch.full((1, 7, 7, 2), -10.0)
    relation_logits[0, 1, 3, kill] = 10.0  # Baker -> Sam
    relation_logits[0, 1, 6, live_in] = 10.0  # Baker -> York
    relation_logits[0, 2, 6, live_in] = 10.0  # "shot" ends no entity: dropped
    model.tag_logits = lambda features: tag_logits
    model.relation_logits = lambda features: relation_logits
    [output] = model.forward_on_instances([instance_of(GOLD)])
    assert output["entities"] == [
        {"start": 0, "end": 2, "type": "Peop"},
        {"start": 3, "end": 4, "type": "Peop"},
        {"start": 5, "end": 7, "type": "Loc"},
    ]
    assert output["relations"] == [{"head": 0, "tail": 1, "type": "Kill"}, {"head": 0, "tail": 2, "type": "Live_In"}]
    metrics = model.get_metrics(reset=True)
    assert metrics["ner_f1"] == 1.0 and metrics["rel_strict_f1"] == 1.0
    assert metrics["triples_without_entity"] == 1.0


def test_relation_cells_are_at_the_last_words_of_the_arguments(vocab):
    starts = relation_targets([GOLD], 7, vocab)
    lasts = relation_targets([GOLD], 7, vocab, anchor="last")
    kill, live_in = (vocab.get_token_index(label, "relation_labels") for label in ("Kill", "Live_In"))
    assert lasts.nonzero().tolist() == sorted([[0, 1, 3, kill], [0, 1, 6, live_in]])
    assert starts.nonzero().tolist() == sorted([[0, 0, 3, kill], [0, 0, 5, live_in]])


def test_the_losses_and_the_untaggable_gold(vocab):
    model = build(vocab)
    model.train()
    nested = Sentence(tuple(WORDS), GOLD.entities + (Entity(5, 6, "Loc"),), GOLD.relations)
    batch = Batch([instance_of(nested)])
    batch.index_instances(vocab)
    output = model(**batch.as_tensor_dict())
    assert output["loss"] > 0 and output["loss"].requires_grad
    # "New" inside "New York" cannot take a tag of its own.
    assert model.get_metrics(reset=True)["entities_untaggable"] == 1.0


def test_pair_scores_are_the_same_in_chunks_of_any_size(vocab):
    model = build(vocab)
    torch.manual_seed(3)
    features = torch.randn(2, 5, 8)
    mask = torch.tensor([[True] * 5, [True] * 3 + [False] * 2])
    logits = model.relation_logits(features)  # (2, 5, 5, num_relation_types)
    # m for one pair by eq. 7's concatenated form, ReLU(W_m [h_i; h_j]).
    weight = torch.cat([model._pair_first.weight, model._pair_second.weight], dim=1)
    hidden = torch.relu(weight @ torch.cat([features[1, 2], features[1, 0]]))
    assert torch.allclose(logits[1, 2, 0], model._relation_classifier(hidden), atol=1e-6)
    pooled = model.prediction_heads()["relation"](features, mask)
    # Rows of 10 pairs each here: chunks of 1, 2, 3 and all 5 rows.
    for max_cells in (1, 20, 30, 1000):
        chunked = build(vocab, max_cells=max_cells)
        chunked.load_state_dict(model.state_dict())
        assert torch.allclose(chunked.relation_logits(features), logits, atol=1e-6)
        assert torch.allclose(chunked.prediction_heads()["relation"](features, mask), pooled, atol=1e-6)


def test_max_cells_must_be_positive(vocab):
    with pytest.raises(ConfigurationError, match="max_cells must be a positive number of word pairs, not 0"):
        build(vocab, max_cells=0)


def test_the_relation_head_pools_over_real_words_only(vocab):
    model = build(vocab)
    features = torch.randn(1, 4, 8)
    mask = torch.tensor([[True, True, False, False]])
    pooled = model.prediction_heads()["relation"](features, mask)
    probabilities = torch.sigmoid(model.relation_logits(features))
    assert torch.allclose(pooled, probabilities[:, :, :2].max(dim=2).values)
    tags = model.prediction_heads()["entity"](features, mask)
    assert torch.allclose(tags.sum(-1), torch.ones(1, 4))
