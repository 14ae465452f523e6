"""
SINET's encoder: task-aware projections of the words and of a sentence agent, and cross-task
attention of each task's agent over the other task's words.
"""
import math
from typing import Dict, Optional, Sequence, Tuple

import torch
from allennlp.common.checks import ConfigurationError
from allennlp.modules.seq2seq_encoders import Seq2SeqEncoder
from allennlp.nn.util import masked_max, masked_mean

from jointre_plugins.encoders.multi_task_encoder import MultiTaskEncoder, PredictionHead

TASKS = ("entity", "relation")
AGENTS = ("cls", "max", "mean")


@Seq2SeqEncoder.register("ctam")
class CrossTaskAttentionEncoder(MultiTaskEncoder):
    """
    TAP and CTAM of SINET (paper section 3.2). The task-aware projections (eq. 1) map every word
    vector and the sentence agent a into an entity space and a relation space, h^e = W_e h and
    h^r = W_r h (d x d, no bias). Cross-task attention (eqs. 2-4) then updates each space's agent:
    the entity agent is the one query over the relation space's words and itself,
    [h^r_1 .. h^r_n; a^e], with h heads, and the attention's output is added to it and layer-
    normalised; the relation agent attends over [h^e_1 .. h^e_n; a^r] alike. The words stay the
    projections of eq. 1; only the agents change, as in the paper's equations.

    Each task's output is its space's words with its agent appended to every real word
    (`get_task_agent_dim`), zero at padding: the span classification scheme splits the agent off
    and uses it once per span or pair (eqs. 6 and 9), and any other scheme reads it as part of
    every word.

    The agent is the transformer's CLS vector, which the model passes in (`reads_agent`; the base
    model captures the first word piece while the mismatched embedder pools word pieces to words,
    see `SentenceAgent`), or the max or mean of the sentence's word vectors (table 3).

    Choices where the paper is unclear: W_q, W_k and W_v are shared by the two directions (the
    paper's symbols have no task index) and are d x d, split into heads, followed by an output
    projection as in the transformer the paper says it follows, without a bias like every
    projection the paper writes; the attention's dropout is on its
    weights; padding is never attended to; with several layers (D), each layer has parameters of
    its own and attends with the agents the layer before produced, over the same projected words.

    Registered as a `Seq2SeqEncoder` with name "ctam".

    # Parameters

    input_dim : `int`
        The size d of the word vectors and of the agent.
    num_heads : `int`, optional (default = `4`)
        Attention heads h; d must be a multiple of h.
    num_layers : `int`, optional (default = `1`)
        Stacked cross-task attention layers D.
    attention_dropout : `float`, optional (default = `0.2`)
        Dropout on the attention weights.
    task_projections : `bool`, optional (default = `True`)
        TAP; without it both spaces are the input words and agent themselves (table 4's Base).
    cross_task_attention : `Sequence[str]`, optional (default = `("entity", "relation")`)
        The tasks whose agents attend (table 4: `["entity"]` is +CTAM_NER, `["relation"]` is
        +CTAM_RE, `[]` none); the others keep the projected agent.
    agent : `str`, optional (default = `"cls"`)
        `"cls"` (the given agent), `"max"` or `"mean"` (pooled from the input words).
    layer_norm : `bool`, optional (default = `True`)
        The LayerNorm of eq. 4.
    """

    reads_agent = True

    def __init__(
        self,
        input_dim: int,
        num_heads: int = 4,
        num_layers: int = 1,
        attention_dropout: float = 0.2,
        task_projections: bool = True,
        cross_task_attention: Sequence[str] = TASKS,
        agent: str = "cls",
        layer_norm: bool = True,
    ) -> None:
        super().__init__()
        unknown = sorted(set(cross_task_attention) - set(TASKS))
        if unknown:
            raise ConfigurationError(f"cross_task_attention names {unknown}; the tasks are {TASKS}")
        if agent not in AGENTS:
            raise ConfigurationError(f"agent must be one of {AGENTS}, not {agent!r}")
        if num_layers < 1 and cross_task_attention:
            raise ConfigurationError(f"cross-task attention needs at least one layer, not {num_layers}")
        if input_dim % num_heads:
            raise ConfigurationError(f"input_dim {input_dim} is not a multiple of num_heads {num_heads}")
        self._input_dim = input_dim
        self._agent = agent
        self._attending = tuple(task for task in TASKS if task in cross_task_attention)
        self._projections = (
            torch.nn.ModuleDict({task: torch.nn.Linear(input_dim, input_dim, bias=False) for task in TASKS})
            if task_projections
            else None
        )
        self._layers = torch.nn.ModuleList(
            [
                CrossTaskAttention(input_dim, num_heads, attention_dropout, layer_norm)
                for _ in range(num_layers if self._attending else 0)
            ]
        )

    @property
    def task_names(self) -> Tuple[str, ...]:
        return TASKS

    def get_input_dim(self) -> int:
        return self._input_dim

    def get_task_output_dim(self, task: str) -> int:
        if task not in TASKS:
            raise ValueError(f"ctam has no task {task!r}; its tasks are {TASKS}")
        return 2 * self._input_dim

    def get_task_agent_dim(self, task: str) -> int:
        if task not in TASKS:
            raise ValueError(f"ctam has no task {task!r}; its tasks are {TASKS}")
        return self._input_dim

    def is_bidirectional(self) -> bool:
        return True

    def forward_tasks(
        self,
        inputs: torch.Tensor,
        mask: torch.BoolTensor,
        heads: Optional[Dict[str, PredictionHead]] = None,
        agent: Optional[torch.Tensor] = None,
    ) -> Dict[str, torch.Tensor]:
        """
        # Parameters

        inputs : `torch.Tensor`
            `(batch_size, num_tokens, input_dim)`.
        mask : `torch.BoolTensor`
            `(batch_size, num_tokens)`.
        heads : `Dict[str, PredictionHead]`, optional
            Unused: CTAM calls no prediction heads.
        agent : `torch.Tensor`, optional
            The sentence agent `(batch_size, input_dim)`, which agent `"cls"` needs.

        # Returns

        `Dict[str, torch.Tensor]`
            For `entity` and `relation`, `(batch_size, num_tokens, 2 * input_dim)`: the space's words,
            then its agent, zero at padding.
        """
        sentence_agent = self._sentence_agent(inputs, mask, agent)  # (batch_size, input_dim)
        if self._projections is None:
            words = {task: inputs for task in TASKS}
            agents = {task: sentence_agent for task in TASKS}
        else:
            words = {task: projection(inputs) for task, projection in self._projections.items()}
            agents = {task: projection(sentence_agent) for task, projection in self._projections.items()}
        for layer in self._layers:
            agents = {
                task: layer(agents[task], words[_other(task)], mask)[0] if task in self._attending else agents[task]
                for task in TASKS
            }
        word_mask = mask.unsqueeze(-1).to(inputs.dtype)  # (batch_size, num_tokens, 1)
        return {
            task: torch.cat([words[task], agents[task].unsqueeze(1).expand_as(words[task])], dim=-1) * word_mask
            for task in TASKS
        }

    def _sentence_agent(
        self, inputs: torch.Tensor, mask: torch.BoolTensor, agent: Optional[torch.Tensor]
    ) -> torch.Tensor:
        if self._agent == "max":
            return masked_max(inputs, mask.unsqueeze(-1), dim=1)
        if self._agent == "mean":
            return masked_mean(inputs, mask.unsqueeze(-1), dim=1)
        if agent is None:
            raise ValueError(
                "ctam with agent 'cls' reads the sentence agent a joint extraction model passes to "
                "forward_tasks; used as a plain Seq2SeqEncoder it has none: choose agent 'max' or 'mean'"
            )
        return agent


