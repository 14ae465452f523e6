"""
Speed and memory of every system next to the transformer it runs on, measured in one run as ratios
(issue 13). For each trained archive (by default one finished run per system of an `allennlp grid`
results directory), or each config's untrained model (`--configs`: random weights, which time the
same work; with `JOINTRE_TRANSFORMER` a random transformer of another size, see
scripts/random_transformer.py):

- prediction: sentences/s through the predictor `allennlp predict` uses (`predict_batch_json`,
  windows of long sentences, decoding, and `dump_line`'s JSON included) against the bare
  transformer's forward (its tokenizer and model alone) on the same sentences, batches and windows;
- training: sentences/s of forward + backward + a step of the config's optimizer against the bare
  transformer's forward + backward on the same batches;
- scaling: both prediction figures for sentences of each `--lengths` words (made of the dev file's
  words), and the peak memory of predicting one such sentence and `--per-length` of them (in
  batches of `--batch-size`);
- `--end-to-end`: `allennlp predict` on a file of `--end-to-end-sentences` lines against the same
  command on one line (start-up), giving start-up and per-line time.

Peak memory of a length is the peak resident set size of the process (CPU; Linux's peak is reset
through /proc/self/clear_refs first) or the CUDA allocator's peak (GPU) while the sentences of that
length are predicted, and its rise above the memory in use before (on CPU, memory the allocator
kept from earlier batches counts as in use, so memory is measured before anything else, shortest
sentences first). Systems without a transformer (RIN) report sentences/s only.

    .venv/bin/python scripts/benchmark_systems.py --results runs/grid_conll04
    .venv/bin/python scripts/benchmark_systems.py --archives runs/mge/model.tar.gz --cuda-device 0
"""
import argparse
import copy
import gc
import glob
import itertools
import json
import os
import subprocess
import sys
import tempfile
import time
from typing import Any, Callable, Dict, List, Optional, Tuple

from timing import batches, median_seconds

REPOSITORY = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ALLENNLP = os.path.join(os.path.dirname(sys.executable), "allennlp")


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--results", help="an `allennlp grid` results directory: its first finished run per system")
    source.add_argument("--archives", nargs="+", help="model.tar.gz files")
    source.add_argument(
        "--configs", nargs="+", help="config files, each model untrained (random weights time the same work)"
    )
    parser.add_argument("--batch-size", type=int, default=32, help="sentences per prediction batch")
    parser.add_argument("--train-batch-size", type=int, default=8, help="sentences per training batch")
    parser.add_argument("--train-batches", type=int, default=4, help="training batches per timed run")
    parser.add_argument("--sentences", type=int, default=256, help="dev sentences predicted per timed run")
    parser.add_argument("--lengths", type=int, nargs="*", default=[10, 40, 128, 512], help="sentence lengths (words)")
    parser.add_argument("--per-length", type=int, default=32, help="sentences per length")
    parser.add_argument("--repeats", type=int, default=3, help="timed runs per figure; the median is reported")
    parser.add_argument("--cuda-device", type=int, default=-1)
    parser.add_argument(
        "--vocabulary-sentences", type=int, default=2000, help="--configs: training sentences the vocabulary comes from"
    )
    parser.add_argument("--end-to-end", action="store_true", help="also time the allennlp predict command")
    parser.add_argument("--end-to-end-sentences", type=int, default=1000)
    return parser.parse_args()


def models_of(args: argparse.Namespace) -> List[Tuple[str, str]]:
    """
    (system, path) pairs: the given configs or archives, or the archive of the first finished run of
    each system of `--results`.
    """
    if args.configs:
        return [(os.path.basename(path).split(".")[0], path) for path in args.configs]
    if args.archives:
        return [(os.path.basename(os.path.dirname(os.path.abspath(path))), path) for path in args.archives]
    chosen: Dict[str, str] = {}
    for record_path in sorted(glob.glob(os.path.join(args.results, "runs", "*", "run.json"))):
        with open(record_path) as file:
            record = json.load(file)
        archive = os.path.join(os.path.dirname(record_path), "model.tar.gz")
        if record["status"] == "finished" and os.path.isfile(archive):
            chosen.setdefault(record["system"], archive)
    if not chosen:
        raise SystemExit(f"no finished run with a model.tar.gz in {args.results}/runs")
    return sorted(chosen.items())


