import logging
import re
from typing import Dict, List, Optional, Tuple

import pytest
import torch
from allennlp.common.checks import ConfigurationError
from allennlp.data import Batch, Instance, Token, Vocabulary
from allennlp.data.fields import TextField
from allennlp.data.token_indexers import PretrainedTransformerMismatchedIndexer, SingleIdTokenIndexer
from allennlp.modules.seq2seq_encoders import PassThroughEncoder
from allennlp.modules.text_field_embedders import BasicTextFieldEmbedder
from allennlp.modules.token_embedders import Embedding, PretrainedTransformerMismatchedEmbedder

from jointre_plugins.data.joint_metadata_field import JointMetadataField
from jointre_plugins.data.structures import Entity, Relation, Sentence
from jointre_plugins.encoders.mge import MultiGateEncoder
from jointre_plugins.encoders.multi_task_encoder import MultiTaskEncoder, PredictionHead
from jointre_plugins.models.joint_extraction_model import Extraction, JointBatch, JointExtractionModel
from jointre_plugins.models.table_filling import TableFillingModel
from tests.conftest import FIXTURES

TINY_BERT = str(FIXTURES / "tiny_bert")
WORDS = [["John", "Smith", "lives", "in", "Boston", "."], ["Mary", "works", "."]]


class RecordingScheme(JointExtractionModel):
    """A three-task scheme that records what the base hands it and echoes the gold while training."""

    required_tasks = ("entity", "subject", "object")
    loss_names = ("entity",)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.head = torch.nn.Linear(self.task_output_dim("entity"), 2)
        self.calls: List[Tuple[JointBatch, Dict[str, torch.Tensor]]] = []
        self._finish_init(None)

    def prediction_heads(self) -> Dict[str, PredictionHead]:
        return {"entity": lambda features, mask: self.head(features)}

    def prediction_dims(self) -> Dict[str, int]:
        return {"entity": 2}

    def extract(self, batch: JointBatch, features: Dict[str, torch.Tensor]) -> Extraction:
        self.calls.append((batch, features))
        if batch.training and batch.golds is not None:
            return Extraction(list(batch.golds), {"entity": self.head(features["entity"]).sum()})
        return Extraction([Sentence(tuple(words)) for words in batch.words])


class HeadCallingEncoder(MultiTaskEncoder):
    """Two tasks; the relation features add the entity head's prediction of the entity features."""

    required_heads = ("entity",)

    def __init__(self, input_dim: int) -> None:
        super().__init__()
        self._input_dim = input_dim
        self.head_inputs: List[torch.Tensor] = []
        self.prediction_dims: Dict[str, int] = {}

    @property
    def task_names(self) -> Tuple[str, ...]:
        return ("entity", "relation")

    def get_input_dim(self) -> int:
        return self._input_dim

    def get_task_output_dim(self, task: str) -> int:
        return self._input_dim

    def is_bidirectional(self) -> bool:
        return False

    def set_prediction_dims(self, dims: Dict[str, int]) -> None:
        self.prediction_dims = dims

    def forward_tasks(self, inputs, mask, heads: Optional[Dict[str, PredictionHead]] = None):
        self.head_inputs.append(inputs)
        prediction = heads["entity"](inputs, mask)  # (batch_size, num_tokens, 2)
        return {"entity": inputs, "relation": inputs + prediction.sum(-1, keepdim=True)}


def vocabulary() -> Vocabulary:
    vocab = Vocabulary()
    vocab.add_tokens_to_namespace(["Peop", "Loc"], "entity_labels")
    vocab.add_tokens_to_namespace(["Live_In"], "relation_labels")
    vocab.add_tokens_to_namespace(sorted({word for words in WORDS for word in words}), "tokens")
    return vocab


def word_embedder(vocab: Vocabulary, dim: int = 4) -> BasicTextFieldEmbedder:
    return BasicTextFieldEmbedder({"tokens": Embedding(embedding_dim=dim, num_embeddings=vocab.get_vocab_size())})


