"""A small padded batch that the encoder tests share, and the padding check every encoder passes."""
from typing import Tuple

import torch
from allennlp.modules.seq2seq_encoders import Seq2SeqEncoder


def inputs_and_mask(
    batch_size: int = 3, num_tokens: int = 5, input_dim: int = 6
) -> Tuple[torch.Tensor, torch.BoolTensor]:
    """Random word vectors; sentence 1 has 3 real words and sentence 2 one, the rest all."""
    torch.manual_seed(0)
    inputs = torch.randn(batch_size, num_tokens, input_dim)
    mask = torch.ones(batch_size, num_tokens, dtype=torch.bool)
    mask[1, 3:] = False
    mask[2, 1:] = False
    return inputs, mask


def assert_padding_changes_no_real_position(encoder: Seq2SeqEncoder) -> None:
    """Four more padded positions leave the real positions' outputs as they were and output zeros."""
    inputs, mask = inputs_and_mask()
    padded_inputs = torch.cat([inputs, torch.randn(3, 4, 6)], dim=1)
    padded_mask = torch.cat([mask, torch.zeros(3, 4, dtype=torch.bool)], dim=1)
    short = encoder(inputs, mask)
    long = encoder(padded_inputs, padded_mask)
    assert torch.allclose(long[:, :5], short, atol=1e-6)
    assert torch.all(long[:, 5:] == 0)
