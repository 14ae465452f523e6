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
