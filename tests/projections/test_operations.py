"""Projection operations through the public API: status, verify, rebuild,
schema versions, poison events, resume."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from boternity_store.infrastructure import InvalidInput, Store, open_store
from boternity_store.projections import KvProjection


@contextmanager
def raw(db_url: str) -> Iterator[sqlite3.Connection]:
    db = sqlite3.connect(db_url.removeprefix("sqlite:///"))
    try:
        yield db
        db.commit()
    finally:
        db.close()


def fill(store: Store, bot: str, writes: int = 30) -> None:
    for i in range(writes):
        store.kv.set(bot, f"k{i % 7}", {"i": i})


def test_status_reports_every_projection_caught_up(store: Store, bot: str) -> None:
    fill(store, bot)
    head = store.history.head()
    report = {s.name: s for s in store.projections.status()}
    assert {"bots", "kv"} <= report.keys()
    kv = report["kv"]
    assert (kv.version, kv.position, kv.head, kv.lag, kv.state, kv.error) == (
        KvProjection.version,
        head,
        head,
        0,
        "live",
        None,
    )


def test_status_shows_lag_of_events_not_yet_projected(
    store: Store, bot: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(store._runner, "catch_up", lambda *a, **k: None)
    # Appends that do not project in their own transaction (as on PostgreSQL).
    monkeypatch.setattr(store._runner, "apply_appended", lambda *a, **k: False)
    store.kv.set(bot, "k", 1)
    store.kv.set(bot, "k", 2)
    kv = {s.name: s for s in store.projections.status()}["kv"]
    assert (kv.lag, kv.head - kv.position) == (2, 2)


@pytest.mark.sqlite_only  # reads the SQLite file itself
def test_verify_finds_tampering_and_rebuild_repairs_it(
    store: Store, bot: str, db_url: str
) -> None:
    fill(store, bot)
    assert store.projections.verify() == []
    # Tamper with the read tables directly.
    with raw(db_url) as db:
        db.execute("update bot_kv_store set value='\"forged\"' where key='k3'")
        db.execute("delete from bot_kv_versions where key='k1'")
        db.execute(
            "insert into bots (id, incarnation, created_by, created_at) "
            "values ('intruder', 1, 'x', '2026')"
        )
    found = store.projections.verify()
    assert {(d.table, d.live is None, d.expected is None) for d in found} == {
        ("bot_kv_store", False, False),
        ("bot_kv_versions", True, False),
        ("bots", False, True),
    }
    assert store.kv.get(bot, "k3") == "forged"
    # Rebuild repairs it.
    store.projections.rebuild()
    assert store.projections.verify() == []
    assert store.kv.get(bot, "k3") == {"i": 24}
    assert store.bots.get("intruder") is None


@pytest.mark.sqlite_only  # reads the SQLite file itself
def test_rebuild_is_atomic_for_readers_and_keeps_up_with_writes(
    store: Store, bot: str, db_url: str
) -> None:
    fill(store, bot, writes=50)
    with raw(db_url) as db:
        db.execute("update bot_kv_store set value='\"old\"' where key='k0'")
    seen: list[Any] = []
    calls: list[tuple[int, int]] = []

    def during(done: int, total: int) -> None:
        calls.append((done, total))
        # Reads answer from the old tables while the rebuild runs...
        seen.append(store.kv.get(bot, "k0"))
        # ...and writes keep working.
        if len(calls) <= 3:
            store.kv.set(bot, f"during-{done}", done)

    store.projections.batch_size = 10
    store.projections.rebuild(progress=during)
    assert seen and set(seen) == {"old"}
    assert calls[-1][0] >= calls[-1][1] - len(calls)
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)
    # The rebuilt projection is complete and caught up with the writes made meanwhile.
    assert store.kv.get(bot, "k0") == {"i": 49}
    assert all(store.kv.get(bot, f"during-{d}") == d for d, _ in calls[:3])
    assert store.projections.verify() == []
    assert {s.state for s in store.projections.status()} == {"live"}


@pytest.mark.sqlite_only  # reads the SQLite file itself
def test_rebuild_of_one_projection_leaves_the_others_alone(
    store: Store, bot: str, db_url: str
) -> None:
    fill(store, bot)
    with raw(db_url) as db:
        db.execute("update bots set name='tampered'")
        db.execute("update bot_kv_store set value='0'")
    store.projections.rebuild(["kv"])
    info = store.bots.get(bot)
    assert info is not None and info.name == "tampered"
    assert store.kv.get(bot, "k0") == {"i": 28}


def test_unknown_projection_names_are_refused(store: Store) -> None:
    with pytest.raises(InvalidInput, match="unknown projection"):
        store.projections.rebuild(["nope"])


@pytest.mark.sqlite_only  # reads the SQLite file itself
def test_changed_schema_version_rebuilds_on_open(
    reopen: Callable[[], Store],
    db_url: str,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    store = reopen()
    store.bots.register("b")
    store.kv.set("b", "k", "v")
    store.close()
    with raw(db_url) as db:
        db.execute("update bot_kv_store set value='\"stale shape\"'")
    # Ship a new version of the kv projection.
    monkeypatch.setattr(KvProjection, "version", KvProjection.version + 1)
    with caplog.at_level(logging.WARNING, logger="boternity_store"):
        store = reopen()
    assert "kv: schema version changed" in caplog.text
    kv = {s.name: s for s in store.projections.status()}["kv"]
    assert (kv.version, kv.state, kv.lag) == (KvProjection.version, "live", 0)
    assert store.kv.get("b", "k") == "v"


def poison_on(value_json: str) -> Callable[..., None]:
    original = KvProjection._write

    def handler(
        self: KvProjection, view: Any, bot_id: str, key: str, value: str, *args: Any
    ) -> None:
        if value == value_json:
            raise ValueError("cannot project this")
        original(self, view, bot_id, key, value, *args)

    return handler


def test_a_poison_event_stops_only_its_projection_and_resumes_when_fixed(
    reopen: Callable[[], Store], monkeypatch: pytest.MonkeyPatch
) -> None:
    store = reopen()
    store.bots.register("b")
    store.kv.set("b", "before", 1)
    before = store.history.head()
    monkeypatch.setattr(KvProjection, "_write", poison_on('"poison"'))
    # The write is acknowledged: the event is in the log.
    store.kv.set("b", "bad", "poison")
    poison_position = store.history.head()
    # The kv projection stopped at that event; nothing of it was applied.
    kv = {s.name: s for s in store.projections.status()}["kv"]
    assert kv.state == "failed"
    assert kv.error is not None
    assert kv.error.position == poison_position
    assert kv.error.message == "ValueError: cannot project this"
    # (On PostgreSQL the rolled-back first attempt leaves a gap in positions.)
    assert kv.position == before
    assert store.kv.get("b", "bad") is None
    assert store.kv.get("b", "before") == 1
    # Other projections and all writes keep working.
    store.bots.register("c")
    assert store.bots.get("c") is not None
    store.kv.set("c", "later", 2)
    assert store.history.head() >= poison_position + 2
    # Fix the code; the next open resumes from the failed event.
    monkeypatch.undo()
    store.close()
    store = reopen()
    assert store.kv.get("b", "bad") == "poison"
    assert store.kv.get("c", "later") == 2
    assert {s.state for s in store.projections.status()} == {"live"}
    assert store.projections.verify() == []


def test_resume_retries_a_failed_projection_in_place(
    store: Store, bot: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(KvProjection, "_write", poison_on("13"))
    store.kv.set(bot, "k", 13)
    assert {s.name: s.state for s in store.projections.status()}["kv"] == "failed"
    store.projections.resume()  # still broken: fails again at the same event
    kv = {s.name: s for s in store.projections.status()}["kv"]
    assert kv.state == "failed" and kv.error is not None
    assert kv.error.position == store.history.head()  # a gap may precede it
    monkeypatch.undo()
    store.projections.resume(["kv"])
    assert store.kv.get(bot, "k") == 13
    assert {s.state for s in store.projections.status()} == {"live"}


def test_a_rebuild_that_hits_a_poison_event_keeps_the_old_tables(
    store: Store, bot: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from boternity_store.infrastructure import RebuildFailed

    store.kv.set(bot, "k", 7)
    monkeypatch.setattr(KvProjection, "_write", poison_on("7"))
    with pytest.raises(RebuildFailed, match="ValueError"):
        store.projections.rebuild(["kv"])
    monkeypatch.undo()
    assert store.kv.get(bot, "k") == 7
    assert {s.state for s in store.projections.status()} == {"live"}
    assert store.projections.verify() == []


def test_a_projection_resumed_by_another_process_is_fed_again_by_this_one(
    reopen: Callable[[], Store], monkeypatch: pytest.MonkeyPatch
) -> None:
    # A store keeps the tracking states it last saw between writes; a change
    # made by another connection must make it look again.
    first = reopen()
    first.bots.register("b")
    monkeypatch.setattr(KvProjection, "_write", poison_on('"poison"'))
    first.kv.set("b", "bad", "poison")
    first.kv.set("b", "while-failed", 0)  # seen with kv failed, and kept
    assert {s.name: s.state for s in first.projections.status()}["kv"] == "failed"
    monkeypatch.undo()
    second = reopen()  # its open resumes kv and catches it up
    assert second.kv.get("b", "bad") == "poison"
    assert second.kv.get("b", "while-failed") == 0
    first.kv.set("b", "after", 1)
    assert first.kv.get("b", "after") == 1
    kv = {s.name: s for s in first.projections.status()}["kv"]
    assert (kv.state, kv.lag) == ("live", 0)
    second.close()
    first.close()


@pytest.mark.sqlite_only  # reads the SQLite file itself
def test_a_rebuild_leaves_the_same_schema_as_a_new_store(
    store: Store, bot: str, db_url: str
) -> None:
    # Shadows are loaded without their secondary indexes; the swap adds them.
    def schema() -> list[tuple[str, str, str]]:
        with raw(db_url) as db:
            rows = db.execute(
                "SELECT type, name, sql FROM sqlite_master "
                "WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name"
            ).fetchall()
        # A renamed table's CREATE statement names it in quotes.
        return [(kind, name, sql.replace('"', "")) for kind, name, sql in rows]

    fill(store, bot)
    store.bots.register("gone")
    store.memories.add("gone", "m", actor="a")
    store.bots.delete("gone")  # a handler deleting by bot_id, index-less shadow
    before = schema()
    assert any(name == "idx_audit_bot_log_order" for _, name, _ in before)
    store.projections.rebuild()
    assert schema() == before
    assert store.projections.verify() == []


@pytest.mark.postgres
def test_verify_finds_tampering_on_postgresql(pg_url: str) -> None:
    """The database finds the differing rows (EXCEPT) on either backend."""
    import psycopg

    with open_store(pg_url) as store:
        store.bots.register("bot-1")
        fill(store, "bot-1")
        assert store.projections.verify() == []
        with psycopg.connect(pg_url, autocommit=True) as db:
            db.execute("update bot_kv_store set value='\"forged\"' where key='k3'")
            db.execute("delete from bot_kv_versions where key='k1'")
        found = store.projections.verify()
        assert [
            (d.table, d.key, d.live is None, d.expected is None) for d in found
        ] == [
            ("bot_kv_store", {"bot_id": "bot-1", "key": "k3"}, False, False),
            ("bot_kv_versions", {"bot_id": "bot-1", "key": "k1"}, True, False),
        ]
        assert found[0].live is not None and found[0].live["value"] == '"forged"'
        store.projections.rebuild()
        assert store.projections.verify() == []
