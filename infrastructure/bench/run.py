"""The benchmark: each figure measured for us and for the seed's CRUD design,
one after the other, in one run, on the same machine and database settings."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

from boternity_store.infrastructure.bench import crud_baseline as crud
from boternity_store.infrastructure.bench.measure import (
    latencies_us,
    threaded_throughput,
    throughput,
)
from boternity_store.infrastructure.store import Store, open_store


@dataclass(frozen=True)
class BenchSizes:
    single_writes: int = 2000
    threads: int = 8
    writes_per_thread: int = 250
    batches: int = 20
    reads: int = 5000
    log_events: int = 1_000_000
    small_provider_calls: int = 1000

    @classmethod
    def quick(cls, log_events: int | None = None) -> BenchSizes:
        return cls(200, 8, 25, 3, 500, log_events or 20_000, 1000)


@dataclass(frozen=True)
class Figure:
    name: str
    unit: str
    ours: float
    baseline: float | None
    ratio: float | None
    target: str
    met: bool


Report = Callable[[str], None]


def run_bench(folder: Path | None, sizes: BenchSizes, report: Report) -> list[Figure]:
    """Run every figure in fresh databases under ``folder`` (a temp dir if None)."""
    with _workdir(folder) as work:
        figures = [
            *_writes(work, sizes, report),
            *_reads(work, sizes, report),
            *_rebuild(work, sizes, report),
            _reopen(work, sizes, report),
        ]
    return figures


@contextmanager
def _workdir(folder: Path | None) -> Iterator[Path]:
    work = Path(tempfile.mkdtemp(prefix="boternity-bench-", dir=folder))
    try:
        yield work
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _open(path: Path) -> Store:
    store = open_store(f"sqlite:///{path}")
    store.bots.register("bot")
    return store


def _crud(path: Path) -> crud.CrudKv:
    crud.create_schema(path)
    return crud.CrudKv(crud.connect(path))


def single_writes(store: Store, baseline: crud.CrudKv, n: int) -> tuple[float, float]:
    """Writes/s of ``n`` ``kv.set`` on ``store``, then of the same writes on the
    CRUD baseline."""

    def ours_single() -> None:
        for i in range(n):
            store.kv.set("bot", f"k{i % 100}", {"i": i})

    def crud_single() -> None:
        for i in range(n):
            baseline.set("bot", f"k{i % 100}", {"i": i})

    return throughput(n, ours_single), throughput(n, crud_single)


def sqlite_single_writer(n: int, folder: Path | None = None) -> tuple[float, float]:
    """The single-writer figure alone (ours, CRUD), in fresh files under
    ``folder`` (a temporary folder if None), removed afterwards."""
    with _workdir(folder) as work:
        store, baseline = _open(work / "single.db"), _crud(work / "single-crud.db")
        try:
            return single_writes(store, baseline, n)
        finally:
            store.close()
            baseline.db.close()


def _writes(work: Path, sizes: BenchSizes, report: Report) -> list[Figure]:
    report("single durable writes")
    store, baseline = _open(work / "single.db"), _crud(work / "single-crud.db")
    ours, base = single_writes(store, baseline, sizes.single_writes)
    figures = [_ratio("single durable writes", "writes/s", ours, base, ">= 0.6", 0.6)]

    report(f"{sizes.threads} concurrent writers")
    per = sizes.writes_per_thread
    conns = [
        crud.CrudKv(crud.connect(work / "single-crud.db")) for _ in range(sizes.threads)
    ]

    def ours_thread(t: int) -> None:
        for i in range(per):
            store.kv.set("bot", f"t{t}-{i % 50}", i)

    def crud_thread(t: int) -> None:
        for i in range(per):
            conns[t].set("bot", f"t{t}-{i % 50}", i)

    ours = threaded_throughput(sizes.threads, per, ours_thread)
    base = threaded_throughput(sizes.threads, per, crud_thread)
    figures.append(
        _ratio(
            f"{sizes.threads} concurrent writers", "writes/s", ours, base, ">= 1.0", 1.0
        )
    )

    report("batches of 1,000")

    def batches() -> None:
        for b in range(sizes.batches):
            with store.batch():
                for i in range(1000):
                    store.kv.set("bot", f"b{b}-{i}", i)

    rate = throughput(sizes.batches * 1000, batches)
    figures.append(
        Figure(
            "batch of 1,000 writes",
            "events/s",
            rate,
            None,
            None,
            ">= 50,000",
            rate >= 50_000,
        )
    )
    store.close()
    return figures


def _reads(work: Path, sizes: BenchSizes, report: Report) -> list[Figure]:
    report("read latency")
    store, path = _open(work / "reads.db"), work / "reads-crud.db"
    baseline = _crud(path)
    audit = crud.CrudAudit(baseline.db)
    with store.batch():
        for i in range(100):
            store.kv.set("bot", f"k{i}", {"i": i, "tags": ["a", "b"]})
            baseline.set("bot", f"k{i}", {"i": i, "tags": ["a", "b"]})
    for i in range(300):
        store.memories.add("bot", f"m{i}", actor="bench")
        audit.log("bot", f"m{i}", "add")
    n = sizes.reads
    ours = latencies_us(n, lambda i: store.kv.get("bot", f"k{i % 100}"))
    base = latencies_us(n, lambda i: baseline.get("bot", f"k{i % 100}"))
    figures = [_latency("kv.get", ours, base)]
    ours = latencies_us(n // 5, lambda i: store.audit.get_for_bot("bot", 100))
    base = latencies_us(n // 5, lambda i: audit.get_for_bot("bot", 100))
    figures.append(_latency("audit.get_for_bot(100)", ours, base))
    store.close()
    return figures


def _rebuild(work: Path, sizes: BenchSizes, report: Report) -> list[Figure]:
    n = sizes.log_events
    path = work / "log.db"
    report(f"writing a {n:,}-event log")
    store = _open(path)
    with store.batch():
        store.bots.register("other")
    done = 1
    while done < n:
        with store.batch():
            for i in range(min(1000, n - done)):
                j = done + i
                if j % 5 == 0:
                    store.memories.add(
                        "bot" if j % 2 else "other", f"m{j}", actor="bench"
                    )
                else:
                    store.kv.set("bot", f"k{j % 10_000}", j)
        done = store.history.head()
    store.close()
    report("reading and decoding the log (floor)")
    floor = _subprocess(path, "floor")
    report("rebuilding all projections")
    rebuild = _subprocess(path, "rebuild")
    events = floor["events"]
    floor_rate, rate = events / floor["seconds"], events / rebuild["seconds"]
    slowdown = rebuild["seconds"] / floor["seconds"]
    rss_mb = rebuild["peak_rss_kb"] / 1024
    return [
        Figure(
            "rebuild",
            "events/s",
            rate,
            floor_rate,
            rate / floor_rate,
            ">= 100,000 and <= 1.5x floor time",
            rate >= 100_000 and slowdown <= 1.5,
        ),
        Figure(
            f"rebuild peak RSS ({events:,} events)",
            "MB",
            rss_mb,
            None,
            None,
            "<= 250",
            rss_mb <= 250,
        ),
    ]


_CHILD = """
import json, resource, sys, time
from boternity_store.infrastructure import open_store
store = open_store(sys.argv[1])
log = store._runner  # read(after, limit) and head(), as rebuild reads the log
start = time.perf_counter()
if sys.argv[2] == "rebuild":
    store.projections.rebuild()
    events = log.head()
