"""Where a command's events become durable, and projected.

An appender records the pending events of the aggregates a command changed,
in the order the commands left them (``WriteContext.sequence``), all in one
transaction, and brings the projections up to date before it
returns. A concurrent append to one of the same streams makes it raise the
library's ``IntegrityError`` and record nothing; the writer then decides again.

- :class:`OneTransactionAppend` (SQLite): the events, the snapshots that became
  due, the projections' rows and their tracking positions commit in one
  transaction on one connection: one commit, one fsync.
- :class:`SeparateTransactions` (PostgreSQL): the library appends, then the
  projection runner catches up in a transaction of its own.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Protocol

from boternity_store.infrastructure.eventstore.foreign_writes import ForeignWrites
from boternity_store.projections.engine.transient import retry_transient

log = logging.getLogger("boternity_store")

if TYPE_CHECKING:
    from eventsourcing.domain import Aggregate
    from sqlalchemy import Engine

    from boternity_store.infrastructure.eventstore.eventsourcing_seam import (
        EventStoreApplication,
        Sequenced,
        StagedWrite,
    )
    from boternity_store.projections import ProjectionRunner
    from boternity_store.projections.engine.projection import Positioned
    from boternity_store.projections.engine.tracking import TrackingState


class Appender(Protocol):
    def before_decide(self) -> None:
        """Forget cached streams that other processes appended to."""

    def append(
        self, aggregates: Iterable[Aggregate], sequence: Sequence[Sequenced] = ()
    ) -> None: ...

    def close(self) -> None: ...


class SeparateTransactions:
    def __init__(self, app: EventStoreApplication, runner: ProjectionRunner) -> None:
        self.app = app
        self.runner = runner
        self.foreign = ForeignWrites(app)  # reads the log's head before each write

    def before_decide(self) -> None:
        self.foreign.forget()

    def append(
        self, aggregates: Iterable[Aggregate], sequence: Sequence[Sequenced] = ()
    ) -> None:
        recent = self.app.save_in_order(aggregates, sequence)
        if recent:
            note_appended(self.app, self.foreign, recent)
            project_committed(self.runner, recent)

    def close(self) -> None:
        pass


def project_committed(runner: ProjectionRunner, recent: list[Positioned]) -> None:
    """Project events whose append already committed. The write succeeded, so
    a failure here must not reach its caller (who might retry and write it
    twice): the runner already retried passing faults; what still fails is
    logged, status shows the lag, and the next write or open projects it."""
    try:
        retry_transient(lambda: runner.catch_up(recent=recent))
    except Exception:
        log.exception(
            "events up to %d are committed but not projected yet", recent[-1][0]
        )


def note_appended(
    app: EventStoreApplication, foreign: ForeignWrites, recent: list[Positioned]
) -> None:
    """After the commit: evict what other processes appended just before. If
    that fails, no cached aggregate can be trusted: start with an empty cache
    (the write itself stands)."""
    try:
        foreign.appended(recent[0][0], recent[-1][0])
    except Exception:
        log.exception("could not read the log's latest writes; emptying the cache")
        app.forget_cache()


class _ProjectionRaised(Exception):
    """A handler raised inside the append's transaction (which rolled back)."""


class OneTransactionAppend:
    """Appends on a connection of its own, with ``synchronous=FULL``: the commit
    that makes the events durable also carries their projection.

    SQLite's ``data_version`` (which changes when another connection commits)
    is read at two moments: before commands decide, to evict streams other
    processes wrote (:class:`ForeignWrites`); and under the write lock, where
    the tracking states read by the previous append are reused if it has not
    changed since."""

    def __init__(
        self, app: EventStoreApplication, runner: ProjectionRunner, engine: Engine
    ) -> None:
        self.app = app
        self.runner = runner
        self._conn = engine.connect()
        self._dbapi: Any = self._conn.connection.dbapi_connection
        self._known: tuple[int, dict[str, TrackingState]] | None = None
        self._data_version = self._current_data_version()
        self.foreign = ForeignWrites(app, maybe_changed=self._data_version_changed)

    def before_decide(self) -> None:
        self.foreign.forget()

    def _current_data_version(self) -> int:
        (version,) = self._dbapi.execute("PRAGMA data_version").fetchone()
        return int(version)

    def _data_version_changed(self) -> bool:
        """Whether another connection committed since the last call."""
        version = self._current_data_version()
        changed, self._data_version = version != self._data_version, version
        return changed

    def append(
        self, aggregates: Iterable[Aggregate], sequence: Sequence[Sequenced] = ()
    ) -> None:
        staged = self.app.stage(aggregates, sequence)
        if not staged.events:
            return
        with self.runner.lock:
            try:
                recent, projected = self._record(staged, project=True)
            except _ProjectionRaised:
                # Record the events alone; the runner's own catch-up then stops
                # only the projection whose handler fails.
                recent, projected = self._record(staged, project=False)
            note_appended(self.app, self.foreign, recent)
            self.app.adopt(staged)
            if not projected:
                project_committed(self.runner, recent)

    def _record(
        self, staged: StagedWrite, *, project: bool
    ) -> tuple[list[Positioned], bool]:
        known, self._known = self._known, None
        with self._transaction() as cursor:
            ids = self.app.insert_staged(cursor, staged)
            recent = list(zip(ids, staged.events, strict=True))
            states = None
            if project:
                data_version = self._current_data_version()
                unchanged = known is not None and known[0] == data_version
                try:
                    states = self.runner.apply_appended(
                        self._conn, recent, known[1] if unchanged and known else None
                    )
                except Exception as error:
                    raise _ProjectionRaised from error
        if states is not None:
            self._known = (data_version, states)
        return recent, states is not None

    @contextmanager
    def _transaction(self) -> Iterator[Any]:
        """BEGIN IMMEDIATE ... COMMIT, straight on the driver: SQLAlchemy's
        transaction layer would cost more than the statements. A handler that
        executes through SQLAlchemy joins this transaction (see engines.py), so
        the end goes through SQLAlchemy when it has one open."""
        dbapi, conn = self._dbapi, self._conn
        dbapi.execute("BEGIN IMMEDIATE")
        try:
            yield dbapi.cursor()
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
