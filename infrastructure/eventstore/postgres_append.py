"""The one-transaction append on PostgreSQL.

On one connection, in one transaction: the library's own insert (which takes
its ``EXCLUSIVE`` lock on the events table, held to the commit, so that
notification ids commit in the order they were issued), the snapshots that
became due, then the projections' rows and tracking positions (read ``FOR
UPDATE``: a catch-up in another process waits, or is waited for). Lock order
is always the events table, then the tracking rows; a catch-up or rebuild
takes only the tracking rows (it reads the log without locking it), so the
two never wait on each other in a cycle.

A write decided again after a conflict takes the table lock before it
decides (:meth:`PostgresAppend.holding_log`): it decides on the latest state
and cannot conflict again, however many processes write the same stream.

A lost connection (a server restart, an administrator's
``pg_terminate_backend``) is dropped and the write retried on a new one, as
the library's own insert retries it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from boternity_store.infrastructure.eventstore.append import OneTransactionAppend
from boternity_store.projections.engine.transient import retry_transient

if TYPE_CHECKING:
    from sqlalchemy import Connection, Engine

    from boternity_store.infrastructure.eventstore.eventsourcing_seam import (
        EventStoreApplication,
        StagedWrite,
    )
    from boternity_store.projections import ProjectionRunner
    from boternity_store.projections.engine.projection import Positioned


class PostgresAppend(OneTransactionAppend):
    def __init__(
        self,
        app: EventStoreApplication,
        runner: ProjectionRunner,
        engine: Engine,
        *,
        inline: bool = True,
    ) -> None:
        self._engine = engine
        self._insert_staged = app.postgres_insert()
        self._conn: Connection | None = None
        super().__init__(app, runner, inline=inline)

    def _record(
        self, staged: StagedWrite, *, project: bool
    ) -> tuple[list[Positioned], bool]:
        # A passing fault (lost connection, deadlock) rolled the whole
        # transaction back: try it again, as the library's insert would.
        record = super()._record
        return retry_transient(lambda: record(staged, project=project))

    def _insert(self, conn: Connection, staged: StagedWrite) -> list[int]:
        return self._insert_staged(conn.connection.dbapi_connection, staged)

    @contextmanager
    def holding_log(self) -> Iterator[None]:
        """Begin the append's transaction now, with the events table locked:
        the commands decide on the latest state (other appends wait), and the
        append inside commits the transaction, ending the hold."""
        conn = self._connection()
        with self._dropped_if_lost(conn):
            transaction = conn.begin()
            try:
                self._insert_staged.lock(conn.connection.dbapi_connection)
                yield
            finally:
                if transaction.is_active:  # nothing was appended
                    transaction.rollback()

    @contextmanager
    def _transaction(self) -> Iterator[Connection]:
        conn = self._connection()
        with self._dropped_if_lost(conn):
            # Joins the transaction holding_log began.
            transaction = conn.get_transaction() or conn.begin()
            try:
                yield conn
            except BaseException:
                transaction.rollback()
                raise
            transaction.commit()

    @contextmanager
    def _dropped_if_lost(self, conn: Connection) -> Iterator[None]:
        try:
            yield
        except BaseException:
            if conn is self._conn and _broken(conn):
                self._drop_connection()
            raise

    def _connection(self) -> Connection:
        if self._conn is None:
            self._conn = self._engine.connect()
        return self._conn

    def _drop_connection(self) -> None:
        """The next transaction starts on a connection the pool has checked
        (``pool_pre_ping``)."""
        conn, self._conn = self._conn, None
        if conn is not None and not conn.closed:
            conn.invalidate()
            conn.close()

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()


def _broken(conn: Connection) -> bool:
    """Whether the connection was lost (a rolled-back transaction is not)."""
    if conn.invalidated or conn.closed:
        return True
    dbapi: Any = conn.connection.dbapi_connection
    return dbapi is None or bool(dbapi.closed or dbapi.broken)