def transformer_of(model: Any) -> Optional[Any]:
    """The Hugging Face model inside a model's text field embedder, `None` when it has none."""
    import transformers

    for module in model.modules():
        if isinstance(module, transformers.PreTrainedModel):
            return module
    return None


class SystemBenchmark:
    """
    The measurements of one model: a trained archive's, or an untrained one built from a config
    (`from_config`), whose random weights time the same work.
    """

    def __init__(
        self, model: Any, reader: Any, validation_reader: Any, config: Dict[str, Any], args: argparse.Namespace
    ) -> None:
        import torch
        import transformers

        from jointre_plugins.predictors.joint_extraction_predictor import JointExtractionPredictor

        self.args = args
        self.device = torch.device("cpu" if args.cuda_device < 0 else f"cuda:{args.cuda_device}")
        self.model = model.to(self.device).eval()
        self.reader = validation_reader
        self.training_reader = reader
        self.predictor = JointExtractionPredictor(self.model, validation_reader)
        self.window_length: Optional[int] = validation_reader.max_length
        self.transformer = transformer_of(self.model)
        self.tokenizer = (
            None
            if self.transformer is None
            else transformers.AutoTokenizer.from_pretrained(self.transformer.config._name_or_path)
        )
        self.dev_words = [
            list(instance["metadata"]["tokens"])
            for instance in itertools.islice(self.reader.read(config["validation_data_path"]), args.sentences)
        ]
        self.train_path = config["train_data_path"]
        self.optimizer_config = config["trainer"]["optimizer"]

    @classmethod
    def from_archive(cls, path: str, args: argparse.Namespace) -> "SystemBenchmark":
        from allennlp.models.archival import load_archive

        archive = load_archive(path, cuda_device=args.cuda_device)
        return cls(
            archive.model, archive.dataset_reader, archive.validation_dataset_reader, archive.config.as_dict(), args
        )

    @classmethod
    def from_config(cls, path: str, args: argparse.Namespace) -> "SystemBenchmark":
        """An untrained model of the config, its vocabulary from the first `--vocabulary-sentences` of train."""
        from allennlp.common import Params
        from allennlp.data import DatasetReader, Vocabulary
        from allennlp.models import Model

        params = Params.from_file(path)
        config = params.as_dict(quiet=True)
        reader = DatasetReader.from_params(params.pop("dataset_reader"))
        instances = list(itertools.islice(reader.read(config["train_data_path"]), args.vocabulary_sentences))
        vocabulary = Vocabulary.from_instances(instances)
        model = Model.from_params(vocab=vocabulary, params=params.pop("model"))
        return cls(model, reader, reader, config, args)

    def timed(self, run: Callable[[], None]) -> float:
        return median_seconds(lambda: self._synchronized(run), self.args.repeats)

    def _synchronized(self, run: Callable[[], None]) -> None:
        import torch

        run()
        if self.device.type == "cuda":
            torch.cuda.synchronize(self.device)

    def predict(self, sentences: List[List[str]]) -> None:
        """The predictor's path: JSON inputs in batches, windows, decoding and the output lines."""
        for batch in batches([{"tokens": words} for words in sentences], self.args.batch_size):
            for output in self.predictor.predict_batch_json(batch):
                self.predictor.dump_line(output)

    def windows(self, sentences: List[List[str]]) -> List[List[List[str]]]:
        """The word windows the predictor gives the model, batched as it batches them."""
        from jointre_plugins.predictors.windows import window_offsets

        batched = []
        for batch in batches(sentences, self.args.batch_size):
            pieces = []
            for words in batch:
                length = self.window_length or len(words)
                pieces.extend(words[offset : offset + length] for offset in window_offsets(len(words), length))
            batched.extend(batches(pieces, len(batch)))
        return batched

    def bare_forward(self, sentences: List[List[str]]) -> None:
        import torch

        with torch.no_grad():
            for batch in self.windows(sentences):
                self.transformer(**self.encode(batch))

    def encode(self, batch: List[List[str]]) -> Dict[str, Any]:
        encoded = self.tokenizer(
            batch, is_split_into_words=True, padding=True, truncation=True, max_length=512, return_tensors="pt"
        )
        return {key: value.to(self.device) for key, value in encoded.items()}

    def training_batches(self) -> Tuple[List[Dict[str, Any]], List[List[str]]]:
        from allennlp.data import Batch
        from allennlp.nn import util

        count = self.args.train_batches * self.args.train_batch_size
        instances = list(itertools.islice(self.training_reader.read(self.train_path), count))
        tensors = []
        for batch in batches(instances, self.args.train_batch_size):
            indexed = Batch(batch)
            indexed.index_instances(self.model.vocab)
            tensors.append(util.move_to_device(indexed.as_tensor_dict(), self.device))
        return tensors, [list(instance["metadata"]["tokens"]) for instance in instances]

    def training(self) -> Dict[str, Optional[float]]:
        from allennlp.common import Params
        from allennlp.training.optimizers import Optimizer

        tensors, words = self.training_batches()
        parameters = [[name, parameter] for name, parameter in self.model.named_parameters() if parameter.requires_grad]
        # A copy: `Params` consumes the dictionary it is given.
        settings = Params(copy.deepcopy(self.optimizer_config))
        optimizer = Optimizer.from_params(model_parameters=parameters, params=settings)

        def step() -> None:
            self.model.train()
            for batch in tensors:
                optimizer.zero_grad()
                self.model(**batch)["loss"].backward()
                optimizer.step()

        seconds = self.timed(step)
        self.model.eval()
        figures: Dict[str, Optional[float]] = {"train": len(words) / seconds, "bare_train": None}
        if self.transformer is not None:
            encoded = [self.encode(batch) for batch in batches(words, self.args.train_batch_size)]
            trainable = [parameter.requires_grad for parameter in self.transformer.parameters()]

            def forward_backward() -> None:
                self.transformer.train()
                for batch in encoded:
                    self.transformer.zero_grad()
                    self.transformer(**batch).last_hidden_state.sum().backward()

            # A frozen transformer (Deeper's) is made trainable for its reference, then frozen again.
            for parameter in self.transformer.parameters():
                parameter.requires_grad_(True)
            figures["bare_train"] = len(words) / self.timed(forward_backward)
            for parameter, flag in zip(self.transformer.parameters(), trainable):
                parameter.requires_grad_(flag)
            self.transformer.eval()
        return figures

    def prediction(self, sentences: List[List[str]]) -> Dict[str, Optional[float]]:
        seconds = self.timed(lambda: self.predict(sentences))
        bare = None if self.transformer is None else len(sentences) / self.timed(lambda: self.bare_forward(sentences))
        return {"predict": len(sentences) / seconds, "bare_predict": bare}

    def peak_memory(self, sentences: List[List[str]]) -> Tuple[float, float]:
        """
        The peak memory (MB) while `sentences` are predicted, and how far it rises above the memory
        in use before.
        """
        import torch

        gc.collect()
        if self.device.type == "cuda":
            torch.cuda.synchronize(self.device)
            torch.cuda.reset_peak_memory_stats(self.device)
            start = torch.cuda.memory_allocated(self.device)
        else:
            with open("/proc/self/clear_refs", "w") as file:
                file.write("5")
            start = resident_kilobytes("VmRSS") * 1024
        self.predict(sentences)
        if self.device.type == "cuda":
            torch.cuda.synchronize(self.device)
            peak = torch.cuda.max_memory_allocated(self.device)
        else:
            peak = resident_kilobytes("VmHWM") * 1024
        return peak / 2**20, max(0, peak - start) / 2**20

    def of_length(self, length: int) -> List[List[str]]:
        """`--per-length` sentences of `length` words, cut from the dev file's words in turn."""
        stream = itertools.cycle(word for words in self.dev_words for word in words)
        return [list(itertools.islice(stream, length)) for _ in range(self.args.per_length)]


