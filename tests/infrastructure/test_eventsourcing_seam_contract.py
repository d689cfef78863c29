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
from eventsourcing.application import Application, LRUCache
from eventsourcing.domain import Aggregate, Snapshot
from eventsourcing.persistence import IntegrityError
from eventsourcing.postgres import (
    PostgresAggregateRecorder,
    PostgresApplicationRecorder,
    PostgresDatastore,
)
from eventsourcing.sqlite import (
    SQLiteAggregateRecorder,
    SQLiteApplicationRecorder,
    SQLiteCursor,
)

from boternity_store.domain import KvKey
from boternity_store.infrastructure import open_store
from boternity_store.infrastructure.config import parse_url
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


# PostgreSQL (item 5 of the seam's list): the seam does what the application
# recorder's insert_events does, step by step, inside the store's transaction.


def source_of(function: Any) -> str:
    return inspect.getsource(function)


def assert_in_order(function: Any, *fragments: str) -> None:
    """``function``'s source has the fragments, in this order."""
    source, at = source_of(function), 0
    for fragment in fragments:
        found = source.find(fragment, at)
        assert found >= 0, f"{function.__qualname__} changed: no {fragment!r} here"
        at = found + len(fragment)


def test_postgres_insert_events_is_the_sequence_the_seam_repeats() -> None:
    # enable_db_functions is off (the store never sets it; with it the library
    # inserts through a database function, which the seam refuses); then:
    assert_in_order(
        PostgresApplicationRecorder.insert_events,
        "if self.datastore.enable_db_functions:",
        "conn.pipeline() as pipeline, conn.transaction()",
        "self._insert_events(curs, stored_events",
        "self._insert_stored_events(curs, stored_events",
        "pipeline.sync()",
        "self._fetch_ids_after_insert_events(",
    )


def test_postgres_recorders_insert_on_a_given_cursor() -> None:
    for name in ("_insert_events", "_insert_stored_events"):
        method = getattr(PostgresApplicationRecorder, name)
        assert parameters(method)[:3] == ["self", "curs", "stored_events"], name
    fetch = PostgresApplicationRecorder._fetch_ids_after_insert_events
    assert parameters(fetch)[:3] == ["self", "curs", "stored_events"]
    # The snapshot recorder's insert is the aggregate recorder's.
    snapshots = PostgresAggregateRecorder._insert_stored_events
    assert parameters(snapshots)[:3] == ["self", "curs", "stored_events"]
    # The application recorder's insert takes the table lock and notifies,
    # then runs the aggregate recorder's insert (RETURNING the ids).
    assert_in_order(
        PostgresApplicationRecorder._insert_stored_events,
        "self._lock_table(curs)",
        "self._notify_channel(curs)",
        "super()._insert_stored_events(curs, stored_events",
    )
    assert_in_order(
        PostgresApplicationRecorder._lock_table,
        "for lock_statement in self.lock_table_statements",
    )
    assert_in_order(
        PostgresApplicationRecorder._fetch_ids_after_insert_events,
        'row["notification_id"]',  # so the seam's cursor returns dict rows
    )
    # The composite type the inserts bind, registered on each connection.
    assert_in_order(
        PostgresDatastore.get_connection,
        "self.psycopg_type_adapters.values()",
        "register_composite(info, conn)",
    )


@pytest.fixture
def pg_app(pg_url: str) -> Any:
    app = EventStoreApplication.for_env(parse_url(pg_url).eventsourcing_env())
    yield app
    app.close()


def connect(pg_url: str, *, autocommit: bool = False) -> Any:
    import psycopg

    dsn = pg_url.replace("postgresql+psycopg://", "postgresql://")
    return psycopg.connect(dsn, autocommit=autocommit)


@pytest.mark.postgres
def test_postgres_insert_locks_notifies_and_returns_notification_ids(
    pg_app: Any, pg_url: str
) -> None:
    recorder = pg_app.recorder
    assert type(recorder) is PostgresApplicationRecorder
    assert type(pg_app.snapshots.recorder) is PostgresAggregateRecorder
    datastore = recorder.datastore
    assert datastore.enable_db_functions is False
    assert set(datastore.psycopg_type_adapters) == {recorder.stored_event_type_name}
    lock = " ".join(s.as_string() for s in recorder.lock_table_statements)
    table = f'"{datastore.schema}"."{recorder.events_table_name}"'
    assert f"LOCK TABLE {table} IN EXCLUSIVE MODE" in lock
    assert "SET LOCAL lock_timeout" in lock
    insert = pg_app.postgres_insert()
    key = new_key("k")
    with connect(pg_url) as conn, connect(pg_url, autocommit=True) as other:
        other.execute(f'LISTEN "{recorder.channel_name}"')
        ids = insert(conn, pg_app.stage([key]))
        # Until the commit: the table lock is held and nothing is visible.
        held = other.execute(
            "SELECT mode FROM pg_locks WHERE pid = %s AND relation = %s::regclass"
            " AND granted",
            (conn.info.backend_pid, table),
        ).fetchall()
        assert ("ExclusiveLock",) in held  # beside the INSERT's RowExclusiveLock
        assert recorder.max_notification_id() is None
        conn.commit()
        # The library's NOTIFY, delivered at the commit.
        notified = list(other.notifies(timeout=10, stop_after=1))
        assert [n.channel for n in notified] == [recorder.channel_name]
        assert pg_app.events_channel() == recorder.channel_name  # item 6
        (notification,) = recorder.select_notifications(start=1, limit=10)
        assert ids == [notification.id] and notification.originator_id == key.id
        # A version that exists already is the library's IntegrityError.
        with pytest.raises(IntegrityError):
            insert(conn, pg_app.stage([new_key("k")]))
        conn.rollback()


@pytest.mark.postgres
def test_postgres_insert_writes_due_snapshots_in_the_same_transaction(
    pg_app: Any, pg_url: str
) -> None:
    insert = pg_app.postgres_insert()
    key = new_key("k")
    for n in range(1, KV_SNAPSHOT_INTERVAL):
        key.set(str(n), actor="t", at=AT, expected_version=None)
    staged = pg_app.stage([key])
    assert len(staged.stored_snapshots) == 1
    with connect(pg_url) as conn:
        insert(conn, staged)
        assert pg_app.snapshots.recorder.select_events(key.id) == []
        conn.commit()
    (snapshot,) = pg_app.snapshots.recorder.select_events(key.id)
    assert snapshot.originator_version == KV_SNAPSHOT_INTERVAL


@pytest.mark.postgres
def test_postgres_insert_refuses_the_librarys_database_functions(
    pg_app: Any,
) -> None:
    pg_app.recorder.datastore.enable_db_functions = True
    with pytest.raises(ValueError, match="without the table lock"):
        pg_app.postgres_insert()
