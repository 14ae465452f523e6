"""
Prediction throughput of Cascade-SRN's early and late fusion on the same dev sentences, in one run,
through the predictor `allennlp predict` uses, next to the bare transformer's forward. Early fusion
encodes each sentence again for subject extraction and once more per predicted subject; the
figure that says how many passes that is, the mean number of subjects per sentence, comes from
the model's `subjects_per_sentence` metric. The paper's early fusion is 32.7x slower than its late
fusion (table 4, SciERC test, batch 32, GPU).

    .venv/bin/python scripts/benchmark_cascade.py \\
        --late runs/study/conll04/srn_late_cpu_profile/seed1/model.tar.gz \\
        --early runs/study/conll04/srn_early_cpu_profile/seed1/model.tar.gz
"""
import argparse
import json
import os
from typing import Dict

from timing import bare_transformer_seconds, batches, median_seconds

REPOSITORY = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--late", required=True, help="archive of a late-fusion model")
    parser.add_argument("--early", required=True, help="archive of an early-fusion model")
    parser.add_argument(
        "--sentences",
        default=os.path.join(REPOSITORY, "..", "shared", "datasets", "conll04", "dev.json"),
        help="a SpERT-style JSON file whose tokens are predicted",
    )
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--repeats", type=int, default=3, help="timed runs per figure; the median is reported")
    return parser.parse_args()


def main() -> None:
    args = arguments()
    import torch
    from allennlp.common.plugins import import_plugins
    from allennlp.models.archival import load_archive
    from allennlp.predictors import Predictor

    import_plugins()  # registers the readers and models the archives name, as `allennlp predict` does

    with open(args.sentences) as sentences_file:
        sentences = [record["tokens"] for record in json.load(sentences_file)]
    inputs = [{"tokens": tokens} for tokens in sentences]

    seconds: Dict[str, float] = {}
    subjects: Dict[str, float] = {}
    for fusion, archive in (("late", args.late), ("early", args.early)):
        predictor = Predictor.from_archive(load_archive(archive, cuda_device=-1))

        def predict() -> None:
            for batch in batches(inputs, args.batch_size):
                predictor.predict_batch_json(batch)

        predictor._model.get_metrics(reset=True)
        predict()
        subjects[fusion] = predictor._model.get_metrics(reset=True)["subjects_per_sentence"]
        seconds[fusion] = median_seconds(predict, args.repeats)

    seconds["transformer"] = bare_transformer_seconds(sentences, args.batch_size, args.repeats)

    print(
        f"{len(sentences)} sentences of {args.sentences}, batch {args.batch_size}, "
        f"{torch.get_num_threads()} CPU threads, median of {args.repeats}"
    )
    for name, label in (
        ("late", "late fusion predictor"),
        ("early", "early fusion predictor"),
        ("transformer", "bare transformer forward"),
    ):
        print(f"  {label:26s} {len(sentences) / seconds[name]:7.1f} sentences/s")
    print(f"  early / late time         {seconds['early'] / seconds['late']:7.2f}x (the paper: 32.7x)")
    for fusion in ("late", "early"):
        print(f"  subjects per sentence, {fusion:5s} {subjects[fusion]:6.2f}")


if __name__ == "__main__":
    main()