def bert_embedder() -> BasicTextFieldEmbedder:
    return BasicTextFieldEmbedder(
        {"tokens": PretrainedTransformerMismatchedEmbedder(TINY_BERT, load_weights=False)}
    )


def batch_of(vocab: Vocabulary, indexers, golds: Optional[List[Sentence]] = None):
    instances = [
        Instance(
            {
                "tokens": TextField([Token(word) for word in words], indexers),
                "metadata": JointMetadataField(words, None if golds is None else golds[index]),
            }
        )
        for index, words in enumerate(WORDS)
    ]
    batch = Batch(instances)
    batch.index_instances(vocab)
    return batch.as_tensor_dict()


def golds() -> List[Sentence]:
    return [
        Sentence(tuple(WORDS[0]), (Entity(0, 2, "Peop"), Entity(4, 5, "Loc")), (Relation(0, 1, "Live_In"),)),
        Sentence(tuple(WORDS[1]), (Entity(0, 1, "Peop"),)),
    ]


def test_task_map_lets_a_two_task_encoder_drive_a_three_task_scheme():
    vocab = vocabulary()
    encoder = MultiGateEncoder(4, hidden_dim=3)
    model = RecordingScheme(
        vocab, word_embedder(vocab), encoder, dropout=0.0, task_map={"subject": "relation", "object": "relation"}
    )
    assert model.task_output_dim("subject") == encoder.get_task_output_dim("relation") == 6
    model.eval()
    model(**batch_of(vocab, {"tokens": SingleIdTokenIndexer()}))
    _, features = model.calls[-1]
    assert set(features) == {"entity", "subject", "object"}
    assert torch.equal(features["subject"], features["object"])
    assert features["entity"].shape == (2, 6, 6)


def test_missing_encoder_task_is_a_configuration_error_that_suggests_task_map():
    vocab = vocabulary()
    with pytest.raises(ConfigurationError) as error:
        RecordingScheme(vocab, word_embedder(vocab), MultiGateEncoder(4, hidden_dim=3))
    message = str(error.value)
    assert "needs the encoder tasks ('entity', 'subject', 'object')" in message
    assert "provides ('entity', 'relation'); it lacks ['object', 'subject']" in message
    assert "task_map" in message


@pytest.mark.parametrize(
    "kwargs, problem",
    [
        ({"task_map": {"predicate": "relation"}}, "task_map names ['predicate'], but RecordingScheme reads"),
        ({"loss_weights": {"relation": 2.0}}, "loss_weights names ['relation'], but RecordingScheme has the losses ('entity',)"),
    ],
)
def test_names_the_scheme_does_not_have_are_configuration_errors(kwargs, problem):
    vocab = vocabulary()
    with pytest.raises(ConfigurationError, match=re.escape(problem)):
        RecordingScheme(vocab, word_embedder(vocab), PassThroughEncoder(4), **kwargs)


def test_dimension_mismatch_is_a_configuration_error():
    vocab = vocabulary()
    with pytest.raises(ConfigurationError, match="expects inputs of size 6, but the embedder gives 4"):
        RecordingScheme(vocab, word_embedder(vocab), PassThroughEncoder(6))


def test_a_scheme_that_re_embeds_needs_token_indexers():
    class ReEmbedding(RecordingScheme):
        requires_token_indexers = True

    vocab = vocabulary()
    with pytest.raises(ConfigurationError, match="re-embeds word sequences and needs the reader's token_indexers"):
        ReEmbedding(vocab, word_embedder(vocab), PassThroughEncoder(4))


def test_training_passes_the_gold_and_sums_weighted_losses():
    vocab = vocabulary()
    model = RecordingScheme(vocab, word_embedder(vocab), PassThroughEncoder(4), dropout=0.0, loss_weights={"entity": 0.5})
    model.train()
    output = model(**batch_of(vocab, {"tokens": SingleIdTokenIndexer()}, golds()))
    batch, features = model.calls[-1]
    assert batch.training and batch.golds == golds()
    assert batch.words == WORDS
    assert torch.isclose(output["loss"], 0.5 * model.head(features["entity"]).sum())
    # The echoed gold is scored: every entity right.
    assert model.get_metrics(reset=True)["ner_f1"] == 1.0