else:
    after, events = 0, 0
    while batch := log.read(after=after, limit=2000):
        after, events = batch[-1][0], events + len(batch)
seconds = time.perf_counter() - start
print(json.dumps({"events": events, "seconds": seconds,
                  "peak_rss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
"""


def _subprocess(path: Path, mode: str) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, f"sqlite:///{path}", mode],
        check=True,
        capture_output=True,
        text=True,
    )
    result: dict[str, float] = json.loads(done.stdout)
    return result


def _reopen(work: Path, sizes: BenchSizes, report: Report) -> Figure:
    times = {}
    for calls in (sizes.small_provider_calls, sizes.log_events):
        report(f"reopen with {calls:,} provider calls")
        path = work / f"provider-{calls}.db"
        store = _open(path)
        for start in range(0, calls, 1000):
            with store.batch():
                for _ in range(min(1000, calls - start)):
                    store.providers.record_success("llm")
        store.close()
        times[calls] = min(_time_reopen(path) for _ in range(5))
    small, big = times[sizes.small_provider_calls], times[sizes.log_events]
    return Figure(
        f"reopen, {sizes.log_events:,} vs {sizes.small_provider_calls:,} calls",
        "ms",
        big * 1000,
        small * 1000,
        big / small,
        "<= 2.0",
        big / small <= 2.0,
    )


def _time_reopen(path: Path) -> float:
    start = time.perf_counter()
    with open_store(f"sqlite:///{path}") as store:
        store.providers.allow_request("llm")
    return time.perf_counter() - start


def _ratio(
    name: str, unit: str, ours: float, base: float, target: str, minimum: float
) -> Figure:
    return Figure(name, unit, ours, base, ours / base, target, ours / base >= minimum)


def _latency(name: str, ours: tuple[float, float], base: tuple[float, float]) -> Figure:
    return Figure(
        f"{name} p50 (p99 {ours[1]:.0f} vs {base[1]:.0f} us)",
        "us",
        ours[0],
        base[0],
        ours[0] / base[0],
        "<= 1.3",
        ours[0] / base[0] <= 1.3,
    )


def as_json(figures: list[Figure]) -> str:
    return json.dumps([asdict(f) for f in figures], indent=2)
