"""No skipped events: writer processes in background mode append at the same
time while a runner process follows the log; at the end every projection
equals a fresh rebuild and every acknowledged write is in the read tables.

A runner that tracks "the highest position seen" skips an event if a lower
position can commit after a higher one is seen. The store relies on the
library's ``EXCLUSIVE`` lock on the events table, held by each append until
its commit, so positions commit in the order they were issued (see
``boternity_store.infrastructure.background.follower``). A skipped event
would show here as a difference between the live tables and the rebuild,
or as an acknowledged write missing from them.
"""

from __future__ import annotations

import signal
from typing import Any

import pytest

from boternity_store.infrastructure import open_store
from boternity_store.infrastructure.bench.runner_process import RunnerChild
from tests.conftest import examples
from tests.infrastructure.multiprocess_workload import (
    run_background_writer,
    run_processes,
)


def run_round(url: str, writers: int, writes: int, round_: int) -> list[dict[str, Any]]:
    reports = run_processes(
        run_background_writer,
        [(url, f"r{round_}-w{n}", writes) for n in range(writers)],
    )
    assert [r.get("error") for r in reports] == [None] * writers
    return reports


def check(url: str, reports: list[dict[str, Any]]) -> None:
    with open_store(url, projections="background") as store:
        store.wait_for(max(r["position"] for r in reports), timeout=120)
        assert {s.state for s in store.projections.status()} == {"live"}
        # Every acknowledged write is in the log and the read tables: the
        # latest version of each key holds the write acknowledged with it.
        latest: dict[tuple[str, str], tuple[int, Any]] = {}
        for report in reports:
            for bot, key, version, value in report["writes"]:
                if version > latest.get((bot, key), (0, None))[0]:
                    latest[bot, key] = (version, value)
            for memory_id in report["memories"]:
                assert store.memories.get(memory_id) is not None
        for (bot, key), (version, value) in latest.items():
            entry = store.kv.get_entry(bot, key)
            assert entry is not None and (entry.version, entry.value) == (
                version,
                value,
            )
        # Versions of one key are dense: no acknowledged write went missing.
        for (bot, key), (version, _) in latest.items():
            assert len(store.kv.history(bot, key)) == version
        assert store.projections.verify() == []  # live == a fresh rebuild


def run_rounds(url: str, rounds: int, writers: int, writes: int) -> None:
    with open_store(url) as store:
        store.bots.register("shared")
    with RunnerChild(url, "--batch-size", "7") as runner:
        runner.expect("running")
        for round_ in range(rounds):
            check(url, run_round(url, writers, writes, round_))
        runner.signal(signal.SIGTERM)
        assert runner.wait() == 0


@pytest.mark.postgres
def test_four_background_writers_and_a_runner_skip_nothing_on_postgres(
    pg_url: str,
) -> None:
    run_rounds(pg_url, rounds=examples(4), writers=8, writes=40)


def test_background_writers_and_a_runner_skip_nothing_on_sqlite(
    tmp_path: Any,
) -> None:
    run_rounds(f"sqlite:///{tmp_path / 'store.db'}", rounds=1, writers=4, writes=30)


@pytest.mark.slow
@pytest.mark.postgres
def test_eight_background_writers_twenty_rounds_on_postgres(pg_url: str) -> None:
    run_rounds(pg_url, rounds=examples(20), writers=8, writes=60)