def _other(task: str) -> str:
    return TASKS[1 - TASKS.index(task)]


class CrossTaskAttention(torch.nn.Module):
    """
    One layer of cross-task attention (SINET eqs. 2-4): an agent is the single query over another
    space's words and itself; the heads' output, projected, is added to the agent, then
    layer-normalised.

    # Parameters

    dim : `int`
        The size of the agent and of the words.
    num_heads : `int`
        Attention heads; `dim` is a multiple of it.
    dropout : `float`
        Dropout on the attention weights.
    layer_norm : `bool`
        Whether to layer-normalise the result (eq. 4).
    """

    def __init__(self, dim: int, num_heads: int, dropout: float, layer_norm: bool) -> None:
        super().__init__()
        self._num_heads = num_heads
        self._query = torch.nn.Linear(dim, dim, bias=False)
        self._key = torch.nn.Linear(dim, dim, bias=False)
        self._value = torch.nn.Linear(dim, dim, bias=False)
        self._output = torch.nn.Linear(dim, dim, bias=False)
        self._dropout = torch.nn.Dropout(dropout)
        self._layer_norm = torch.nn.LayerNorm(dim) if layer_norm else None

    def forward(
        self, agent: torch.Tensor, words: torch.Tensor, mask: torch.BoolTensor
    ) -> Tuple[torch.Tensor, torch.Tensor]:
        """
        # Parameters

        agent : `torch.Tensor`
            The query, `(batch_size, dim)`.
        words : `torch.Tensor`
            The other space's words, `(batch_size, num_tokens, dim)`.
        mask : `torch.BoolTensor`
            `(batch_size, num_tokens)`.

        # Returns

        `Tuple[torch.Tensor, torch.Tensor]`
            The new agent `(batch_size, dim)`, and the attention weights
            `(batch_size, num_heads, num_tokens + 1)` over the words and, last, the agent itself.
        """
        batch_size, _, dim = words.shape
        head_dim = dim // self._num_heads
        keys_and_values = torch.cat([words, agent.unsqueeze(1)], dim=1)  # (batch_size, num_tokens + 1, dim)
        attended = torch.cat([mask, mask.new_ones(batch_size, 1)], dim=1)  # (batch_size, num_tokens + 1)
        # With a single query, each head's keys and values need not be formed word by word:
        # q_h . (W_k^h x) = ((W_k^h)^T q_h) . x, and sum_j a_j W_v^h x_j = W_v^h (sum_j a_j x_j). The
        # same attention then costs num_heads x dim per word instead of dim x dim.
        key_weight = self._key.weight.view(self._num_heads, head_dim, dim)
        value_weight = self._value.weight.view(self._num_heads, head_dim, dim)
        query = self._query(agent).view(batch_size, self._num_heads, head_dim)
        query_of_words = torch.einsum("bhk,hkd->bhd", query, key_weight)  # (batch_size, num_heads, dim)
        # (batch_size, num_heads, num_tokens + 1)
        scores = query_of_words.matmul(keys_and_values.transpose(1, 2)) / math.sqrt(head_dim)
        scores = scores.masked_fill(~attended.unsqueeze(1), torch.finfo(scores.dtype).min)
        weights = scores.softmax(dim=-1)
        pooled = self._dropout(weights).matmul(keys_and_values)  # (batch_size, num_heads, dim)
        context = torch.einsum("bhd,hkd->bhk", pooled, value_weight).reshape(batch_size, dim)
        updated = agent + self._output(context)
        if self._layer_norm is not None:
            updated = self._layer_norm(updated)
        return updated, weights
