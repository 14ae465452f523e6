import json
import pathlib
import subprocess
import sys

import pytest
import torch
from allennlp.commands.train import train_model
from allennlp.common import Params
from allennlp.common.checks import ConfigurationError
from allennlp.common.testing import ModelTestCase
from allennlp.data import Batch, DatasetReader, Vocabulary
from allennlp.models import Model

from jointre_plugins.data.structures import Entity, Relation, Sentence
from jointre_plugins.models.cascade_span_extraction import CascadeSpanExtractionModel, _GoldSpans
from jointre_plugins.models.joint_extraction_model import EmbeddedWords, JointBatch
from jointre_plugins.modules.span_extraction_head import SpanScores
from jointre_plugins.modules.text_markers import insert_markers
from tests.conftest import FIXTURES
from tests.models.experiments import experiment_params

EXPERIMENT = FIXTURES / "experiments" / "srn_cascade.jsonnet"
SAMPLE = FIXTURES / "data" / "spert" / "sample.json"


def experiment(**model_overrides) -> Params:
    return experiment_params(EXPERIMENT, **model_overrides)


class TestLateFusion(ModelTestCase):
    def setup_method(self):
        super().setup_method()
        self.set_up_model(EXPERIMENT, SAMPLE)

    def test_can_train_save_and_load(self):
        self.ensure_model_can_train_save_and_load(self.param_file)

    def test_batch_predictions_are_consistent(self):
        self.ensure_batch_predictions_are_consistent()

    def test_training_gives_the_nine_losses(self):
        self.model.train()
        batch = Batch(self.instances)
        batch.index_instances(self.vocab)
        losses = {}
        original = self.model._turn_losses

        def recording(turn, *args):
            result = original(turn, *args)
            losses.update(result)
            return result

        self.model._turn_losses = recording
        output = self.model(**batch.as_tensor_dict())
        assert sorted(losses) == sorted(
            f"{turn}_{part}" for turn in ("entity", "subject") for part in ("start", "end", "match")
        )
        assert output["loss"].requires_grad and output["loss"] > 0
        num_tokens = batch.as_tensor_dict()["tokens"]["tokens"]["mask"].size(1)
        num_entity_labels = self.vocab.get_vocab_size("entity_labels")
        assert output["entity_match_logits"].shape == (3, num_tokens, num_tokens, num_entity_labels)
        assert output["subject_start_logits"].shape == (3, num_tokens, 1)

    def test_no_loss_at_evaluation(self):
        self.model.eval()
        batch = Batch(self.instances)
        batch.index_instances(self.vocab)
        assert "loss" not in self.model(**batch.as_tensor_dict())


class TestEarlyFusion(ModelTestCase):
    def setup_method(self):
        super().setup_method()
        self.set_up_model(EXPERIMENT, SAMPLE)
        self.param_file = self.TEST_DIR / "early.json"
        self.param_file.write_text(json.dumps(experiment(fusion="early").as_dict()))
        self.model = Model.from_params(vocab=self.vocab, params=experiment(fusion="early")["model"])

    def test_can_train_save_and_load(self):
        self.ensure_model_can_train_save_and_load(self.param_file)

    def test_batch_predictions_are_consistent(self):
        self.ensure_batch_predictions_are_consistent()

    def test_passes_are_chunked_and_chunking_changes_nothing(self):
        self.model.train()
        batch = Batch(self.instances)
        batch.index_instances(self.vocab)
        tensors = batch.as_tensor_dict()
        passes = []
        original = self.model.embed_words

        def counting(words):
            passes.append(len(words))
            return original(words)

        self.model.embed_words = counting
        torch.manual_seed(1)
        chunked_loss = self.model(**tensors)["loss"]
        # SE: one pass of the three sentences; SOE: the nine gold entities in chunks of 3.
        assert passes == [3, 3, 3, 3]
        passes.clear()
        self.model._chunk_size = 32
        torch.manual_seed(1)
        assert self.model(**tensors)["loss"].item() == pytest.approx(chunked_loss.item(), rel=1e-5)
        assert passes == [3, 9]


def sentence(words, entities=(), relations=()):
    return Sentence(tuple(words), tuple(entities), tuple(relations))


@pytest.fixture
def vocab():
    vocab = Vocabulary()
    vocab.add_tokens_to_namespace(["Peop", "Loc"], "entity_labels")
    vocab.add_tokens_to_namespace(["Live_In", "Kill"], "relation_labels")
    return vocab


def build(vocab, **model_overrides) -> CascadeSpanExtractionModel:
    return Model.from_params(vocab=vocab, params=experiment(**model_overrides)["model"])


