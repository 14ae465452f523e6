from typing import Dict, Tuple

import torch

from jointre_plugins.encoders.multi_task_encoder import MultiTaskEncoder


class TwoCopies(MultiTaskEncoder):
    """A minimal multi-task encoder: the input, and the input doubled."""

    @property
    def task_names(self) -> Tuple[str, ...]:
        return ("first", "second")

    def get_input_dim(self) -> int:
        return 3

    def get_task_output_dim(self, task: str) -> int:
        return 3

    def is_bidirectional(self) -> bool:
        return False

    def forward_tasks(self, inputs: torch.Tensor, mask: torch.BoolTensor) -> Dict[str, torch.Tensor]:
        keep = mask.unsqueeze(-1)
        return {"first": inputs * keep, "second": 2 * inputs * keep}


def test_forward_concatenates_the_tasks_in_order():
    encoder = TwoCopies()
    inputs = torch.arange(12.0).view(1, 4, 3)
    mask = torch.tensor([[True, True, True, False]])
    output = encoder(inputs, mask)
    assert encoder.get_output_dim() == 6
    assert output.shape == (1, 4, 6)
    assert output[0, 1].tolist() == [3.0, 4.0, 5.0, 6.0, 8.0, 10.0]
    assert output[0, 3].tolist() == [0.0] * 6
