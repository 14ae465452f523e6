"""
RIN's encoder: a shared BiLSTM, then interaction layers that update the shared features with
each task's previous predictions.
"""
from typing import Dict, Optional, Tuple

import torch
from allennlp.common.checks import ConfigurationError
from allennlp.modules.seq2seq_encoders import PytorchSeq2SeqWrapper, Seq2SeqEncoder

from jointre_plugins.encoders.multi_task_encoder import MultiTaskEncoder, PredictionHead

TASKS = ("entity", "relation")


@Seq2SeqEncoder.register("rin")
class RecurrentInteractionNetwork(MultiTaskEncoder):
    """
    The recurrent interaction network (RIN, section 4). A BiLSTM gives the shared features H^0
    (eq. 1); each of K interaction layers then updates every word's shared vector with each
    task's previous prediction for that word (eqs. 2-4):

        H_e^k = GRU_e(Y_e^{k-1}, H^{k-1}),   H_r^k = GRU_r(Y_r^{k-1}, H^{k-1})
        H^k = H_r^k + H_e^k + H^{k-1}
        Y_e^k = C_e(H_e^k),   Y_r^k = C_r(H_r^k)

    where C_e and C_r are the scheme's heads (`required_heads`: the BIOES distribution of each
    word, and the max over the other words of its relation probabilities, eq. 5), which the model
    passes to `forward_tasks`. The task outputs are H_e^K and H_r^K, from which the scheme predicts
    (the loss is at the last layer). With K = 0 ("w/o interaction") both tasks read H^0.

    The "GRU" of eq. 4 is a gate per word, not a recurrence along the sentence: the shared vector h
    is its state and the prediction y its input, z = σ(W_z [h; y]), u = σ(W_u [h; y]),
    h̃ = tanh(W_o [u ⊙ h; y]), output (1 - z) ⊙ h + z ⊙ h̃ (see `InteractionGate`).

    Choices where the paper is unclear: the heads and the two gates are shared by all layers (the
    paper's parameter set has one of each); the first layer reads the heads' predictions from H^0
    (eq. 1); the predictions fed back are probabilities through which gradients flow; the BiLSTM's
    100-d output is 50 per direction, one layer; the gates have no bias, as eq. 4 writes none.

    Registered as a `Seq2SeqEncoder` with name "rin".

    # Parameters

    input_dim : `int`
        The size of the word vectors (the paper: GloVe 100 + POS 10).
    hidden_dim : `int`, optional (default = `100`)
        The size of the shared features (the BiLSTM's two directions together) and of every task
        feature; even.
    num_layers : `int`, optional (default = `2`)
        K, the interaction layers; 0 is "w/o interaction".
    entity_interaction : `bool`, optional (default = `True`)
        Whether H_e^k enters H^k; false is table 5's "w/o ER".
    relation_interaction : `bool`, optional (default = `True`)
        Whether H_r^k enters H^k; false is table 5's "w/o RC".
    """

    required_heads = TASKS

    def __init__(
        self,
        input_dim: int,
        hidden_dim: int = 100,
        num_layers: int = 2,
        entity_interaction: bool = True,
        relation_interaction: bool = True,
    ) -> None:
        super().__init__()
        if hidden_dim % 2:
            raise ConfigurationError(f"hidden_dim is the BiLSTM's two directions together, so even, not {hidden_dim}")
        if num_layers < 0:
            raise ConfigurationError(f"num_layers must be 0 or more, not {num_layers}")
        self._input_dim = input_dim
        self._hidden_dim = hidden_dim
        self._num_layers = num_layers
        self._interacting = {"entity": entity_interaction, "relation": relation_interaction}
        self._shared = PytorchSeq2SeqWrapper(
            torch.nn.LSTM(input_dim, hidden_dim // 2, batch_first=True, bidirectional=True)
        )
        self._gates: Optional[torch.nn.ModuleDict] = None

    @property
    def task_names(self) -> Tuple[str, ...]:
        return TASKS

    def get_input_dim(self) -> int:
        return self._input_dim

    def get_task_output_dim(self, task: str) -> int:
        if task not in TASKS:
            raise ValueError(f"rin has no task {task!r}; its tasks are {TASKS}")
        return self._hidden_dim

    def is_bidirectional(self) -> bool:
        return True

    def set_prediction_dims(self, dims: Dict[str, int]) -> None:
        if self._num_layers > 0:
            self._gates = torch.nn.ModuleDict(
                {task: InteractionGate(self._hidden_dim, dims[task]) for task in TASKS}
            )

    def forward_tasks(
        self,
        inputs: torch.Tensor,
        mask: torch.BoolTensor,
        heads: Optional[Dict[str, PredictionHead]] = None,
    ) -> Dict[str, torch.Tensor]:
        shared = self._shared(inputs, mask)  # H^0: (batch_size, num_tokens, hidden_dim), zero at padding
        if self._num_layers == 0:
            return {task: shared for task in TASKS}
        if heads is None or self._gates is None:
            raise ValueError(
                "rin reads the predictions of a decoding scheme's heads, which a joint extraction model "
                "gives it; it cannot run as a plain Seq2SeqEncoder"
            )
        word_mask = mask.unsqueeze(-1).to(inputs.dtype)
        features = {task: shared for task in TASKS}
        for _ in range(self._num_layers):
            # (batch_size, num_tokens, prediction_dim) for each task, from the layer before
            predictions = {task: heads[task](features[task], mask) for task in TASKS}
            features = {task: self._gates[task](shared, predictions[task]) * word_mask for task in TASKS}
            shared = shared + sum(features[task] for task in TASKS if self._interacting[task])
        return features


class InteractionGate(torch.nn.Module):
    """
    RIN's eq. 4: a GRU-style update of each word's shared vector h by a prediction y for it,
    z = σ(W_z [h; y]), u = σ(W_u [h; y]), h̃ = tanh(W_o [u ⊙ h; y]), (1 - z) ⊙ h + z ⊙ h̃.

    # Parameters

    hidden_dim : `int`
        The size of h.
    prediction_dim : `int`
        The size of y.
    """

    def __init__(self, hidden_dim: int, prediction_dim: int) -> None:
        super().__init__()
        self._gates = torch.nn.Linear(hidden_dim + prediction_dim, 2 * hidden_dim, bias=False)  # W_z and W_u
        self._candidate = torch.nn.Linear(hidden_dim + prediction_dim, hidden_dim, bias=False)  # W_o

    def forward(self, shared: torch.Tensor, prediction: torch.Tensor) -> torch.Tensor:
        """
        # Parameters

        shared : `torch.Tensor`
            `(batch_size, num_tokens, hidden_dim)`.
        prediction : `torch.Tensor`
            `(batch_size, num_tokens, prediction_dim)`.

        # Returns

        `torch.Tensor`
            `(batch_size, num_tokens, hidden_dim)`.
        """
        update, reset = torch.sigmoid(self._gates(torch.cat([shared, prediction], dim=-1))).chunk(2, dim=-1)
        candidate = torch.tanh(self._candidate(torch.cat([reset * shared, prediction], dim=-1)))
        return (1 - update) * shared + update * candidate
