"""
Scores every ordered pair of words for a set of labels: the table module of PFN and MGE.
"""
import math

import torch


class PairTableScorer(torch.nn.Module):
    """
    Computes, for every pair of words (i, j) and every label k, the logit of a sigmoid
    classifier (MGE eqs. 7-10):

        T[i, j] = ELU(LayerNorm([H_i; H_j] W + b)),    logit[i, j, k] = T[i, j] · w_k + b_k

    `[H_i; H_j] W` is computed as `H_i W_1 + H_j W_2`, which is the same linear map without
    materialising the concatenated pair vectors.

    The label biases start at the log-odds of `prior` rather than at zero. The paper does not
    say how the tables are initialised; starting every cell at probability 0.5 would predict
    about half of all spans and word pairs, whose combination into triples is quadratic, while
    gold tables are almost all zeros. This is the prior initialisation of focal-loss detectors.

    # Parameters

    input_dim : `int`
        The size of the word vectors H_i.
    hidden_dim : `int`
        The size h of the pair representation T[i, j].
    num_labels : `int`
        The number of tables (entity or relation types).
    prior : `float`, optional (default = `0.01`)
        The initial probability of every cell.
    """

    def __init__(self, input_dim: int, hidden_dim: int, num_labels: int, prior: float = 0.01) -> None:
        super().__init__()
        if not 0.0 < prior < 1.0:
            raise ValueError(f"prior must be a probability strictly between 0 and 1, not {prior}")
        self._row = torch.nn.Linear(input_dim, hidden_dim)
        self._column = torch.nn.Linear(input_dim, hidden_dim, bias=False)
        self._layer_norm = torch.nn.LayerNorm(hidden_dim)
        self._output = torch.nn.Linear(hidden_dim, num_labels)
        torch.nn.init.constant_(self._output.bias, math.log(prior / (1.0 - prior)))

    def forward(self, features: torch.Tensor) -> torch.Tensor:
        """
        # Parameters

        features : `torch.Tensor`
            Shape `(batch_size, num_tokens, input_dim)`.

        # Returns

        `torch.Tensor`
            Logits of shape `(batch_size, num_tokens, num_tokens, num_labels)`; cell
            `[b, i, j, k]` scores word `i` as the row and word `j` as the column of table `k`.
        """
        rows = self._row(features).unsqueeze(2)  # (batch_size, num_tokens, 1, hidden_dim)
        columns = self._column(features).unsqueeze(1)  # (batch_size, 1, num_tokens, hidden_dim)
        pairs = torch.nn.functional.elu(self._layer_norm(rows + columns))
        return self._output(pairs)