def end_to_end(archive: str, sentences: List[List[str]], args: argparse.Namespace) -> Dict[str, float]:
    """`allennlp predict` on one line and on `--end-to-end-sentences` lines, wall-clock seconds of each."""
    lines = [json.dumps({"tokens": sentences[index % len(sentences)]}) for index in range(args.end_to_end_sentences)]
    figures = {}
    with tempfile.TemporaryDirectory() as directory:
        for name, chosen in (("startup_s", lines[:1]), ("total_s", lines)):
            path = os.path.join(directory, f"{name}.jsonl")
            with open(path, "w") as file:
                file.write("\n".join(chosen) + "\n")
            command = [
                ALLENNLP, "predict", archive, path, "--predictor", "joint_extraction", "--silent",
                "--batch-size", str(args.batch_size), "--cuda-device", str(args.cuda_device),
                "--output-file", os.path.join(directory, "out.jsonl"), "--include-package", "jointre_plugins",
            ]
            started = time.perf_counter()
            subprocess.run(command, cwd=REPOSITORY, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            figures[name] = time.perf_counter() - started
    return figures


def resident_kilobytes(field: str) -> int:
    """A field of /proc/self/status in kB: `VmRSS` (resident now) or `VmHWM` (its peak)."""
    with open("/proc/self/status") as file:
        for line in file:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise RuntimeError(f"/proc/self/status has no {field}")


def ratio(value: Optional[float], reference: Optional[float]) -> str:
    return "-" if value is None or reference is None else f"{value / reference:.0%}"


def number(value: Optional[float]) -> str:
    return "-" if value is None else f"{value:.1f}"


def main() -> None:
    args = arguments()
    import torch
    from allennlp.common.plugins import import_plugins

    import_plugins()
    device = "CPU" if args.cuda_device < 0 else torch.cuda.get_device_name(args.cuda_device)
    print(f"{device}, {torch.get_num_threads()} threads, median of {args.repeats}, prediction batch {args.batch_size}")
    summary, scaling, commands = [], [], []
    for system, path in models_of(args):
        print(f"measuring {system} ({path})", flush=True)
        build = SystemBenchmark.from_config if args.configs else SystemBenchmark.from_archive
        benchmark = build(path, args)
        lengths = {length: benchmark.of_length(length) for length in sorted(args.lengths)}
        # Memory first, shortest first, one sentence before the batch: memory the allocator keeps from
        # larger batches and from training would hide the rise.
        memory = {}
        for length, sentences in lengths.items():
            memory[length] = (*benchmark.peak_memory(sentences[:1]), *benchmark.peak_memory(sentences))
        dev = benchmark.prediction(benchmark.dev_words)
        train = benchmark.training()
        summary.append((system, len(benchmark.dev_words), dev, train))
        for length, sentences in lengths.items():
            figures = dict(zip(("one_peak_mb", "one_growth_mb", "peak_mb", "growth_mb"), memory[length]))
            scaling.append((system, length, {**figures, **benchmark.prediction(sentences)}))
        if args.end_to_end and not args.configs:
            commands.append((system, end_to_end(path, benchmark.dev_words, args)))
        del benchmark
        gc.collect()

    print("\n| system | dev sentences | predict sent/s | bare transformer sent/s | ratio | train sent/s | "
          "bare fwd+bwd sent/s | train time / bare fwd+bwd time |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for system, count, dev, train in summary:
        slowdown = "-" if train["bare_train"] is None else f"{train['bare_train'] / train['train']:.2f}x"
        print(f"| {system} | {count} | {number(dev['predict'])} | {number(dev['bare_predict'])} | "
              f"{ratio(dev['predict'], dev['bare_predict'])} | {number(train['train'])} | "
              f"{number(train['bare_train'])} | {slowdown} |")
    memory = "peak RSS" if args.cuda_device < 0 else "peak CUDA memory"
    print(f"\n| system | words | predict sent/s | bare sent/s | ratio | {memory}, 1 sentence (MB) | its rise (MB) | "
          f"{memory}, {args.per_length} sentences (MB) | its rise (MB) |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for system, length, figures in scaling:
        print(f"| {system} | {length} | {number(figures['predict'])} | {number(figures['bare_predict'])} | "
              f"{ratio(figures['predict'], figures['bare_predict'])} | {figures['one_peak_mb']:.0f} | "
              f"{figures['one_growth_mb']:.0f} | {figures['peak_mb']:.0f} | {figures['growth_mb']:.0f} |")
    if commands:
        print(f"\n| system | allennlp predict, 1 line (s) | {args.end_to_end_sentences} lines (s) | per line (ms) |")
        print("| --- | --- | --- | --- |")
        for system, figures in commands:
            per_line = 1000 * (figures["total_s"] - figures["startup_s"]) / (args.end_to_end_sentences - 1)
            print(f"| {system} | {figures['startup_s']:.1f} | {figures['total_s']:.1f} | {per_line:.1f} |")


if __name__ == "__main__":
    main()
