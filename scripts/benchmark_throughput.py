"""
Training and prediction throughput of a trained model (RIN's, Deeper task-specificity's, ...) on the
CPU, in sentences per second, and its trainable parameters: training as forward, backward and an
Adam step over batches of the training file, prediction through the predictor `allennlp predict`
uses on the dev sentences. Reading and POS-tagging the files is not timed.

    .venv/bin/python scripts/benchmark_throughput.py --archive runs/rin/webnlg_partial/model.tar.gz
    .venv/bin/python scripts/benchmark_throughput.py --archive runs/deeper/conll04/model.tar.gz \
        --train ../shared/datasets/conll04/train.json --sentences ../shared/datasets/conll04/dev.json \
        --batch-size 2 --batches 100
"""
import argparse
import itertools
import os
from typing import Dict, List

from timing import batches, median_seconds

REPOSITORY = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.path.join(REPOSITORY, "..", "shared", "datasets", "webnlg_star")


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--archive", required=True)
    parser.add_argument("--train", default=os.path.join(DATA, "train.json"), help="file whose batches are trained")
    parser.add_argument("--sentences", default=os.path.join(DATA, "dev.json"), help="file whose tokens are predicted")
    parser.add_argument("--batch-size", type=int, default=50, help="default: RIN's (Deeper's CoNLL04: 2)")
    parser.add_argument("--batches", type=int, default=10, help="training batches per timed run")
    parser.add_argument("--repeats", type=int, default=3, help="timed runs per figure; the median is reported")
    return parser.parse_args()


def main() -> None:
    args = arguments()
    import torch
    from allennlp.common.plugins import import_plugins
    from allennlp.data import Batch
    from allennlp.models.archival import load_archive
    from allennlp.predictors import Predictor

    import_plugins()  # registers the readers and models the archive names, as `allennlp predict` does
    archive = load_archive(args.archive, cuda_device=-1)
    model, reader = archive.model, archive.dataset_reader
    instances = list(itertools.islice(reader.read(args.train), args.batches * args.batch_size))
    tensors: List[Dict] = []
    for batch in batches(instances, args.batch_size):
        indexed = Batch(batch)
        indexed.index_instances(model.vocab)
        tensors.append(indexed.as_tensor_dict())
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-4)

    def train() -> None:
        model.train()
        for batch in tensors:
            optimizer.zero_grad()
            model(**batch)["loss"].backward()
            optimizer.step()

    training = median_seconds(train, args.repeats)

    predictor = Predictor.from_archive(archive)
    inputs = [{"tokens": list(instance["metadata"]["tokens"])} for instance in reader.read(args.sentences)]

    def predict() -> None:
        for batch in batches(inputs, args.batch_size):
            predictor.predict_batch_json(batch)

    prediction = median_seconds(predict, args.repeats)
    trainable = sum(parameter.numel() for parameter in model.parameters() if parameter.requires_grad)
    print(f"{args.archive}, batch {args.batch_size}, {torch.get_num_threads()} CPU threads, median of {args.repeats}")
    print(f"  {trainable:,} trainable parameters")
    print(f"  training    {len(instances) / training:7.1f} sentences/s ({len(instances)} sentences of {args.train})")
    print(f"  prediction  {len(inputs) / prediction:7.1f} sentences/s ({len(inputs)} sentences of {args.sentences})")


if __name__ == "__main__":
    main()
