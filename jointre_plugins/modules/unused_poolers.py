"""
Removes the pooler of every transformer inside an embedder: word-level embedders never use it.
"""
import torch
from allennlp.modules.token_embedders import PretrainedTransformerEmbedder


def remove_unused_poolers(embedder: torch.nn.Module) -> int:
    """
    Sets the `pooler` of each transformer model inside `embedder` to `None`, the state of a model
    built without a pooling layer, and returns how many were removed.

    A word-level (mismatched) embedder reads the last hidden states and never the pooled CLS
    vector, so the pooler's weights get no gradient. PyTorch's distributed data parallel stops on
    such parameters ("Expected to have finished reduction in the prior iteration"), and the
    optimiser would carry them for nothing.
    """
    removed = 0
    for module in embedder.modules():
        if isinstance(module, PretrainedTransformerEmbedder):
            transformer = module.transformer_model
            if getattr(transformer, "pooler", None) is not None:
                transformer.pooler = None
                removed += 1
    return removed
