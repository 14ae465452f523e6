import pathlib
from typing import Dict, List

import torch
from allennlp.data import Batch, Instance, Token, Vocabulary
from allennlp.data.fields import TextField
from allennlp.data.token_indexers import ELMoTokenCharactersIndexer
from allennlp.modules.token_embedders import ElmoTokenEmbedder

from tests.elmo_fixture import ELMO_OUTPUT_DIM, write_tiny_elmo

SENTENCES = [["John", "Wilkes", "Booth", "killed", "Lincoln", "."], ["He", "fled", "."]]


def elmo_tokens(sentences: List[List[str]]) -> Dict[str, torch.Tensor]:
    """The sentences' character ids, indexed and padded as a `TextField` of `elmo_characters` does."""
    indexers = {"elmo": ELMoTokenCharactersIndexer()}
    batch = Batch(
        [Instance({"tokens": TextField([Token(word) for word in sentence], indexers)}) for sentence in sentences]
    )
    batch.index_instances(Vocabulary())
    return batch.as_tensor_dict()["tokens"]["elmo"]


def tiny_elmo_embedder(tmp_path: pathlib.Path) -> ElmoTokenEmbedder:
    options_file, weight_file = write_tiny_elmo(tmp_path)
    return ElmoTokenEmbedder(str(options_file), str(weight_file), dropout=0.0, requires_grad=False)


def test_embeds_a_batch_in_the_tiny_elmos_dimension(tmp_path):
    embedder = tiny_elmo_embedder(tmp_path)
    embedder.eval()
    with torch.no_grad():
        embeddings = embedder(**elmo_tokens(SENTENCES))
    assert embedder.get_output_dim() == ELMO_OUTPUT_DIM == 8
    assert embeddings.shape == (2, 6, ELMO_OUTPUT_DIM)
    assert torch.isfinite(embeddings).all()
    # The shorter sentence's padding embeds to zeros, and its words do not.
    assert (embeddings[1, 3:] == 0).all() and (embeddings[1, :3] != 0).any(dim=-1).all()


def test_only_the_scalar_mix_is_trainable(tmp_path):
    embedder = tiny_elmo_embedder(tmp_path)
    trainable = sorted(name for name, parameter in embedder.named_parameters() if parameter.requires_grad)
    # The two LSTM layers and the character encoder's output give three layers to weight.
    assert trainable == [
        "_elmo.scalar_mix_0.gamma",
        "_elmo.scalar_mix_0.scalar_parameters.0",
        "_elmo.scalar_mix_0.scalar_parameters.1",
        "_elmo.scalar_mix_0.scalar_parameters.2",
    ]


def test_two_calls_in_eval_mode_give_the_same_embeddings_from_the_same_state(tmp_path):
    embedder = tiny_elmo_embedder(tmp_path)
    embedder.eval()
    tokens = elmo_tokens(SENTENCES)
    with torch.no_grad():
        first = embedder(**tokens)
        # AllenNLP's ELMo LSTM is stateful: each batch starts from the states the last one ended in,
        # so a second call differs until they are reset.
        carried_over = embedder(**tokens)
        embedder._elmo._elmo_lstm._elmo_lstm.reset_states()
        second = embedder(**tokens)
        rebuilt = tiny_elmo_embedder(tmp_path).eval()(**tokens)
    assert not torch.equal(first, carried_over)
    assert torch.equal(first, second)
    assert torch.equal(first, rebuilt)
