"""
Scores every ordered pair of words for a set of labels: the table module of PFN and MGE.
"""
import math
from typing import Optional

import torch

PADDING_LOGIT = -1e4
"""The logit of a cell that is not scored: far below any threshold, and finite in half precision."""


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

    Given the cells that exist (the words of each sentence, not the padding of the batch), only those
    are scored, in chunks of at most `max_cells`: a batch costs the sum of its sentences' squared
    lengths instead of its size times the longest one's, and the pair representations in memory at
    once are bounded whatever the sentence lengths, as SpERT's `max_pairs` bounds its pairs. Other
    cells get `PADDING_LOGIT`. The cost is in the element-wise work on every cell's pair vector
    (gathering, layer norm, ELU), which is bound by memory traffic on a CPU: chunks that fit its
    cache made the tables 2-3 times faster than chunks of 32768 cells (issue 13).

    # Parameters

    input_dim : `int`
        The size of the word vectors H_i.
    hidden_dim : `int`
        The size h of the pair representation T[i, j].
    num_labels : `int`
        The number of tables (entity or relation types).
    prior : `float`, optional (default = `0.01`)
        The initial probability of every cell.
    max_cells : `int`, optional (default = `4096`)
        The most cells whose pair representations are computed at once (4096 x 300 floats, 4.9 MB,
        per intermediate tensor). On a GPU, larger chunks launch fewer kernels.
    """

    def __init__(
        self, input_dim: int, hidden_dim: int, num_labels: int, prior: float = 0.01, max_cells: int = 4096
    ) -> None:
        super().__init__()
        if not 0.0 < prior < 1.0:
            raise ValueError(f"prior must be a probability strictly between 0 and 1, not {prior}")
        if max_cells < 1:
            raise ValueError(f"max_cells must be a positive number of cells, not {max_cells}")
        self._max_cells = max_cells
        self._row = torch.nn.Linear(input_dim, hidden_dim)
        self._column = torch.nn.Linear(input_dim, hidden_dim, bias=False)
        self._layer_norm = torch.nn.LayerNorm(hidden_dim)
        self._output = torch.nn.Linear(hidden_dim, num_labels)
        torch.nn.init.constant_(self._output.bias, math.log(prior / (1.0 - prior)))

    def forward(self, features: torch.Tensor, cells: Optional[torch.BoolTensor] = None) -> torch.Tensor:
        """
        # Parameters

        features : `torch.Tensor`
            Shape `(batch_size, num_tokens, input_dim)`.
        cells : `torch.BoolTensor`, optional (default = `None`)
            Shape `(batch_size, num_tokens, num_tokens)`: the cells to score; `None` scores all.

        # Returns

        `torch.Tensor`
            Logits of shape `(batch_size, num_tokens, num_tokens, num_labels)`; cell
            `[b, i, j, k]` scores word `i` as the row and word `j` as the column of table `k`
            (`PADDING_LOGIT` outside `cells`).
        """
        batch_size, num_tokens, _ = features.shape
        if cells is None:
            cells = features.new_ones((batch_size, num_tokens, num_tokens), dtype=torch.bool)
        # Only the words of some cell are projected, not the padding of the batch's longest sentence.
        words = cells.any(dim=2) | cells.any(dim=1)  # (batch_size, num_tokens)
        word_index = words.view(-1).cumsum(0).view(batch_size, num_tokens) - 1  # position among `words`
        rows = self._row(features[words])  # (num_words, hidden_dim)
        columns = self._column(features[words])  # (num_words, hidden_dim)
        batch_index, row_index, column_index = cells.nonzero(as_tuple=True)  # each (num_cells,)
        row_of_cell = word_index[batch_index, row_index]
        column_of_cell = word_index[batch_index, column_index]
        # Each chunk's logits go into a tensor made beforehand: small results kept between the large
        # temporary pair tensors would fragment the CPU heap, which then grows by every chunk.
        cell_logits = features.new_empty(batch_index.size(0), self._output.out_features)  # (num_cells, num_labels)
        for start in range(0, batch_index.size(0), self._max_cells):
            chunk = slice(start, start + self._max_cells)
            # In place where autograd allows: the gathered rows and the layer norm's output are new
            # tensors that no backward pass reads.
            pairs = rows.index_select(0, row_of_cell[chunk])  # (chunk, hidden_dim)
            pairs += columns.index_select(0, column_of_cell[chunk])
            # The layer norm in its functional form: AllenNLP's NormalizationBiasVerification reads
            # the order of module calls, and one chunk's biased output layer followed by the next
            # chunk's layer norm module would look to it like a bias feeding a normalization.
            normalized = torch.nn.functional.layer_norm(
                pairs,
                self._layer_norm.normalized_shape,
                self._layer_norm.weight,
                self._layer_norm.bias,
                self._layer_norm.eps,
            )
            cell_logits[chunk] = self._output(torch.nn.functional.elu_(normalized))
        logits = features.new_full((batch_size, num_tokens, num_tokens, self._output.out_features), PADDING_LOGIT)
        # In place: the padding tensor is new and needs no gradient, so nothing else reads it.
        logits.index_put_((batch_index, row_index, column_index), cell_logits)
        return logits