def spans_to_scores(num_labels, spans_per_sequence, num_tokens) -> SpanScores:
    """Logits of +10 at each span's start, end and match and -10 elsewhere."""
    scores = SpanScores(
        torch.full((len(spans_per_sequence), num_tokens, num_labels), -10.0),
        torch.full((len(spans_per_sequence), num_tokens, num_labels), -10.0),
        torch.full((len(spans_per_sequence), num_tokens, num_tokens, num_labels), -10.0),
    )
    for sequence, spans in enumerate(spans_per_sequence):
        for start, end, label in spans:
            scores.start[sequence, start, label] = 10.0
            scores.end[sequence, end - 1, label] = 10.0
            scores.match[sequence, start, end - 1, label] = 10.0
    return scores


@pytest.mark.parametrize("fusion", ["late", "early"])
def test_the_cascade_decodes_hand_built_scores_to_typed_triples(vocab, fusion):
    words = ["Tom", "Baker", "shot", "Sam", "in", "Rome"]
    model = build(vocab, fusion=fusion)
    model.eval()
    peop, loc = (vocab.get_token_index(label, "entity_labels") for label in ("Peop", "Loc"))
    live_in, kill = (vocab.get_token_index(label, "relation_labels") for label in ("Live_In", "Kill"))
    seen = {}

    def entity_head(features):
        return spans_to_scores(2, [[(0, 2, peop), (3, 4, peop), (5, 6, loc)]], features.size(1))

    def subject_head(features):
        seen["subject_features"] = features
        # Tom Baker, and "shot", which EE did not predict.
        return spans_to_scores(1, [[(0, 2, 0), (2, 3, 0)]], features.size(1))

    def object_head(features):
        seen["object_pairs"] = features.size(0)
        # For Tom Baker: Kill Sam, Live_In Rome, Live_In "in" (not an entity). For "shot": Kill Sam.
        return spans_to_scores(2, [[(3, 4, kill), (5, 6, live_in), (4, 5, live_in)], [(3, 4, kill)]], features.size(1))

    model._entity_head.forward = entity_head
    model._subject_head.forward = subject_head
    model._object_head.forward = object_head
    reader = DatasetReader.from_params(experiment()["dataset_reader"])
    gold = sentence(
        words,
        [Entity(0, 2, "Peop"), Entity(3, 4, "Peop"), Entity(5, 6, "Loc")],
        [Relation(0, 1, "Kill"), Relation(0, 2, "Live_In")],
    )
    instance = reader.text_to_instance(words, gold)
    reader.apply_token_indexers(instance)
    [output] = model.forward_on_instances([instance])
    assert output["entities"] == [
        {"start": 0, "end": 2, "type": "Peop"},
        {"start": 3, "end": 4, "type": "Peop"},
        {"start": 5, "end": 6, "type": "Loc"},
    ]
    assert output["relations"] == [{"head": 0, "tail": 1, "type": "Kill"}, {"head": 0, "tail": 2, "type": "Live_In"}]
    assert seen["object_pairs"] == 2
    metrics = model.get_metrics(reset=True)
    assert metrics["rel_strict_f1"] == 1.0 and metrics["ner_f1"] == 1.0
    # "in" as an object of Tom Baker and "shot" as a subject have no entity.
    assert metrics["triples_without_entity"] == 2.0
    assert metrics["subjects_per_sentence"] == 2.0
    assert model.get_metrics(reset=True)["subjects_per_sentence"] == 0.0
    if fusion == "late":
        # Eq. 11: SE reads each word's entity tag embedding before its subject features.
        tags = model._entity_tags(torch.tensor([peop + 1, peop + 1, 0, peop + 1, 0, loc + 1]))
        assert torch.equal(seen["subject_features"][0, :, : tags.size(1)], tags)


def test_gold_spans_of_the_turns(vocab):
    gold = sentence(
        ["Tom", "shot", "Sam", "in", "Rome", "and", "Ann", "."],
        [Entity(0, 1, "Peop"), Entity(2, 3, "Peop"), Entity(4, 5, "Loc"), Entity(6, 7, "Peop"), Entity(6, 7, "Org")],
        [Relation(0, 1, "Kill"), Relation(1, 2, "Live_In"), Relation(0, 3, "Kill"), Relation(0, 2, "Born_In")],
    )
    peop, loc = (vocab.get_token_index(label, "entity_labels") for label in ("Peop", "Loc"))
    live_in, kill = (vocab.get_token_index(label, "relation_labels") for label in ("Live_In", "Kill"))
    spans = _GoldSpans(gold, 7, vocab)
    # Org and Born_In are types the vocabulary lacks; at length 7 Ann is still in.
    assert spans.entities == sorted([(0, 1, peop), (2, 3, peop), (4, 5, loc), (6, 7, peop)])
    assert spans.subjects == [(0, 1, 0), (2, 3, 0)]
    assert spans.objects_of == {(0, 1): sorted([(2, 3, kill), (6, 7, kill)]), (2, 3): [(4, 5, live_in)]}
    cut = _GoldSpans(gold, 6, vocab)
    assert (6, 7, peop) not in cut.entities and cut.objects_of[(0, 1)] == [(2, 3, kill)]


