"""The one-transaction append on SQLite: one commit, one fsync."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from boternity_store.infrastructure.eventstore.append import OneTransactionAppend

if TYPE_CHECKING:
    from sqlalchemy import Connection, Engine

    from boternity_store.infrastructure.eventstore.eventsourcing_seam import (
        EventStoreApplication,
        StagedWrite,
    )
    from boternity_store.projections import ProjectionRunner
    from boternity_store.projections.engine.tracking import TrackingState


class SqliteAppend(OneTransactionAppend):
    """Appends on a connection of its own, with ``synchronous=FULL``: the commit
    that makes the events durable also carries their projection.

    SQLite's ``data_version`` (which changes when another connection commits)
    is read at two moments: before commands decide, to evict streams other
    processes wrote (:class:`ForeignWrites`); and under the write lock, where
    the tracking states read by the previous append are reused if it has not
    changed since."""

    def __init__(
        self,
        app: EventStoreApplication,
        runner: ProjectionRunner,
        engine: Engine,
        *,
        inline: bool = True,
    ) -> None:
        self._conn = engine.connect()
        self._dbapi: Any = self._conn.connection.dbapi_connection
        self._known: tuple[int, dict[str, TrackingState]] | None = None
        self._data_version = self._current_data_version()
        self._version_in_transaction = self._data_version
        super().__init__(app, runner, inline=inline)

    def _current_data_version(self) -> int:
        (version,) = self._dbapi.execute("PRAGMA data_version").fetchone()
        return int(version)

    def _maybe_changed(self) -> bool:
        version = self._current_data_version()
        changed, self._data_version = version != self._data_version, version
        return changed

    def _unchanged_states(self) -> dict[str, TrackingState] | None:
        known, self._known = self._known, None
        version = self._version_in_transaction = self._current_data_version()
        return known[1] if known is not None and known[0] == version else None

    def _remember(self, states: dict[str, TrackingState] | None) -> None:
        self._known = None if states is None else (self._version_in_transaction, states)

    def _insert(self, conn: Connection, staged: StagedWrite) -> list[int]:
        return self.app.insert_staged(self._dbapi.cursor(), staged)

    @contextmanager
    def _transaction(self) -> Iterator[Connection]:
        """BEGIN IMMEDIATE ... COMMIT, straight on the driver: SQLAlchemy's
        transaction layer would cost more than the statements. A handler that
        executes through SQLAlchemy joins this transaction (see engines.py), so
        the end goes through SQLAlchemy when it has one open."""
        dbapi, conn = self._dbapi, self._conn
        dbapi.execute("BEGIN IMMEDIATE")
        try:
            yield conn
            if conn.in_transaction():
                conn.commit()
            else:
                dbapi.commit()
        except BaseException:
            if conn.in_transaction():
                conn.rollback()
            else:
                dbapi.rollback()
            raise

    def close(self) -> None:
        self._conn.close()