def test_evaluation_without_a_loss_still_scores_and_raw_input_is_not_scored():
    vocab = vocabulary()
    model = RecordingScheme(vocab, word_embedder(vocab), PassThroughEncoder(4))
    model.eval()
    output = model(**batch_of(vocab, {"tokens": SingleIdTokenIndexer()}, golds()))
    assert "loss" not in output
    assert model.calls[-1][0].training is False
    assert model._metric._summed_counts()["gold"][("ner", "Peop")] == 2
    metrics = model.get_metrics(reset=True)
    assert metrics["ner_recall"] == 0.0 and metrics["ner_precision"] == 0.0
    model(**batch_of(vocab, {"tokens": SingleIdTokenIndexer()}))
    assert model.calls[-1][0].golds is None
    assert model._metric._summed_counts()["gold"] == {}


def test_encoder_layers_call_the_schemes_prediction_heads():
    vocab = vocabulary()
    encoder = HeadCallingEncoder(4)
    model = RecordingScheme(
        vocab, word_embedder(vocab), encoder, dropout=0.0, task_map={"subject": "relation", "object": "relation"}
    )
    # The model told the encoder the size of the head's prediction before initialising.
    assert encoder.prediction_dims == {"entity": 2}
    model.eval()
    model(**batch_of(vocab, {"tokens": SingleIdTokenIndexer()}))
    _, features = model.calls[-1]
    entity = features["entity"]
    assert torch.allclose(features["subject"], entity + model.head(entity).sum(-1, keepdim=True))
    with pytest.raises(ValueError, match=re.escape("calls the prediction heads of ('entity',)")):
        encoder(entity, torch.ones(2, 6, dtype=torch.bool))


def test_an_encoder_calling_a_head_the_scheme_does_not_feed_is_a_configuration_error():
    class RelationOnly(RecordingScheme):
        required_tasks = ("relation",)

    vocab = vocabulary()
    message = "calls prediction heads for its tasks ('entity',), but RelationOnly feeds none of ['entity']"
    with pytest.raises(ConfigurationError, match=re.escape(message)):
        RelationOnly(vocab, word_embedder(vocab), HeadCallingEncoder(4))


def test_a_scheme_without_the_head_its_encoder_calls_is_a_configuration_error():
    class Headless(RecordingScheme):
        def prediction_heads(self) -> Dict[str, PredictionHead]:
            return {}

    vocab = vocabulary()
    message = "HeadCallingEncoder calls prediction heads for ['entity'], but Headless provides heads for []"
    with pytest.raises(ConfigurationError, match=re.escape(message)):
        Headless(vocab, word_embedder(vocab), HeadCallingEncoder(4), task_map={"subject": "relation", "object": "relation"})


def test_a_loss_the_scheme_did_not_declare_is_an_error():
    class Misnamed(RecordingScheme):
        def extract(self, batch: JointBatch, features: Dict[str, torch.Tensor]) -> Extraction:
            return Extraction([Sentence(tuple(words)) for words in batch.words], {"entities": features["entity"].sum()})

    vocab = vocabulary()
    model = Misnamed(vocab, word_embedder(vocab), PassThroughEncoder(4))
    with pytest.raises(ValueError, match=re.escape("Misnamed returned the losses ['entities'], which loss_names lacks")):
        model(**batch_of(vocab, {"tokens": SingleIdTokenIndexer()}, golds()))


