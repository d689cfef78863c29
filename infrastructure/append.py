"""Where a command's events become durable, and projected.

An appender records the pending events of the aggregates a command changed,
all in one transaction, and brings the projections up to date before it
returns. A concurrent append to one of the same streams makes it raise the
library's ``IntegrityError`` and record nothing; the writer then decides again.

- :class:`OneTransactionAppend` (SQLite): the events, the snapshots that became
  due, the projections' rows and their tracking positions commit in one
  transaction on one connection: one commit, one fsync.
- :class:`SeparateTransactions` (PostgreSQL): the library appends, then the
  projection runner catches up in a transaction of its own.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, Protocol
from uuid import UUID

from eventsourcing.persistence import IntegrityError

if TYPE_CHECKING:
    from eventsourcing.domain import Aggregate
    from sqlalchemy import Connection, Engine

    from boternity_store.projections import ProjectionRunner
    from boternity_store.projections.projection import Positioned

    from .application import EventStoreApplication, StagedWrite


class Appender(Protocol):
    def append(self, aggregates: Iterable[Aggregate]) -> None: ...

    def close(self) -> None: ...


class SeparateTransactions:
    def __init__(self, app: EventStoreApplication, runner: ProjectionRunner) -> None:
        self.app = app
        self.runner = runner

    def append(self, aggregates: Iterable[Aggregate]) -> None:
        recordings = self.app.save_aggregates(aggregates)
        self.runner.catch_up(
            recent=[(r.notification.id, r.domain_event) for r in recordings]
        )

    def close(self) -> None:
        pass


class _ProjectionRaised(Exception):
    """A handler raised inside the append's transaction (which rolled back)."""


class OneTransactionAppend:
    """Appends on a connection of its own, with ``synchronous=FULL``: the commit
    that makes the events durable also carries their projection."""

    def __init__(
        self, app: EventStoreApplication, runner: ProjectionRunner, engine: Engine
    ) -> None:
        self.app = app
        self.runner = runner
        self._conn = engine.connect()
        self._insert_event = app.recorder.insert_events_statement  # type: ignore[attr-defined]
        self._insert_snapshot = (
            app.snapshots.recorder.insert_events_statement  # type: ignore[attr-defined]
            if app.snapshots is not None
            else None
        )

    def append(self, aggregates: Iterable[Aggregate]) -> None:
        staged = self.app.stage(aggregates)
        if not staged.events:
            return
        with self.runner.lock:
            try:
                recent, projected = self._record(staged, project=True)
            except _ProjectionRaised:
                # Record the events alone; the runner's own catch-up then stops
                # only the projection whose handler fails.
                recent, projected = self._record(staged, project=False)
            self.app.adopt(staged)
            if not projected:
                self.runner.catch_up(recent=recent)

    def _record(
        self, staged: StagedWrite, *, project: bool
    ) -> tuple[list[Positioned], bool]:
        conn = self._conn
        with conn.begin():
            cursor = _cursor(conn)
            ids = []
            try:
                for stored in staged.stored_events:
                    cursor.execute(self._insert_event, _row(stored))
                    ids.append(cursor.lastrowid)
            except sqlite3.IntegrityError as error:
                raise IntegrityError(error) from error
            if staged.stored_snapshots and self._insert_snapshot is not None:
                cursor.executemany(
                    self._insert_snapshot, [_row(s) for s in staged.stored_snapshots]
                )
            recent: list[Positioned] = list(zip(ids, staged.events, strict=True))
            projected = False
            if project:
                try:
                    projected = self.runner.apply_appended(conn, recent)
                except Exception as error:
                    raise _ProjectionRaised from error
        return recent, projected

    def close(self) -> None:
        self._conn.close()


def _cursor(conn: Connection) -> Any:
    return conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]


def _row(stored: Any) -> tuple[Any, ...]:
    originator_id = stored.originator_id
    if isinstance(originator_id, UUID):
        originator_id = originator_id.hex
    return (originator_id, stored.originator_version, stored.topic, stored.state)
