"""Operations under concurrency and failure: an abandoned rebuild is reported
as such, two verifies or rebuilds at once both finish, and a passing database
fault in a handler is retried instead of stopping the projection."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import threading
from collections.abc import Callable
from typing import Any

import pytest

from boternity_store.infrastructure import Store, open_store
from boternity_store.projections import KvProjection

KILL_MID_REBUILD = """
import os, sys
from boternity_store.infrastructure import open_store
store = open_store(sys.argv[1])
def die(position, target):
    os._exit(9)  # the process dies midway, as under kill -9
store.projections.rebuild(progress=die)
"""


def fill(store: Store, writes: int = 40) -> None:
    store.bots.register("b")
    for i in range(writes):
        store.kv.set("b", f"k{i % 7}", i)


def test_a_rebuild_killed_midway_is_reported_abandoned_not_running(
    any_url: str,
) -> None:
    with open_store(any_url) as store:
        fill(store)
    died = subprocess.run([sys.executable, "-c", KILL_MID_REBUILD, any_url])
    assert died.returncode == 9
    with open_store(any_url) as store:
        status = store.projections.status()
        # The live tables serve; the leftovers are named for what they are.
        assert {s.state for s in status} == {"live"}
        assert {s.abandoned_rebuild for s in status} == {True}
        assert store.kv.get("b", "k6") == 34
        store.projections.rebuild()
        assert {s.abandoned_rebuild for s in store.projections.status()} == {False}
        assert store.projections.verify() == []


def test_status_shows_rebuilding_while_a_rebuild_runs(store: Store) -> None:
    fill(store)
    seen: list[set[str]] = []

    def look(position: int, target: int) -> None:
        with open_store(store.config.url.render_as_string()) as other:
            seen.append({s.state for s in other.projections.status()})

    store.projections.rebuild(progress=look)
    assert seen and seen[0] == {"rebuilding"}


@pytest.mark.parametrize("operation", ["verify", "rebuild"])
def test_two_operations_at_once_on_one_store_both_finish(
    any_url: str, operation: str
) -> None:
    with open_store(any_url) as store:
        fill(store, writes=200)
    stores = [open_store(any_url), open_store(any_url)]
    start = threading.Barrier(2, timeout=30)
    outcomes: list[Any] = []

    def run(store: Store) -> None:
        start.wait()
        try:
            outcomes.append(getattr(store.projections, operation)())
        except Exception as error:  # the test fails on it below
            outcomes.append(error)

    threads = [threading.Thread(target=run, args=(s,)) for s in stores]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    expected = [] if operation == "verify" else None
    assert outcomes == [expected, expected]
    for store in stores:
        assert {s.state for s in store.projections.status()} == {"live"}
        assert store.projections.verify() == []
        store.close()


def fault_times(error: Exception, times: int) -> Callable[..., None]:
    """The kv handler raises ``error`` on its first ``times`` calls."""
    original = KvProjection._write
    raised: list[Exception] = []

    def handler(self: Any, view: Any, *args: Any) -> None:
        if len(raised) < times:
            raised.append(error)
            raise error
        original(self, view, *args)

    return handler


# More often than the guarded apply tries a handler within one transaction
# (in the append, all together, the projection alone, the event alone).
TIMES = 4


def make_fault(name: str) -> Exception:
    import psycopg.errors

    return {
        "sqlite-locked": sqlite3.OperationalError("database is locked"),
        "psycopg-deadlock": psycopg.errors.DeadlockDetected("deadlock detected"),
        "psycopg-serialization": psycopg.errors.SerializationFailure("retry"),
    }[name]


@pytest.mark.parametrize(
    "fault", ["sqlite-locked", "psycopg-deadlock", "psycopg-serialization"]
)
def test_a_passing_database_fault_is_retried_not_recorded_as_poison(
    any_url: str, monkeypatch: pytest.MonkeyPatch, fault: str
) -> None:
    with open_store(any_url) as store:
        store.bots.register("b")
        monkeypatch.setattr(
            KvProjection, "_write", fault_times(make_fault(fault), TIMES)
        )
        store.kv.set("b", "k", 1)
        assert store.kv.get("b", "k") == 1
        assert {s.state for s in store.projections.status()} == {"live"}
        assert store.projections.verify() == []


def test_the_same_number_of_handler_errors_is_a_poison_event(
    any_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    with open_store(any_url) as store:
        store.bots.register("b")
        monkeypatch.setattr(
            KvProjection, "_write", fault_times(ValueError("bad"), TIMES)
        )
        store.kv.set("b", "k", 1)
        kv = {s.name: s for s in store.projections.status()}["kv"]
        assert kv.state == "failed" and kv.error is not None
        assert kv.error.message == "ValueError: bad"