def test_the_sentence_agent_is_the_cls_vector_of_a_transformer():
    vocab = vocabulary()
    embedder = bert_embedder()
    model = RecordingScheme(vocab, embedder, PassThroughEncoder(16), dropout=0.0)
    model.eval()
    tokens = batch_of(vocab, {"tokens": PretrainedTransformerMismatchedIndexer(TINY_BERT)})["tokens"]
    embedded = model.embed(tokens)
    pieces = tokens["tokens"]
    matched = embedder.token_embedder_tokens._matched_embedder(pieces["token_ids"], pieces["wordpiece_mask"])
    assert embedded.agent.shape == (2, 16)
    assert torch.equal(embedded.agent, matched[:, 0])
    assert not torch.allclose(embedded.agent, embedded.vectors[:, 0])


def test_without_a_transformer_the_sentence_agent_is_the_mean_of_the_real_words():
    vocab = vocabulary()
    model = RecordingScheme(vocab, word_embedder(vocab), PassThroughEncoder(4), dropout=0.0)
    embedded = model.embed(batch_of(vocab, {"tokens": SingleIdTokenIndexer()})["tokens"])
    assert torch.allclose(embedded.agent[0], embedded.vectors[0].mean(0))
    assert torch.allclose(embedded.agent[1], embedded.vectors[1, :3].mean(0))


def test_embed_words_embeds_new_word_sequences_like_the_reader_would():
    vocab = vocabulary()
    indexers = {"tokens": PretrainedTransformerMismatchedIndexer(TINY_BERT)}
    model = RecordingScheme(vocab, bert_embedder(), PassThroughEncoder(16), dropout=0.0, token_indexers=indexers)
    model.eval()
    from_reader = model.embed(batch_of(vocab, indexers)["tokens"])
    again = model.embed_words(WORDS)
    assert torch.allclose(again.vectors, from_reader.vectors, atol=1e-6)
    assert torch.equal(again.mask, from_reader.mask)
    marked = model.embed_words([["<S:Peop>", "John", "Smith", "</S:Peop>", "lives"]])
    assert marked.vectors.shape == (1, 5, 16)
    features = model.encode(marked)
    assert set(features) == {"entity", "subject", "object"}


def test_embed_words_without_token_indexers_says_so():
    vocab = vocabulary()
    model = RecordingScheme(vocab, word_embedder(vocab), PassThroughEncoder(4))
    with pytest.raises(ConfigurationError, match="was built without token_indexers"):
        model.embed_words(WORDS)


def test_the_transformer_pooler_is_removed_so_every_parameter_gets_a_gradient():
    vocab = vocabulary()
    embedder = bert_embedder()
    model = TableFillingModel(vocab, embedder, MultiGateEncoder(16, hidden_dim=4), table_hidden_dim=4)
    assert embedder.token_embedder_tokens._matched_embedder.transformer_model.pooler is None
    model.train()
    output = model(**batch_of(vocab, {"tokens": PretrainedTransformerMismatchedIndexer(TINY_BERT)}, golds()))
    output["loss"].backward()
    without_gradient = [name for name, parameter in model.named_parameters() if parameter.grad is None]
    assert without_gradient == []


def test_gold_of_unseen_types_is_scored_as_a_miss_and_reported(caplog):
    vocab = vocabulary()
    model = TableFillingModel(vocab, word_embedder(vocab), MultiGateEncoder(4, hidden_dim=3), table_hidden_dim=5)
    unseen = [
        Sentence(tuple(WORDS[0]), (Entity(0, 2, "Peop"), Entity(4, 5, "City")), (Relation(0, 1, "Born_In"),)),
        Sentence(tuple(WORDS[1]), (Entity(0, 1, "Weapon"),)),
    ]
    output = model(**batch_of(vocab, {"tokens": SingleIdTokenIndexer()}, unseen))
    assert torch.isfinite(output["loss"])
    with caplog.at_level(logging.WARNING):
        metrics = model.get_metrics(reset=True)
    assert metrics["gold_entities_unseen_type"] == 2.0
    assert metrics["gold_relations_unseen_type"] == 1.0
    assert "2 gold entities and 1 gold relations have types the model's vocabulary lacks" in caplog.text
