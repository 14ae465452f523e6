"""
Relation scores for every ordered pair of entity vectors from DISTMULT, a cosine distance and a
linear layer (Crone 2020, eqs. 4-6).
"""
from dataclasses import dataclass
from typing import Optional

import torch
from allennlp.nn import Activation


@dataclass
class PairScores:
    """
    What a `DistmultPairScorer` computes for every ordered pair of a sentence's items.

    # Parameters

    distmult : `torch.Tensor`
        g_i^T M_k g_j for every pair (i, j) and relation type k, `(batch_size, num_items, num_items, num_labels)`.
    cosine_distance : `torch.Tensor`
        1 - cos(f_i, f_j), `(batch_size, num_items, num_items)`.
    logits : `torch.Tensor`
        The relation scores s_ij, `(batch_size, num_items, num_items, num_labels)`.
    """

    distmult: torch.Tensor
    cosine_distance: torch.Tensor
    logits: torch.Tensor


class DistmultPairScorer(torch.nn.Module):
    """
    Scores each ordered pair (i, j) of a sentence's item vectors g (the RE features of an entity's
    last word and its label embedding, in the paper) for every relation type k:

        DISTMULT_k(g_i, g_j) = g_i^T diag(m_k) g_j                        (eq. 4)
        f_i = FFNN_r1(g_i)                                                (eq. 5)
        s_ij = FFNN_r2([f_i; f_j; cos_ij; DISTMULT_1..K(g_i, g_j)])       (eq. 6)

    where cos_ij is the cosine distance 1 - cos(f_i, f_j) and FFNN_r2 is linear. A sigmoid of s_ij
    is the probability of relation k from i to j.

    The diagonals m_k start from a normal distribution of standard deviation 1 / sqrt(input_dim),
    so that the DISTMULT score of vectors with entries of unit size starts near unit size (the
    paper does not say).

    # Parameters

    input_dim : `int`
        The size of the item vectors g.
    hidden_dim : `int`
        The output size of FFNN_r1.
    num_labels : `int`
        The number of relation types.
    activation : `Activation`, optional (default = `relu`)
        FFNN_r1's activation.
    """

    def __init__(self, input_dim: int, hidden_dim: int, num_labels: int, activation: Optional[Activation] = None) -> None:
        super().__init__()
        self.diagonals = torch.nn.Parameter(torch.randn(num_labels, input_dim) / input_dim**0.5)
        self._feedforward = torch.nn.Linear(input_dim, hidden_dim)
        self._activation = activation or torch.nn.ReLU()
        self._output = torch.nn.Linear(2 * hidden_dim + 1 + num_labels, num_labels)

    def forward(self, vectors: torch.Tensor) -> PairScores:
        """
        # Parameters

        vectors : `torch.Tensor`
            The items g of each sentence, `(batch_size, num_items, input_dim)`.

        # Returns

        `PairScores`
            Every pair's DISTMULT scores, cosine distance and relation logits.
        """
        num_items = vectors.size(1)
        distmult = torch.einsum("bid,kd,bjd->bijk", vectors, self.diagonals, vectors)
        features = self._activation(self._feedforward(vectors))  # (batch_size, num_items, hidden_dim)
        first = features.unsqueeze(2).expand(-1, -1, num_items, -1)
        second = features.unsqueeze(1).expand(-1, num_items, -1, -1)
        cosine_distance = 1.0 - torch.nn.functional.cosine_similarity(first, second, dim=-1)
        logits = self._output(torch.cat([first, second, cosine_distance.unsqueeze(-1), distmult], dim=-1))
        return PairScores(distmult, cosine_distance, logits)
