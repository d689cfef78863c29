"""Where a command's events become durable, and projected.

An appender records the pending events of the aggregates a command changed,
in the order the commands left them (``WriteContext.sequence``), and brings
the projections up to date before it returns. On both backends the events,
the snapshots that became due, the projections' rows and their tracking
positions commit in one transaction on one connection
(:class:`OneTransactionAppend`; :mod:`.sqlite_append`,
:mod:`.postgres_append`): a write is durable and visible at once, or not at
all. A concurrent append to one of the same streams makes it raise the
library's ``IntegrityError`` and record nothing; the writer then decides again.

If a projection's handler raises inside that transaction, it rolls back, the
events are recorded alone, and the runner's guarded catch-up stops only the
projection whose handler fails.

In background mode (``open_store(projections="background")``) the transaction
holds the events and snapshots only: projecting is left to the runners
(``boternity-store projections run``), and the table lock is held for the
insert alone.
"""

from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from collections.abc import Iterable, Sequence
from contextlib import AbstractContextManager, nullcontext
from typing import TYPE_CHECKING, Protocol

from boternity_store.infrastructure.eventstore.foreign_writes import ForeignWrites
from boternity_store.projections.engine.transient import retry_transient

log = logging.getLogger("boternity_store")

if TYPE_CHECKING:
    from eventsourcing.domain import Aggregate
    from sqlalchemy import Connection

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

    def holding_log(self) -> AbstractContextManager[None]:
        """Around deciding and appending a write again after a conflict: other
        processes' appends wait from here until this one commits (or the block
        ends), so it cannot conflict again."""
        ...

    def append(
        self, aggregates: Iterable[Aggregate], sequence: Sequence[Sequenced] = ()
    ) -> int | None:
        """Record the events; the log position of the last one (None: there
        were none)."""
        ...

    def close(self) -> None: ...


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


class OneTransactionAppend(ABC):
    """Stage, then record the events and project them in one transaction; a
    backend supplies the transaction and the insert."""

    def __init__(
        self, app: EventStoreApplication, runner: ProjectionRunner, *, inline: bool
    ) -> None:
        self.app = app
        self.runner = runner
        self.inline = inline
        self.foreign = ForeignWrites(app, maybe_changed=self._maybe_changed)

    def before_decide(self) -> None:
        self.foreign.forget()

    def holding_log(self) -> AbstractContextManager[None]:
        return nullcontext()

    def append(
        self, aggregates: Iterable[Aggregate], sequence: Sequence[Sequenced] = ()
    ) -> int | None:
        staged = self.app.stage(aggregates, sequence)
        if not staged.events:
            return None
        inline = self.inline  # background mode: the events alone, runners project
        with self.runner.lock if inline else nullcontext():
            try:
                recent, projected = self._record(staged, project=inline)
            except _ProjectionRaised:
                # Record the events alone; the runner's own catch-up then stops
                # only the projection whose handler fails.
                recent, projected = self._record(staged, project=False)
            note_appended(self.app, self.foreign, recent)
            self.app.adopt(staged)
            if inline and not projected:
                project_committed(self.runner, recent)
        return recent[-1][0]

    def _record(
        self, staged: StagedWrite, *, project: bool
    ) -> tuple[list[Positioned], bool]:
        """One transaction: the events, and (with ``project``) their
        projection. Returns the recorded events and whether they were
        projected (False: the caller catches up after the commit)."""
        with self._transaction() as conn:
            ids = self._insert(conn, staged)
            recent = list(zip(ids, staged.events, strict=True))
            states = None
            if project:
                known = self._unchanged_states()
                try:
                    states = self.runner.apply_appended(conn, recent, known)
                except Exception as error:
                    raise _ProjectionRaised from error
        self._remember(states)
        return recent, states is not None

    @abstractmethod
    def _transaction(self) -> AbstractContextManager[Connection]:
        """Begin, yield the connection, commit (roll back on an exception);
        the events' table is locked against other appends from the insert on."""

    @abstractmethod
    def _insert(self, conn: Connection, staged: StagedWrite) -> list[int]:
        """Insert the staged events and snapshots; their notification ids."""

    def _maybe_changed(self) -> bool:
        """Whether another connection may have written since last asked."""
        return True

    def _unchanged_states(self) -> dict[str, TrackingState] | None:
        """Inside the transaction: the tracking states the last append left,
        if no other connection can have moved them since (None: read them)."""
        return None

    def _remember(self, states: dict[str, TrackingState] | None) -> None:
        """After the commit: the tracking states as the append left them."""
        return None

    @abstractmethod
    def close(self) -> None: ...
