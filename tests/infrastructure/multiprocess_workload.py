"""A writer process for the multi-process tests: opens the store (all workers
at the same moment), writes its own bot's keys and memories, and reports what
was acknowledged and what it then reads and verifies."""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Sequence
from typing import Any


def run_processes(
    target: Callable[..., None], argsets: Sequence[tuple[Any, ...]]
) -> list[dict[str, Any]]:
    """Run ``target(*args, start, results)`` in a spawned process per argset,
    all released together by the barrier ``start``; each puts its report on
    ``results``. The reports, once every process has exited with 0."""
    ctx = multiprocessing.get_context("spawn")
    start = ctx.Barrier(len(argsets))
    results = ctx.Queue()
    processes = [
        ctx.Process(target=target, args=(*args, start, results)) for args in argsets
    ]
    for process in processes:
        process.start()
    reports = [results.get(timeout=300) for _ in processes]
    for process in processes:
        process.join(timeout=60)
        assert process.exitcode == 0
    return reports


def run_writer(
    url: str, bot_id: str, writes: int, round_: int, start: Any, results: Any
) -> None:
    from boternity_store.infrastructure import open_store

    start.wait(timeout=60)
    report: dict[str, Any] = {"bot": bot_id, "acknowledged": {}, "memories": []}
    try:
        with open_store(url) as store:
            if store.bots.get(bot_id) is None:
                store.bots.register(bot_id, name=bot_id, actor=bot_id)
            for n in range(writes):
                key = f"k{n % 5}"
                entry = store.kv.set(bot_id, key, n, actor=bot_id)
                report["acknowledged"][key] = (entry.version, n)
                if n % 4 == 0:
                    memory_id = f"{bot_id}-r{round_}-m{n}"  # new in every round
                    store.memories.add(bot_id, memory_id, actor=bot_id)
                    report["memories"].append(memory_id)
            report["own_reads"] = {
                key: store.kv.get(bot_id, key) for key in report["acknowledged"]
            }
            start.wait(timeout=60)  # everyone has written: now check
            store.projections.resume()  # catch up with the others' writes
            report["status"] = {s.name: s.state for s in store.projections.status()}
            report["differences"] = len(store.projections.verify())
    except BaseException as error:  # reported to the test, which fails on it
        report["error"] = f"{type(error).__name__}: {error}"
        start.abort()  # the others stop waiting for this one
    results.put(report)


HOT_KEYS = ("hot-0", "hot-1")


def run_background_writer(
    url: str, bot_id: str, writes: int, start: Any, results: Any
) -> None:
    """A writer in background mode: its own keys, memories, and keys of a
    shared bot that every writer also writes (conflicts, retries, and on
    PostgreSQL ids that rolled-back inserts drew). Reports every acknowledged
    write as (bot, key, version, value) and the last position."""
    from boternity_store.infrastructure import open_store

    start.wait(timeout=60)
    report: dict[str, Any] = {"bot": bot_id, "writes": [], "memories": []}
    try:
        with open_store(url, projections="background") as store:
            store.bots.register(bot_id, actor=bot_id)
            for n in range(writes):
                if n % 3 == 0:
                    bot, key = "shared", HOT_KEYS[n % 2]
                else:
                    bot, key = bot_id, f"k{n % 7}"
                entry = store.kv.set(bot, key, [bot_id, n], actor=bot_id)
                report["writes"].append((bot, key, entry.version, [bot_id, n]))
                if n % 5 == 0:
                    memory_id = f"{bot_id}-m{n}"
                    store.memories.add(bot_id, memory_id, actor=bot_id)
                    report["memories"].append(memory_id)
            report["position"] = store.last_position
    except BaseException as error:  # reported to the test, which fails on it
        report["error"] = f"{type(error).__name__}: {error}"
        start.abort()
    results.put(report)
