"""
The timing helpers the benchmark scripts share.
"""
import statistics
import time
from typing import Callable, List


def batches(items: List, size: int) -> List[List]:
    """`items` in consecutive batches of `size` (the last one shorter)."""
    return [items[start : start + size] for start in range(0, len(items), size)]


def median_seconds(run: Callable[[], None], repeats: int, warmups: int = 1) -> float:
    """
    The median wall time of `run` over `repeats` runs, after `warmups` untimed runs that pay for
    lazy initialisation.
    """
    for _ in range(warmups):
        run()
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def bare_transformer_seconds(sentences: List[List[str]], batch_size: int, repeats: int) -> float:
    """
    The median time of the offline MiniLM's forward alone over `sentences` (words), in batches:
    the reference the prediction benchmarks compare with.
    """
    import torch
    import transformers

    from jointre_plugins.embedders.offline_transformer import offline_model_path

    path = offline_model_path()
    tokenizer = transformers.AutoTokenizer.from_pretrained(path)
    transformer = transformers.AutoModel.from_pretrained(path).eval()

    def forward() -> None:
        with torch.no_grad():
            for batch in batches(sentences, batch_size):
                transformer(**tokenizer(batch, is_split_into_words=True, padding=True, return_tensors="pt"))

    return median_seconds(forward, repeats)
