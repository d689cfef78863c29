"""A write is one transaction on every backend: its events, the snapshots that
became due, the projections' rows and their tracking positions commit
together, so any other connection sees all of a write or none of it."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from typing import Any

import pytest

from boternity_store.infrastructure import Store, open_store
from tests.infrastructure.poison import poison_kv_handler


def lags(store: Store) -> dict[str, int]:
    return {s.name: s.lag for s in store.projections.status()}


def test_a_write_is_in_the_read_tables_as_soon_as_it_returns(any_url: str) -> None:
    with open_store(any_url) as store, open_store(any_url) as other:
        store.bots.register("b")
        for i in range(30):  # past a snapshot interval of the key
            store.kv.set("b", "k", i)
            # Another process's store: it catches nothing up when it reads.
            assert other.kv.get("b", "k") == i
            assert set(lags(other).values()) == {0}
        assert other.history.head() == store.history.head() == 31


def test_no_other_connection_sees_the_events_before_their_projection(
    any_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    with open_store(any_url) as store, open_store(any_url) as other:
        store.bots.register("b")
        store.kv.set("b", "k", "old")
        head = store.history.head()
        seen: list[tuple[int, Any, set[int]]] = []
        apply_appended = store._runner.apply_appended

        def look_while_projecting(*args: Any, **kwargs: Any) -> Any:
            # The events are inserted, their projection not yet written: from
            # outside, neither is there.
            lagging = set(lags(other).values())
            seen.append((other.history.head(), other.kv.get("b", "k"), lagging))
            return apply_appended(*args, **kwargs)

        monkeypatch.setattr(store._runner, "apply_appended", look_while_projecting)
        store.kv.set("b", "k", "new")
        assert seen == [(head, "old", {0})]
        assert other.history.head() == head + 1
        assert other.kv.get("b", "k") == "new"
        assert set(lags(other).values()) == {0}


def test_a_write_retried_after_a_conflict_commits_with_its_projection(
    any_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    with open_store(any_url) as here, open_store(any_url) as there:
        here.bots.register("b")
        here.kv.set("b", "k", 1)  # cached here at version 1
        there.kv.set("b", "k", 2)
        # Here does not look for others' writes: its append conflicts, and the
        # retry's events follow a position the failed insert may have used.
        monkeypatch.setattr(here._appender.foreign, "forget", lambda: None)  # type: ignore[attr-defined]
        catch_ups: list[object] = []
        monkeypatch.setattr(here._runner, "catch_up", catch_ups.append)
        assert here.kv.set("b", "k", 3).version == 3
        assert catch_ups == []  # projected in the write's own transaction
        assert there.kv.get("b", "k") == 3
        assert set(lags(there).values()) == {0}


CRASH_WHILE_PROJECTING = textwrap.dedent(
    """
    import os, sys
    from boternity_store.infrastructure import open_store

    store = open_store(sys.argv[1])
    store.bots.register("b")
    store.kv.set("b", "k", "before")

    def die(*args, **kwargs):  # the events are inserted, not yet committed
        os._exit(9)

    store._runner.apply_appended = die
    store.kv.set("b", "k", "lost")
    """
)


def test_a_crash_between_the_insert_and_the_projection_records_nothing(
    any_url: str,
) -> None:
    child = subprocess.run(
        [sys.executable, "-c", CRASH_WHILE_PROJECTING, any_url], check=False
    )
    assert child.returncode == 9
    # Read-only: nothing is caught up on open, so this is what the crash left.
    with open_store(any_url, read_only=True) as store:
        assert store.history.head() == 2
        assert store.kv.get("b", "k") == "before"
        assert set(lags(store).values()) == {0}


def test_a_handler_that_raises_stops_only_its_projection(
    any_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    with open_store(any_url) as store:
        store.bots.register("b")
        store.kv.set("b", "k", 1)
        before = store.history.head()
        poison_kv_handler(monkeypatch)
        assert store.kv.set("b", "k", "poison").version == 2
        store.memories.add("b", "m", actor="t")
        # The events are recorded (PostgreSQL's ids may skip the one the
        # rolled-back attempt drew); every other projection is current.
        poison, added = store.history.events(after=before)
        assert (poison.type, added.type) == ("KvKey.ValueSet", "Memory.Added")
        status = {s.name: s for s in store.projections.status()}
        assert status["kv"].state == "failed"
        assert status["kv"].error is not None
        assert status["kv"].error.position == poison.position
        assert status["kv"].position == before
        assert {s.lag for name, s in status.items() if name != "kv"} == {0}
        assert store.memories.get("m") is not None
        # Fixed: the projection resumes at the event it failed on.
        monkeypatch.undo()
        store.projections.resume(["kv"])
        assert store.kv.get("b", "k") == "poison"
        assert store.projections.verify() == []
        assert set(lags(store).values()) == {0}


@pytest.mark.postgres
def test_a_lost_connection_between_writes_is_replaced(pg_url: str) -> None:
    import psycopg

    dsn = pg_url.replace("postgresql+psycopg://", "postgresql://")
    with open_store(pg_url) as store:
        store.bots.register("b")
        store.kv.set("b", "k", 1)
        with psycopg.connect(dsn, autocommit=True) as admin:
            killed = admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            ).fetchall()
        assert killed
        assert store.kv.set("b", "k", 2).version == 2
        assert store.kv.get("b", "k") == 2
        assert set(lags(store).values()) == {0}


@pytest.mark.postgres
def test_a_write_decided_again_after_a_conflict_decides_with_appends_held_off(
    pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import psycopg

    dsn = pg_url.replace("postgresql+psycopg://", "postgresql://")
    with (
        open_store(pg_url) as here,
        open_store(pg_url) as there,
        psycopg.connect(dsn) as probe,
    ):
        here.bots.register("b")
        here.kv.set("b", "k", 1)  # cached here at version 1
        there.kv.set("b", "k", 2)
        table = here._app.recorder.events_table_name  # type: ignore[attr-defined]
        held: list[bool] = []

        def appends_wait() -> None:
            # Could another process append right now?
            try:
                probe.execute(f'LOCK TABLE "{table}" IN EXCLUSIVE MODE NOWAIT')
                held.append(False)
            except psycopg.errors.LockNotAvailable:
                held.append(True)
            probe.rollback()

        # Here does not look for others' writes, so its first decision is stale.
        monkeypatch.setattr(here._appender, "before_decide", appends_wait)
        assert here.kv.set("b", "k", 3).version == 3
        assert held == [False, True]  # the retry decided under the lock
        assert there.kv.get("b", "k") == 3
