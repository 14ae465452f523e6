import math

import pytest
import torch
from allennlp.common import Params
from allennlp.common.testing import ModelTestCase
from allennlp.data import Batch, Vocabulary
from allennlp.models import Model

from jointre_plugins.data.structures import Entity, Relation, Sentence
from jointre_plugins.models.crf_pair_scoring import CrfPairScoringModel
from tests.conftest import FIXTURES
from tests.models.experiments import experiment_params
from tests.models.experiments import instance_of as fixture_instance

EXPERIMENT = FIXTURES / "experiments" / "stacked_birnn_crf_pair_scoring.jsonnet"
SAMPLE = FIXTURES / "data" / "spert" / "sample.json"
WORDS = ["Tom", "Baker", "shot", "Sam", "in", "New", "York"]
GOLD = Sentence(
    tuple(WORDS),
    (Entity(0, 2, "Peop"), Entity(3, 4, "Peop"), Entity(5, 7, "Loc")),
    (Relation(0, 1, "Kill"), Relation(0, 2, "Live_In")),
)
GOLD_TAGS = ["B-Peop", "I-Peop", "O", "B-Peop", "O", "B-Loc", "I-Loc"]


def experiment(**model_overrides) -> Params:
    return experiment_params(EXPERIMENT, **model_overrides)


class TestCrfPairScoring(ModelTestCase):
    def setup_method(self):
        super().setup_method()
        self.set_up_model(EXPERIMENT, SAMPLE)

    def test_can_train_save_and_load(self):
        self.ensure_model_can_train_save_and_load(self.param_file)

    def test_batch_predictions_are_consistent(self):
        self.ensure_batch_predictions_are_consistent()

    def test_the_tags_are_o_and_bi_per_entity_type(self):
        types = [self.vocab.get_token_from_index(i, "entity_labels") for i in range(4)]
        assert self.model._tags == ["O"] + [f"{prefix}-{kind}" for kind in types for prefix in "BI"]


@pytest.fixture
def vocab():
    vocab = Vocabulary()
    vocab.add_tokens_to_namespace(["Peop", "Loc"], "entity_labels")
    vocab.add_tokens_to_namespace(["Live_In", "Kill"], "relation_labels")
    vocab.add_tokens_to_namespace(WORDS, "tokens")
    return vocab


def build(vocab, **overrides) -> CrfPairScoringModel:
    return Model.from_params(vocab=vocab, params=experiment(**overrides)["model"])


def tensors(*sentences: Sentence, vocab: Vocabulary) -> dict:
    batch = Batch([fixture_instance(EXPERIMENT, sentence) for sentence in sentences])
    batch.index_instances(vocab)
    return batch.as_tensor_dict()


def forced_tags(model: CrfPairScoringModel, tags) -> torch.Tensor:
    logits = torch.full((1, len(tags), len(model._tags)), -10.0)
    for position, tag in enumerate(tags):
        logits[0, position, model._tag_index[tag]] = 10.0
    return logits


def test_hand_built_scores_decode_to_entities_and_the_relations_between_their_last_words(vocab):
    model = build(vocab).eval()
    kill, live_in = (vocab.get_token_index(label, "relation_labels") for label in ("Kill", "Live_In"))
    relation_logits = torch.full((1, 3, 3, 2), -10.0)
    relation_logits[0, 0, 1, kill] = 10.0  # Tom Baker -> Sam
    relation_logits[0, 0, 2, live_in] = 2.3  # probability 0.909 > 0.9
    relation_logits[0, 1, 2, live_in] = 2.1  # probability 0.891 < 0.9
    relation_logits[0, 1, 1, kill] = 10.0  # an entity with itself is never scored
    model.tag_logits = lambda features: forced_tags(model, GOLD_TAGS)
    model.relation_logits = lambda vectors: relation_logits
    output = model.make_output_human_readable(model(**tensors(GOLD, vocab=vocab)))
    assert output["entities"] == [
        [{"start": 0, "end": 2, "type": "Peop"}, {"start": 3, "end": 4, "type": "Peop"}, {"start": 5, "end": 7, "type": "Loc"}]
    ]
    assert output["relations"] == [[{"head": 0, "tail": 1, "type": "Kill"}, {"head": 0, "tail": 2, "type": "Live_In"}]]
    metrics = model.get_metrics(reset=True)
    assert metrics["ner_f1"] == 1.0 and metrics["rel_strict_f1"] == 1.0 and metrics["rel_strict_macro_f1"] == 1.0


def test_viterbi_decoding_respects_the_bio_constraints(vocab):
    model = build(vocab).eval()
    # Each word alone prefers an I tag that no valid sequence allows there: after O, at the start,
    # or after another type's B.
    scores = forced_tags(model, ["I-Peop", "O", "I-Loc", "B-Peop", "I-Loc"])
    scores[0, 0, model._tag_index["B-Peop"]] = 9.0
    scores[0, 2, model._tag_index["B-Loc"]] = 9.0
    scores[0, 4, model._tag_index["I-Peop"]] = 9.0
    with torch.no_grad():
        model._crf.transitions.zero_()
        model._crf.start_transitions.zero_()
        model._crf.end_transitions.zero_()
    [(path, _)] = model._crf.viterbi_tags(scores, torch.ones(1, 5, dtype=torch.bool))
    assert [model._tags[index] for index in path] == ["B-Peop", "O", "B-Loc", "B-Peop", "I-Peop"]