def test_training_candidates_are_every_gold_entity_or_only_the_subjects(vocab):
    reader = DatasetReader.from_params(experiment()["dataset_reader"])
    instances = list(reader.read(str(SAMPLE)))
    for golden_subjects_only, expected in ((False, 9), (True, 4)):
        model = build(Vocabulary.from_instances(instances), golden_subjects_only=golden_subjects_only)
        model.train()
        pairs = []
        original = model._object_features

        def recording(batch, features, entities, candidate_pairs):
            pairs.extend(candidate_pairs)
            return original(batch, features, entities, candidate_pairs)

        model._object_features = recording
        batch = Batch(instances)
        batch.index_instances(model.vocab)
        model(**batch.as_tensor_dict())
        assert len(pairs) == expected


@pytest.mark.parametrize(
    "overrides",
    [
        {"golden_subjects_only": True},
        {"fusion": "early", "entity_markers": False},
        {"extract_relations": False},
        {"encoder": {"type": "srn", "input_dim": 16, "hidden_dim": 8, "bidirectional": True}},
        {"encoder": {"type": "lstm", "input_size": 16, "hidden_size": 4, "bidirectional": True}},
        {
            "encoder": {"type": "mge", "input_dim": 16, "hidden_dim": 8},
            "task_map": {"subject": "relation", "object": "relation"},
        },
        {"loss_weights": {"entity_match": 0.5, "object_start": 0.2}},
        {"subject_context_encoder": {"type": "lstm", "input_size": 40, "hidden_size": 4, "bidirectional": True}},
    ],
    ids=[
        "golden_subjects",
        "subject_markers",
        "independent_ner",
        "bisrn",
        "bilstm",
        "mge",
        "loss_weights",
        "subject_context",
    ],
)
def test_every_ablation_builds_and_trains(overrides, tmp_path):
    params = Params.from_file(
        str(EXPERIMENT),
        params_overrides=json.dumps({"trainer.num_epochs": 1, **{f"model.{k}": v for k, v in overrides.items()}}),
    )
    train_model(params, str(tmp_path))
    assert (tmp_path / "model.tar.gz").is_file()
    metrics = json.loads((tmp_path / "metrics.json").read_text())
    assert "validation_rel_strict_f1" in metrics


def test_independent_ner_has_no_relation_modules(vocab):
    model = build(vocab, extract_relations=False)
    assert not hasattr(model, "_subject_head") and not hasattr(model, "_object_head")
    assert not any(name.startswith("_entity_tags") for name, _ in model.named_parameters())


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"fusion": "middle"}, "fusion must be one of"),
        ({"threshold": 1.0}, "threshold must be a probability"),
        ({"chunk_size": 0}, "chunk_size must be at least 1"),
        ({"fusion": "early", "token_indexers": None}, "needs the reader's token_indexers"),
        ({"encoder": {"type": "mge", "input_dim": 16, "hidden_dim": 8}}, "lacks \\['object', 'subject'\\]"),
    ],
)
def test_bad_configurations_are_named(vocab, overrides, message):
    with pytest.raises(ConfigurationError, match=message):
        build(vocab, **overrides)


def test_training_without_gold_is_an_error(vocab):
    model = build(vocab)
    model.train()
    reader = DatasetReader.from_params(experiment()["dataset_reader"])
    instance = reader.text_to_instance(["Tom", "shot", "Sam"])
    reader.apply_token_indexers(instance)
    batch = Batch([instance])
    batch.index_instances(vocab)
    with pytest.raises(ValueError, match="trains on gold"):
        model(**batch.as_tensor_dict())


