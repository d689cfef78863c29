"""Timing helpers for the benchmark: throughput, latency percentiles, threads."""

from __future__ import annotations

import statistics
import threading
import time
from collections.abc import Callable


def throughput(count: int, work: Callable[[], None]) -> float:
    """Operations per second of ``work``, which performs ``count`` operations."""
    start = time.perf_counter()
    work()
    return count / (time.perf_counter() - start)


def latencies_us(count: int, call: Callable[[int], object]) -> tuple[float, float]:
    """(p50, p99) latency of ``call(i)`` in microseconds."""
    samples = []
    for i in range(count):
        start = time.perf_counter()
        call(i)
        samples.append((time.perf_counter() - start) * 1e6)
    cuts = statistics.quantiles(samples, n=100)
    return cuts[49], cuts[98]


def threaded_throughput(
    threads: int, per_thread: int, work: Callable[[int], None]
) -> float:
    """Operations per second of ``threads`` threads each running ``work(t)``,
    which performs ``per_thread`` operations."""
    barrier = threading.Barrier(threads + 1)

    def run(t: int) -> None:
        barrier.wait()
        work(t)

    pool = [threading.Thread(target=run, args=(t,)) for t in range(threads)]
    for thread in pool:
        thread.start()
    barrier.wait()
    start = time.perf_counter()
    for thread in pool:
        thread.join()
    return threads * per_thread / (time.perf_counter() - start)
