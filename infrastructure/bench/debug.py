"""``bench --debug``: the figures of debugging by replay, on a store of many
bots, each beside its baseline in the same run:

- ``history.events(bot_id=B, limit=50)`` (the index) beside the first page of
  the whole log (a plain read);
- ``kv.history`` of a key with 200 versions beside ``kv.get_entry`` of it;
- ``at(p, bot_id=B).kv.get`` on the big store beside the same on a store a
  tenth its size with as many events per bot (the cost must not grow with the
  store);
- whole-store replay (``at(p)`` of everything) beside a rebuild of the same
  log, each in a fresh process with its peak RSS.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from boternity_store.infrastructure.bench.run import Figure, Report
from boternity_store.infrastructure.store import open_store

HOT_VERSIONS = 200


def run_debug_bench(work: Path, events: int, bots: int, report: Report) -> list[Figure]:
    big, small = work / "debug-big.db", work / "debug-small.db"
    report(f"writing {events:,} events over {bots:,} bots")
    _fill(big, events, bots)
    report(f"writing {events // 10:,} events over {max(bots // 10, 1):,} bots")
    _fill(small, events // 10, max(bots // 10, 1))
    figures: list[Figure] = []
    with open_store(f"sqlite:///{big}") as store:
        report("history of one bot, one key")
        log_page = _p50_ms(lambda: store.history.events(bot_id="bot-1", limit=50))
        plain_page = _p50_ms(lambda: store.history.events(limit=50))
        figures.append(
            _figure("log --bot B --limit 50, p50", log_page, plain_page, "<= 20 ms",
                    log_page <= 20)
        )  # fmt: skip
        key_history = _p50_ms(lambda: store.kv.history("bot-0", "prefs"))
        current = _p50_ms(lambda: store.kv.get_entry("bot-0", "prefs"))
        figures.append(
            _figure(f"kv.history ({HOT_VERSIONS} versions), p50", key_history,
                    current, "<= 20 ms", key_history <= 20)
        )  # fmt: skip
        report("views of one bot")
        head = store.history.head()
        big_view = _p50_ms(lambda: _view_read(store, head // 2), repeat=7)
    with open_store(f"sqlite:///{small}") as store:
        half = store.history.head() // 2
        small_view = _p50_ms(lambda: _view_read(store, half), repeat=7)
    figures.append(
        _figure(
            f"at(p, bot_id=B).kv.get, {events:,} vs {events // 10:,} events, p50",
            big_view, small_view, "<= 100 ms and <= 1.5x the small store",
            big_view <= 100 and big_view <= 1.5 * small_view,
        )
    )  # fmt: skip
    report("replaying the whole store, then rebuilding it")
    replay = _child(big, "replay")
    rebuild = _child(big, "rebuild")
    replay_rate = replay["events"] / replay["seconds"]
    rebuild_rate = rebuild["events"] / rebuild["seconds"]
    rss = replay["peak_rss_kb"] / 1024
    figures.append(
        Figure("whole-store replay", "events/s", replay_rate, rebuild_rate,
               replay_rate / rebuild_rate, ">= rebuild", replay_rate >= rebuild_rate)
    )  # fmt: skip
    figures.append(
        Figure(f"replay peak RSS ({replay['events']:,} events)", "MB", rss, None,
               None, "<= 250", rss <= 250)
    )  # fmt: skip
    return figures


def _fill(path: Path, events: int, bots: int) -> None:
    """``events`` events: every bot registered, ``bot-0``'s ``prefs`` set
    HOT_VERSIONS times, the rest spread over the bots' keys and memories."""
    with open_store(f"sqlite:///{path}") as store:
        with store.batch():
            for b in range(bots):
                store.bots.register(f"bot-{b}", actor="bench")
        with store.batch():
            for v in range(HOT_VERSIONS):
                store.kv.set("bot-0", "prefs", {"v": v}, actor=f"actor-{v % 3}")
        n = store.history.head()
        while n < events:
            with store.batch():
                for i in range(min(1000, events - n)):
                    j = n + i
                    bot = f"bot-{j % bots}"
                    if j % 7 == 0:
                        store.memories.add(bot, f"m-{j}", actor="bench")
                    else:
                        store.kv.set(bot, f"k{j % 50}", j, actor="bench")
            n = store.history.head()


def _view_read(store: object, position: int) -> None:
    with store.at(position, bot_id="bot-1") as view:  # type: ignore[attr-defined]
        view.kv.get("bot-1", "k1")


def _p50_ms(call: Callable[[], object], repeat: int = 50) -> float:
    call()  # warm
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def _figure(name: str, ours: float, base: float, target: str, met: bool) -> Figure:
    return Figure(name, "ms", ours, base, ours / base if base else None, target, met)


_CHILD = """
import json, resource, sys, time
from boternity_store.infrastructure import open_store
store = open_store(sys.argv[1])
start = time.perf_counter()
if sys.argv[2] == "rebuild":
    store.projections.rebuild()
else:
    with store.at() as view:
        pass
seconds = time.perf_counter() - start
print(json.dumps({"events": store.history.head(), "seconds": seconds,
                  "peak_rss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
"""


def _child(path: Path, mode: str) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, f"sqlite:///{path}", mode],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result
