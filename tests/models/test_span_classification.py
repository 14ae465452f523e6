import pytest
import torch
from allennlp.common import Params
from allennlp.common.checks import ConfigurationError
from allennlp.common.testing import ModelTestCase
from allennlp.data import Batch, Vocabulary
from allennlp.models import Model

from jointre_plugins.data.structures import Entity, Relation, Sentence
from jointre_plugins.models import span_classification
from jointre_plugins.models.span_classification import SpanClassificationModel, _trainable_gold
from jointre_plugins.modules.range_pooling import RangePooler
from tests.conftest import FIXTURES
from tests.models.experiments import experiment_params
from tests.models.experiments import instance_of as fixture_instance

EXPERIMENT = FIXTURES / "experiments" / "sinet_span_classification.jsonnet"
SAMPLE = FIXTURES / "data" / "spert" / "sample.json"
WORDS = ["Tom", "Baker", "shot", "Sam", "in", "Rome"]


def experiment(**model_overrides) -> Params:
    return experiment_params(EXPERIMENT, **model_overrides)


def tensors(model: Model, instances) -> dict:
    batch = Batch(instances)
    batch.index_instances(model.vocab)
    return batch.as_tensor_dict()


class TestSpanClassification(ModelTestCase):
    def setup_method(self):
        super().setup_method()
        self.set_up_model(EXPERIMENT, SAMPLE)

    def test_can_train_save_and_load(self):
        self.ensure_model_can_train_save_and_load(self.param_file)

    def test_batch_predictions_are_consistent(self):
        self.ensure_batch_predictions_are_consistent()

    def test_training_samples_every_gold_span_and_the_asked_negatives(self, monkeypatch):
        drawn = []
        original = span_classification.negative_spans

        def recording(num_words, max_width, gold, count, rng):
            spans = original(num_words, max_width, gold, count, rng)
            drawn.append((num_words, len(gold), len(spans)))
            return spans

        classified = []
        cross_entropy = torch.nn.functional.cross_entropy

        def counting(logits, labels):
            classified.append(labels.tolist())
            return cross_entropy(logits, labels)

        monkeypatch.setattr(span_classification, "negative_spans", recording)
        monkeypatch.setattr(torch.nn.functional, "cross_entropy", counting)
        self.model.train()
        output = self.model(**tensors(self.model, self.instances))
        # Sentences of 13, 9 and 10 words with 3 gold entities each, all under 4 words.
        assert drawn == [(13, 3, 10), (9, 3, 10), (10, 3, 10)]
        [labels] = classified
        assert len(labels) == 39 and labels.count(0) == 30
        assert output["loss"].requires_grad and output["loss"] > 0
        assert output["entity_logits"].shape == (3, 13 * 4, self.vocab.get_vocab_size("entity_labels") + 1)

    def test_training_classifies_every_gold_relation_and_the_unrelated_gold_pairs(self, monkeypatch):
        targets = []
        binary_cross_entropy = torch.nn.functional.binary_cross_entropy_with_logits

        def recording(logits, target, **kwargs):
            targets.append(target)
            return binary_cross_entropy(logits, target, **kwargs)

        monkeypatch.setattr(torch.nn.functional, "binary_cross_entropy_with_logits", recording)
        self.model.train()
        self.model(**tensors(self.model, self.instances))
        [target] = targets
        # Three gold entities per sentence, 6 ordered pairs each: 2, 2 and 1 with a relation, the
        # rest negatives (fewer than the 10 asked for).
        assert target.shape == (18, self.vocab.get_vocab_size("relation_labels"))
        assert target.sum(dim=1).tolist() == [1.0] * 2 + [0.0] * 4 + [1.0] * 2 + [0.0] * 4 + [1.0] + [0.0] * 5
        work_for = self.vocab.get_token_index("Work_For", "relation_labels")
        assert target[0, work_for] == 1.0

    def test_no_loss_at_evaluation(self):
        self.model.eval()
        assert "loss" not in self.model(**tensors(self.model, self.instances))


@pytest.fixture
def vocab():
    vocab = Vocabulary()
    vocab.add_tokens_to_namespace(["Peop", "Loc"], "entity_labels")
    vocab.add_tokens_to_namespace(["Live_In", "Kill"], "relation_labels")
    return vocab


def build(vocab, **model_overrides) -> SpanClassificationModel:
    return Model.from_params(vocab=vocab, params=experiment(**model_overrides)["model"])


def instance_of(gold: Sentence):
    return fixture_instance(EXPERIMENT, gold)


GOLD = Sentence(
    tuple(WORDS),
    (Entity(0, 2, "Peop"), Entity(3, 4, "Peop"), Entity(5, 6, "Loc")),
    (Relation(0, 1, "Kill"), Relation(0, 2, "Live_In")),
)


