"""
Prediction time of SINET (span classification) and of MGE with table filling on the same dev
sentences, in one run, through the predictor `allennlp predict` uses, next to the bare
transformer's forward; and the peak resident memory while each model predicts the longest
sentence, in a process of its own, above what it holds once loaded. The paper reports SINET at
11 s against PFN's 34 s on SciERC test (table 5, batch 1, GPU).

    .venv/bin/python scripts/benchmark_sinet.py \\
        --sinet runs/study/scierc/sinet_cpu_profile/seed1/model.tar.gz \\
        --mge runs/study/scierc/cpu_profile/seed1/model.tar.gz
"""
import argparse
import json
import os
import subprocess
import sys
import threading
from typing import Dict, List

from timing import bare_transformer_seconds, batches, median_seconds

REPOSITORY = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sinet", required=True, help="archive of a span_classification model")
    parser.add_argument("--mge", required=True, help="archive of a table_filling model")
    parser.add_argument(
        "--sentences",
        default=os.path.join(REPOSITORY, "..", "shared", "datasets", "scierc", "dev.json"),
        help="a SpERT-style JSON file whose tokens are predicted",
    )
    parser.add_argument("--batch-size", type=int, default=1, help="default: the paper's")
    parser.add_argument("--repeats", type=int, default=3, help="timed runs per figure; the median is reported")
    parser.add_argument("--peak-memory-of", help=argparse.SUPPRESS)
    return parser.parse_args()


def read_sentences(path: str) -> List[List[str]]:
    with open(path) as sentences_file:
        return [record["tokens"] for record in json.load(sentences_file)]


def resident_mib() -> float:
    """This process's resident memory now, from /proc (Linux)."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def peak_memory(archive: str, sentences: List[List[str]]) -> Dict[str, float]:
    """
    In this process: the resident memory once the model has predicted a short sentence, and its
    peak while the model predicts the longest one (sampled every millisecond), in MiB.
    """
    from allennlp.common.plugins import import_plugins
    from allennlp.models.archival import load_archive
    from allennlp.predictors import Predictor

    import_plugins()  # registers the readers and models the archive names, as `allennlp predict` does
    predictor = Predictor.from_archive(load_archive(archive, cuda_device=-1))
    predictor.predict_json({"tokens": min(sentences, key=len)})
    loaded = resident_mib()
    peak = loaded
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.wait(0.001):
            peak = max(peak, resident_mib())

    sampler = threading.Thread(target=sample)
    sampler.start()
    longest = max(sentences, key=len)
    predictor.predict_json({"tokens": longest})
    done.set()
    sampler.join()
    return {"words": len(longest), "loaded_mib": loaded, "predicted_mib": max(peak, resident_mib())}


def main() -> None:
    args = arguments()
    sentences = read_sentences(args.sentences)
    if args.peak_memory_of:
        print(json.dumps(peak_memory(args.peak_memory_of, sentences)))
        return
    import torch
    from allennlp.common.plugins import import_plugins
    from allennlp.models.archival import load_archive
    from allennlp.predictors import Predictor

    import_plugins()  # registers the readers and models the archives name, as `allennlp predict` does

    inputs = [{"tokens": tokens} for tokens in sentences]
    seconds: Dict[str, float] = {}
    entities: Dict[str, int] = {}
    for name, archive in (("sinet", args.sinet), ("mge", args.mge)):
        predictor = Predictor.from_archive(load_archive(archive, cuda_device=-1))

        def predict() -> List[dict]:
            outputs = []
            for batch in batches(inputs, args.batch_size):
                outputs.extend(predictor.predict_batch_json(batch))
            return outputs

        entities[name] = sum(len(output["entities"]) for output in predict())
        seconds[name] = median_seconds(predict, args.repeats, warmups=0)

    seconds["transformer"] = bare_transformer_seconds(sentences, args.batch_size, args.repeats)

    memory = {}
    for name, archive in (("sinet", args.sinet), ("mge", args.mge)):
        command = [sys.executable, __file__, "--sinet", args.sinet, "--mge", args.mge]
        command += ["--sentences", args.sentences, "--peak-memory-of", archive]
        output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
        memory[name] = json.loads(output.strip().splitlines()[-1])

    print(
        f"{len(sentences)} sentences of {args.sentences}, batch {args.batch_size}, "
        f"{torch.get_num_threads()} CPU threads, median of {args.repeats}"
    )
    for name, label in (
        ("sinet", "SINET predictor"),
        ("mge", "MGE + table filling predictor"),
        ("transformer", "bare transformer forward"),
    ):
        print(f"  {label:30s} {seconds[name]:7.2f} s  ({len(sentences) / seconds[name]:6.1f} sentences/s)")
    ratio = seconds["mge"] / seconds["sinet"]
    print(f"  MGE / SINET time               {ratio:7.2f}x (the paper's PFN / SINET: 3.1x)")
    for name in ("sinet", "mge"):
        print(f"  entities predicted, {name:5s}      {entities[name]:7d}")
    for name, figures in memory.items():
        growth = figures["predicted_mib"] - figures["loaded_mib"]
        print(
            f"  peak memory, {name:5s}: {figures['loaded_mib']:.0f} MiB loaded, {figures['predicted_mib']:.0f} MiB "
            f"predicting the longest sentence ({figures['words']} words): +{growth:.0f} MiB"
        )


if __name__ == "__main__":
    main()
