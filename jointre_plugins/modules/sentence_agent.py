"""
One vector per sentence taken from the embedder, for schemes that attend to a sentence agent.
"""
from contextlib import contextmanager
from typing import Any, Iterator, List, Optional

import torch
from allennlp.modules import TextFieldEmbedder
from allennlp.modules.token_embedders import PretrainedTransformerEmbedder
from allennlp.nn.util import masked_mean


class _CapturedAgent:
    """The first word-piece vector the transformer gave during one embedding call."""

    def __init__(self) -> None:
        self.first_pieces: Optional[torch.Tensor] = None

    def hook(self, module: torch.nn.Module, inputs: Any, output: torch.Tensor) -> None:
        self.first_pieces = output[:, 0]  # (batch_size, transformer_dim)

    def vectors(self, words: torch.Tensor, mask: torch.BoolTensor) -> torch.Tensor:
        """
        # Returns

        `torch.Tensor`
            `(batch_size, embedding_dim)`: the captured first word pieces, or the mean of the
            real word vectors `words` `(batch_size, num_tokens, embedding_dim)`.
        """
        if self.first_pieces is not None:
            return self.first_pieces
        return masked_mean(words, mask.unsqueeze(-1), dim=1)


class SentenceAgent:
    """
    Gives each sentence an agent vector of the embedding's size, as SINET's CLS token.

    When the embedder's whole output comes from one transformer (the mismatched embedder pools its
    word pieces to words and drops the CLS piece), the agent is that transformer's first word
    piece, the CLS vector of BERT-style models, captured with a forward hook during embedding.
    For any other embedder (GloVe, characters, several token embedders) there is no such vector,
    and the agent is the mean of the sentence's word vectors.

    # Parameters

    embedder : `TextFieldEmbedder`
        The model's text field embedder.
    """

    def __init__(self, embedder: TextFieldEmbedder) -> None:
        transformers: List[PretrainedTransformerEmbedder] = [
            module for module in embedder.modules() if isinstance(module, PretrainedTransformerEmbedder)
        ]
        whole_output = len(transformers) == 1 and transformers[0].get_output_dim() == embedder.get_output_dim()
        self._transformer = transformers[0] if whole_output else None

    @contextmanager
    def capture(self) -> Iterator[_CapturedAgent]:
        """Captures the agent of the embedding call made inside the `with` block."""
        captured = _CapturedAgent()
        if self._transformer is None:
            yield captured
            return
        handle = self._transformer.register_forward_hook(captured.hook)
        try:
            yield captured
        finally:
            handle.remove()