def forced_span_logits(entity_logits: torch.Tensor, num_words: int, max_width: int):
    """
    A stand-in for the entity classifier's forward giving `entity_logits` `(1, num_words *
    max_width, num_classes)`: the model classifies only the spans inside the sentence, start-major.
    """
    real = [
        start * max_width + width - 1
        for start in range(num_words)
        for width in range(1, max_width + 1)
        if start + width <= num_words
    ]
    return lambda representations: entity_logits[0, real]


def test_hand_built_scores_decode_to_the_entities_and_triples(vocab, monkeypatch):
    model = build(vocab, pair_chunk_size=4).eval()
    peop, loc = (vocab.get_token_index(label, "entity_labels") + 1 for label in ("Peop", "Loc"))
    kill, live_in = (vocab.get_token_index(label, "relation_labels") for label in ("Kill", "Live_In"))
    # Spans of at most 4 words, start-major: span (start, end) at start * 4 + end - start - 1.
    entity_logits = torch.full((1, 6 * 4, 3), -10.0)
    entity_logits[..., 0] = 10.0
    for (start, end), label in (((0, 2), peop), ((3, 4), peop), ((5, 6), loc), ((4, 6), loc)):
        span = start * 4 + end - start - 1
        entity_logits[0, span, 0], entity_logits[0, span, label] = -10.0, 10.0
    model._entity_classifier.forward = forced_span_logits(entity_logits, 6, 4)
    scored = []

    def relation_logits(self, sentences, heads, tails):
        scored.append(len(sentences))
        logits = torch.full((len(sentences), 2), -10.0)
        for pair, (head, tail) in enumerate(zip(heads.tolist(), tails.tolist())):
            if head == [0, 2] and tail == [3, 4]:
                logits[pair, kill] = 10.0
            if head == [0, 2] and tail in ([5, 6], [4, 6]):
                logits[pair, live_in] = 10.0
        return logits

    monkeypatch.setattr(span_classification._PairScorer, "__call__", relation_logits)
    [output] = model.forward_on_instances([instance_of(GOLD)])
    assert output["entities"] == [
        {"start": 0, "end": 2, "type": "Peop"},
        {"start": 3, "end": 4, "type": "Peop"},
        {"start": 4, "end": 6, "type": "Loc"},
        {"start": 5, "end": 6, "type": "Loc"},
    ]
    assert output["relations"] == [
        {"head": 0, "tail": 1, "type": "Kill"},
        {"head": 0, "tail": 2, "type": "Live_In"},
        {"head": 0, "tail": 3, "type": "Live_In"},
    ]
    # 4 entities, 12 ordered pairs, scored 4 at a time.
    assert scored == [4, 4, 4]
    metrics = model.get_metrics(reset=True)
    assert metrics["ner_f1"] == pytest.approx(2 * 0.75 * 1.0 / 1.75)
    assert metrics["rel_strict_f1"] == pytest.approx(2 * (2 / 3) * 1.0 / (5 / 3))