def test_teacher_forcing_scores_gold_entities_with_gold_tags_while_training_and_predicted_ones_otherwise(vocab):
    model = build(vocab)
    seen = []

    def relation_logits(vectors):
        seen.append(vectors)
        return torch.zeros(*vectors.shape[:2], vectors.size(1), 2)

    # The CRF predicts one entity, "Sam" as a place, and no other.
    predicted = ["O", "O", "O", "B-Loc", "O", "O", "O"]
    model.tag_logits = lambda features: forced_tags(model, predicted)
    model.relation_logits = relation_logits
    batch = tensors(GOLD, vocab=vocab)
    model.train()
    model(**batch)
    model.eval()
    model(**batch)
    relation_features = model.encode(model.embed(batch["tokens"]))["relation"]
    training, evaluation = seen
    labels = model._label_embeddings.weight
    assert training.shape == (1, 3, 8 + 3) and evaluation.shape == (1, 1, 8 + 3)
    for row, (last_word, tag) in enumerate([(1, "I-Peop"), (3, "B-Peop"), (6, "I-Loc")]):
        assert torch.allclose(training[0, row, :8], relation_features[0, last_word])
        assert torch.equal(training[0, row, 8:], labels[model._tag_index[tag]])
    assert torch.allclose(evaluation[0, 0, :8], relation_features[0, 3])
    assert torch.equal(evaluation[0, 0, 8:], labels[model._tag_index["B-Loc"]])


def test_relation_targets_need_the_arguments_span_and_type_whichever_entities_are_scored(vocab):
    model = build(vocab)
    kill, live_in = (vocab.get_token_index(label, "relation_labels") for label in ("Kill", "Live_In"))
    # Predicted entities: Tom alone (a wrong span), Sam as a place (a wrong type), New York.
    candidates = [[Entity(0, 1, "Peop"), Entity(3, 4, "Loc"), Entity(5, 7, "Loc")]]
    assert model._relation_targets([GOLD], candidates, torch.zeros(1, 3, 3, 2)).nonzero().tolist() == []
    candidates = [[Entity(0, 2, "Peop"), Entity(3, 4, "Loc"), Entity(5, 7, "Loc")]]
    targets = model._relation_targets([GOLD], candidates, torch.zeros(1, 3, 3, 2))
    assert targets.nonzero().tolist() == [[0, 0, 2, live_in]]
    targets = model._relation_targets([GOLD], [list(GOLD.entities)], torch.zeros(1, 3, 3, 2))
    assert targets.nonzero().tolist() == sorted([[0, 0, 1, kill], [0, 0, 2, live_in]])


SHORT = Sentence(("Sam", "shot", "Tom"), (Entity(0, 1, "Peop"), Entity(2, 3, "Peop")), (Relation(0, 1, "Kill"),))


def test_the_losses_per_sentence_and_the_relation_weight(vocab):
    model = build(vocab)
    model.train()
    losses = {}
    original = model.extract

    def recording(batch, features):
        extraction = original(batch, features)
        losses.update(extraction.losses)
        return extraction

    model.extract = recording
    # Every relation cell at logit 0 costs log 2, positive or not: GOLD has 3 x 2 ordered pairs of
    # distinct entities and SHORT 2 x 1, each with 2 types; averaged over the 2 sentences.
    model.relation_logits = lambda vectors: torch.zeros(*vectors.shape[:2], vectors.size(1), 2)
    batch = tensors(GOLD, SHORT, vocab=vocab)
    output = model(**batch)
    assert losses["relation"].item() == pytest.approx((12 + 4) * math.log(2) / 2)
    assert output["loss"].item() == pytest.approx(losses["entity"].item() + 5 * losses["relation"].item(), rel=1e-6)
    # The CRF's loss is the negative log-likelihood of the gold tags, averaged over the sentences.
    features = model.encode(model.embed(batch["tokens"]))["entity"]
    short_tags = ["B-Peop", "O", "B-Peop", "O", "O", "O", "O"]
    gold = torch.tensor([[model._tag_index[tag] for tag in tags] for tags in (GOLD_TAGS, short_tags)])
    mask = torch.tensor([[True] * 7, [True] * 3 + [False] * 4])
    likelihood = model._crf(model.tag_logits(features), gold, mask)
    assert losses["entity"].item() == pytest.approx(-likelihood.item() / 2, rel=1e-5)


def test_gold_entities_one_tag_per_word_cannot_hold_are_counted_while_training(vocab):
    model = build(vocab)
    model.train()
    nested = Sentence(tuple(WORDS), GOLD.entities + (Entity(5, 6, "Loc"),), GOLD.relations)
    output = model(**tensors(nested, GOLD, vocab=vocab))
    assert output["loss"].requires_grad
    # "New" inside "New York" cannot take a tag of its own.
    assert model.get_metrics(reset=True)["entities_untaggable"] == 1.0


def test_sentences_without_entities_and_of_one_word(vocab):
    model = build(vocab)
    none = Sentence(("shot",), (), ())
    model.eval()
    # The CRF tags every word O.
    model.tag_logits = lambda features: torch.zeros(*features.shape[:2], len(model._tags)).index_fill(
        2, torch.tensor([0]), 10.0
    )
    output = model(**tensors(none, SHORT, vocab=vocab))
    assert output["relation_logits"].shape == (2, 0, 0, 2)
    assert [prediction.entities for prediction in output["predictions"]] == [(), ()]
    assert output["loss"].item() > 0  # the CRF's, for missing Sam and Tom
    model.train()
    output = model(**tensors(none, SHORT, vocab=vocab))
    assert output["relation_logits"].shape == (2, 2, 2, 2) and output["loss"].requires_grad


def test_a_training_batch_needs_gold(vocab):
    model = build(vocab)
    model.train()
    raw = fixture_instance(EXPERIMENT, GOLD)
    raw.fields["metadata"].metadata["gold"] = None
    batch = Batch([raw])
    batch.index_instances(vocab)
    with pytest.raises(ValueError, match="CrfPairScoringModel trains on gold entities and relations"):
        model(**batch.as_tensor_dict())
