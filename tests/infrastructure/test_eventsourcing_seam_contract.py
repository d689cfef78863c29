"""The contract between the store and ``eventsourcing``: everything
``infrastructure/eventsourcing_seam.py`` relies on beyond the library's
documented API. A failure here after an upgrade names what changed; fix the
seam (one module), not the callers."""

from __future__ import annotations

import inspect
import sqlite3
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path
from typing import Any

import pytest
from eventsourcing.application import Application, LRUCache, ProcessingEvent
from eventsourcing.domain import Aggregate, Snapshot
from eventsourcing.persistence import IntegrityError
from eventsourcing.sqlite import (
    SQLiteAggregateRecorder,
    SQLiteApplicationRecorder,
    SQLiteCursor,
)

from boternity_store.domain import KvKey
from boternity_store.infrastructure import open_store
from boternity_store.infrastructure.eventstore.eventsourcing_seam import (
    KV_SNAPSHOT_INTERVAL,
    EventStoreApplication,
)

AT = datetime(2026, 1, 1, tzinfo=UTC)


def parameters(function: Any) -> list[str]:
    return list(inspect.signature(function).parameters)


def new_key(key: str) -> KvKey:
    return KvKey.first_set("b", 1, key, "1", actor="t", at=AT, expected_version=None)


def test_the_library_version_is_the_one_the_seam_was_written_for() -> None:
    # pyproject pins eventsourcing==9.5.*; a new minor version needs this
    # contract re-read, not just re-run.
    assert version("eventsourcing").startswith("9.5.")


def test_recorders_insert_events_on_a_given_cursor() -> None:
    for recorder in (SQLiteApplicationRecorder, SQLiteAggregateRecorder):
        assert parameters(recorder._insert_events)[:3] == ["self", "c", "stored_events"]
    assert parameters(SQLiteCursor.__init__) == ["self", "sqlite_cursor"]


@pytest.fixture
def app(tmp_path: Path) -> Any:
    app = EventStoreApplication.for_env(
        {
            "PERSISTENCE_MODULE": "eventsourcing.sqlite",
            "SQLITE_DBNAME": str(tmp_path / "contract.db"),
        }
    )
    yield app
    app.close()


def test_the_event_table_layout_and_row_id_as_notification_id(
    app: Any, tmp_path: Path
) -> None:
    db = sqlite3.connect(tmp_path / "contract.db", isolation_level=None)
    columns = [row[1] for row in db.execute("PRAGMA table_info(stored_events)")]
    # No id column: a notification id is the implicit rowid.
    assert columns == ["originator_id", "originator_version", "topic", "state"]
    # Our transaction, the library's insert code: ids are the rows' rowids and
    # the library reads them back as notifications.
    key = new_key("k")
    staged = app.stage([key])
    db.execute("BEGIN IMMEDIATE")
    ids = app.insert_staged(db.cursor(), staged)
    db.execute("COMMIT")
    rowids = [row[0] for row in db.execute("SELECT rowid FROM stored_events")]
    assert ids == rowids == [1]
    (notification,) = app.recorder.select_notifications(start=1, limit=10)
    assert notification.id == 1 and notification.originator_id == key.id
    # A version that exists already is the library's IntegrityError.
    db.execute("BEGIN IMMEDIATE")
    with pytest.raises(IntegrityError):
        app.insert_staged(db.cursor(), staged)
    db.execute("ROLLBACK")


def test_the_snapshot_policy_matches_the_librarys(app: Any) -> None:
    # The library snapshots when an event's version is a multiple of the
    # aggregate type's interval; the seam takes the same snapshots from the
    # aggregate in hand.
    assert parameters(Application._take_snapshots) == ["self", "processing_event"]
    source = inspect.getsource(Application._take_snapshots)
    assert "originator_version % interval" in source
    key = new_key("k")
    due = []
    for n in range(1, 3 * KV_SNAPSHOT_INTERVAL):
        staged = app.stage([key])
        due.append(bool(staged.stored_snapshots))
        key.set(str(n), actor="t", at=AT, expected_version=None)
    assert [i + 1 for i, d in enumerate(due) if d] == [
        KV_SNAPSHOT_INTERVAL,
        2 * KV_SNAPSHOT_INTERVAL,
    ]
    assert parameters(Snapshot.take) == ["aggregate"]


def test_save_takes_events_then_drained_aggregates(app: Any) -> None:
    # save_in_order passes the events in call order, then the aggregates
    # (whose events were already collected) to be cached and snapshotted.
    assert parameters(Application.save) == ["self", "objs", "kwargs"]
    assert parameters(ProcessingEvent.collect_events) == ["self", "objs", "kwargs"]
    key = new_key("k")
    other = new_key("j")
    positioned = app.save_in_order([key, other], [(other, 1), (key, 1)])
    assert [event.originator_id for _, event in positioned] == [other.id, key.id]
    assert app.repository.cache.get(key.id) is key


def test_the_cache_api(app: Any) -> None:
    cache = app.repository.cache
    assert isinstance(cache, LRUCache) and cache.maxsize == 50_000
    assert parameters(LRUCache.get) == ["self", "key", "evict"]
    assert parameters(LRUCache.__init__) == ["self", "maxsize"]
    app.forget_cache()
    assert isinstance(app.repository.cache, LRUCache)
    assert app.repository.cache is not cache


def test_the_sqlite_datastore_opens_uris_read_only(tmp_path: Path) -> None:
    # SQLITE_DBNAME "file:...?mode=ro" works because the datastore connects
    # with uri=True: a write through the library's own connection is refused.
    with open_store(f"sqlite:///{tmp_path / 's.db'}") as store:
        store.bots.register("b")
    with open_store(f"sqlite:///{tmp_path / 's.db'}", read_only=True) as store:
        assert store.bots.get("b") is not None
        datastore = store._app.recorder.datastore  # type: ignore[attr-defined]
        with (
            pytest.raises(Exception, match="readonly"),
            datastore.transaction(commit=True) as cursor,
        ):
            cursor.execute("CREATE TABLE t (x)")


def test_aggregate_is_the_librarys_mutable_aggregate() -> None:
    assert issubclass(KvKey, Aggregate)