def test_chunked_pair_scoring_gives_what_one_chunk_gives(vocab, monkeypatch):
    torch.manual_seed(0)
    model = build(vocab).eval()
    # Every single word is a person: 6 entities, 30 ordered pairs.
    entity_logits = torch.full((1, 6 * 4, 3), -10.0)
    entity_logits[0, ::4, 1] = 10.0
    entity_logits[0, 1::4, 0] = entity_logits[0, 2::4, 0] = entity_logits[0, 3::4, 0] = 10.0
    model._entity_classifier.forward = forced_span_logits(entity_logits, 6, 4)
    recorded = []
    original = span_classification._PairScorer.__call__

    def recording(self, sentences, heads, tails):
        logits = original(self, sentences, heads, tails)
        recorded.append(logits)
        return logits

    monkeypatch.setattr(span_classification._PairScorer, "__call__", recording)
    outputs, logits = [], []
    for chunk_size in (1, 7, 1000):
        model._pair_chunk_size = chunk_size
        recorded.clear()
        outputs.append(model.forward_on_instances([instance_of(GOLD)])[0])
        logits.append(torch.cat(recorded))
        assert len(recorded) == -(-30 // chunk_size)
    assert len(outputs[0]["entities"]) == 6
    for other in range(1, 3):
        assert torch.allclose(logits[other], logits[0], atol=1e-6)
        assert outputs[other]["relations"] == outputs[0]["relations"]


def test_a_pair_is_its_spans_their_widths_the_words_between_and_the_agent():
    torch.manual_seed(0)
    relation_words = torch.randn(2, 7, 3)
    embedded = torch.randn(2, 7, 2)
    agent = torch.randn(2, 4)
    widths = torch.nn.Embedding(4, 5)
    scorer = span_classification._PairScorer(
        RangePooler(relation_words, "max"),
        RangePooler(embedded, "max"),
        agent,
        widths,
        torch.nn.Identity(),
        torch.nn.Identity(),  # the representation itself
    )
    sentences = torch.tensor([1, 1, 0])
    heads = torch.tensor([[0, 2], [5, 7], [1, 3]])
    tails = torch.tensor([[4, 5], [0, 2], [3, 4]])
    representation = scorer(sentences, heads, tails)
    assert representation.shape == (3, 2 * (3 + 5) + 2 + 4)

    def expected(sentence, head, tail, between):
        context = embedded[sentence, between[0] : between[1]].max(dim=0).values if between else torch.zeros(2)
        return torch.cat([
            relation_words[sentence, head[0] : head[1]].max(dim=0).values,
            widths.weight[head[1] - head[0] - 1],
            context,
            relation_words[sentence, tail[0] : tail[1]].max(dim=0).values,
            widths.weight[tail[1] - tail[0] - 1],
            agent[sentence],
        ])

    # Words 2-3 lie between; the reverse pair has the same context; adjacent spans have none.
    assert torch.allclose(representation[0], expected(1, (0, 2), (4, 5), (2, 4)))
    assert torch.allclose(representation[1], expected(1, (5, 7), (0, 2), (2, 5)))
    assert torch.allclose(representation[2], expected(0, (1, 3), (3, 4), None))


def test_the_gold_a_sentence_trains_on(vocab):
    gold = Sentence(
        tuple("a b c d e f g h".split()),
        (
            Entity(0, 1, "Peop"),
            Entity(0, 1, "Loc"),  # the same span again: the first type in name order (Loc) wins
            Entity(2, 7, "Loc"),  # wider than 4 words
            Entity(3, 4, "Org"),  # a type the vocabulary lacks
            Entity(5, 6, "Peop"),
            Entity(7, 8, "Peop"),  # beyond the 7 words the model sees
        ),
        (
            Relation(0, 4, "Kill"),
            Relation(0, 4, "Live_In"),
            Relation(1, 4, "Kill"),
            Relation(0, 2, "Kill"),
            Relation(4, 5, "Kill"),
        ),
    )
    entities, relations = _trainable_gold(gold, 7, 4, vocab)
    peop, loc = (vocab.get_token_index(label, "entity_labels") + 1 for label in ("Peop", "Loc"))
    kill, live_in = (vocab.get_token_index(label, "relation_labels") for label in ("Kill", "Live_In"))
    assert entities == {(0, 1): loc, (5, 6): peop}
    assert relations == {(0, 1): [kill, live_in]}


def test_without_an_agent_the_classifiers_take_the_words_alone(vocab):
    model = build(vocab, encoder={"type": "mge", "input_dim": 16, "hidden_dim": 4})
    # mge gives 8 features per task and no agent: span [8 + 5 width], pair [2 x (8 + 5) + 16 context].
    assert model._entity_classifier.in_features == 13
    assert model._relation_classifier.in_features == 42
    model.train()
    output = model(**tensors(model, [instance_of(GOLD)]))
    output["loss"].backward()
    assert model._relation_classifier.weight.grad.abs().sum() > 0


def test_ctam_feeds_table_filling_too(vocab):
    params = experiment()["model"].as_dict()
    params.update(type="table_filling", table_hidden_dim=6)
    span_settings = ("max_span_width", "width_embedding_dim", "negative_entity_count", "negative_relation_count")
    for key in span_settings + ("pair_chunk_size",):
        params.pop(key)
    model = Model.from_params(vocab=vocab, params=Params(params))
    model.train()
    output = model(**tensors(model, [instance_of(GOLD)]))
    output["loss"].backward()
    assert model._encoder._layers[0]._query.weight.grad.abs().sum() > 0


@pytest.mark.parametrize(
    "settings, message",
    [
        ({"span_pooling": "min"}, "span_pooling must be one of"),
        ({"context_pooling": "first"}, "context_pooling must be one of"),
        ({"relation_threshold": 1.0}, "relation_threshold must be a probability"),
        ({"max_span_width": 0}, "max_span_width must be at least 1"),
        ({"negative_entity_count": 0}, "negative_entity_count must be at least 1"),
        ({"negative_relation_count": -1}, "negative_relation_count must be at least 0"),
        ({"pair_chunk_size": 0}, "pair_chunk_size must be at least 1"),
    ],
)
def test_bad_settings_are_configuration_errors(vocab, settings, message):
    with pytest.raises(ConfigurationError, match=message):
        build(vocab, **settings)