def test_marker_positions_are_removed_before_the_span_heads(vocab):
    # An encoder stand-in whose every feature is the index of the word in the marked sequence:
    # what reaches the heads must be exactly the original words' indices.
    model = build(vocab, fusion="early")

    def encode(embedded):
        batch_size, num_tokens, _ = embedded.vectors.shape
        indices = torch.arange(num_tokens, dtype=torch.float).view(1, -1, 1)
        return {"object": indices.expand(batch_size, num_tokens, model.task_output_dim("object"))}

    model.encode = encode
    marked = [
        insert_markers(["Tom", "shot", "Sam"], [(0, 1, "Peop"), (2, 3, "Peop")], subject=(0, 1)),
        insert_markers(["Rome"], [(0, 1, "Loc")], subject=(0, 1)),
    ]
    mask = torch.tensor([[True, True, True], [True, False, False]])
    features = model._encode_marked(marked, "object", mask)
    assert features[:, :, 0].tolist() == [[2.0, 5.0, 7.0], [2.0, 0.0, 0.0]]
    assert marked[0].words[2] == "Tom" and marked[0].words[7] == "Sam" and marked[1].words[2] == "Rome"


def test_an_early_fusion_archive_evaluates_and_predicts_through_the_allennlp_command(tmp_path):
    # A fresh process builds the model again from the archive's config: the marker tokens must
    # come out as the same rows of the transformer's embeddings for the weights to load.
    params = Params.from_file(
        str(EXPERIMENT), params_overrides=json.dumps({"trainer.num_epochs": 1, "model.fusion": "early"})
    )
    trained = train_model(params, str(tmp_path / "run"))
    rows = trained._text_field_embedder._token_embedders["tokens"]._matched_embedder.transformer_model
    assert rows.get_input_embeddings().num_embeddings == 330 + 2 + 2 * trained.vocab.get_vocab_size("entity_labels")
    archive = str(tmp_path / "run" / "model.tar.gz")
    allennlp = [str(pathlib.Path(sys.executable).parent / "allennlp")]
    plugin = ["--include-package", "jointre_plugins", "--cuda-device", "-1"]
    evaluated = subprocess.run(
        allennlp + ["evaluate", archive, str(SAMPLE), "--output-file", str(tmp_path / "metrics.json")] + plugin,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert evaluated.returncode == 0, evaluated.stderr
    metrics = json.loads((tmp_path / "metrics.json").read_text())
    assert {"ner_f1", "rel_strict_f1", "subjects_per_sentence", "triples_without_entity"} <= set(metrics)
    (tmp_path / "input.jsonl").write_text('{"tokens": ["Tom", "shot", "Sam"]}\n')
    predicted = subprocess.run(
        allennlp
        + ["predict", archive, str(tmp_path / "input.jsonl"), "--output-file", str(tmp_path / "out.jsonl"), "--silent"]
        + plugin,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert predicted.returncode == 0, predicted.stderr
    [line] = (tmp_path / "out.jsonl").read_text().splitlines()
    assert json.loads(line)["tokens"] == ["Tom", "shot", "Sam"]


@pytest.mark.parametrize(
    "context_encoder", [None, {"type": "lstm", "input_size": 40, "hidden_size": 4, "bidirectional": True}]
)
def test_only_a_subject_context_encoder_lets_late_fusion_objects_depend_on_the_subject(vocab, context_encoder):
    # SOE's fused input of a word outside the subject is the same for every subject (eq. 11), so
    # the paper's linear heads give it the same object scores for both subjects here.
    model = build(vocab, subject_context_encoder=context_encoder)
    model.eval()
    torch.manual_seed(0)
    mask = torch.ones(1, 5, dtype=torch.bool)
    embedded = EmbeddedWords(torch.zeros(1, 5, 16), mask, torch.zeros(1, 16))
    batch = JointBatch(tokens={}, words=[list("abcde")], embedded=embedded, golds=None, training=False)
    features = {"object": torch.randn(1, 5, model.task_output_dim("object"))}
    fused, pair_mask = model._object_features(batch, features, [[(0, 1, 0), (2, 3, 1)]], [(0, 0, 1), (0, 2, 3)])
    scores = model._object_head(fused)
    same = all(torch.allclose(part[0, 4], part[1, 4]) for part in (scores.start, scores.end))
    assert same == (context_encoder is None)
    assert pair_mask.tolist() == [[True] * 5, [True] * 5]


def test_a_subject_context_encoder_must_fit_late_fusion(vocab):
    lstm = {"type": "lstm", "input_size": 7, "hidden_size": 4}
    with pytest.raises(ConfigurationError, match="SOE's fused input has 40"):
        build(vocab, subject_context_encoder=lstm)
    with pytest.raises(ConfigurationError, match="part of late fusion"):
        build(vocab, fusion="early", subject_context_encoder=lstm)
