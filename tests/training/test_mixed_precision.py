"""
Every system trains and predicts under automatic mixed precision. AllenNLP's `use_amp` autocasts on
CUDA only; these tests autocast the CPU to bfloat16, which puts the same mixture of precisions into
each model's own code (half-precision matrix products beside full-precision weights and buffers).
"""
import itertools

import pytest
import torch
from allennlp.common import Params
from allennlp.data import Batch, DatasetReader, Vocabulary
from allennlp.models import Model

from tests.conftest import REPOSITORY


@pytest.mark.parametrize(
    "name",
    [
        "mge_conll04.jsonnet",
        "srn_conll04_late.jsonnet",
        "srn_conll04_early.jsonnet",
        "table_srn_scierc.jsonnet",
        "sinet_conll04.jsonnet",
        "rin_conll04.jsonnet",
        "deeper_conll04.jsonnet",
    ],
)
def test_a_training_step_and_a_prediction_run_under_autocast(name, tiny_runs):
    params = Params.from_file(str(REPOSITORY / "training_configs" / name))
    train_path = params["train_data_path"]
    reader = DatasetReader.from_params(params.pop("dataset_reader"))
    instances = list(itertools.islice(reader.read(train_path), 8))
    vocab = Vocabulary.from_instances(instances)
    model = Model.from_params(vocab=vocab, params=params.pop("model"))
    batch = Batch(instances)
    batch.index_instances(vocab)
    tensors = batch.as_tensor_dict()

    model.train()
    with torch.autocast("cpu", dtype=torch.bfloat16):
        loss = model(**tensors)["loss"]
    loss.backward()
    assert torch.isfinite(loss)
    gradients = [parameter.grad for parameter in model.parameters() if parameter.grad is not None]
    assert gradients and all(torch.isfinite(gradient).all() for gradient in gradients)

    model.eval()
    with torch.no_grad(), torch.autocast("cpu", dtype=torch.bfloat16):
        outputs = model.forward_on_instances(instances)
    assert [output["tokens"] for output in outputs] == [list(instance["metadata"]["tokens"]) for instance in instances]
