"""A background runner: follows the event log and projects it, until stopped.

``boternity-store projections run [NAME ...]`` runs one (:mod:`..cli.
projections`). It

1. takes its projections' runner locks (:mod:`.runner_locks`), standing by
   while another runner holds one, and taking over within
   :data:`~.runner_locks.TAKEOVER_POLL_S` of that runner's end;
2. catches up from each projection's tracking position to the log's head;
3. follows: on PostgreSQL it ``LISTEN``\\ s on the events channel (the
   library's ``NOTIFY`` at each commit), so it wakes on a write, not on a
   timer; on SQLite it reads the log's head every :data:`SQLITE_POLL_S`.

Each step applies a batch of events and moves the tracking positions in one
transaction (on PostgreSQL also notifying the projected channel that
``store.wait_for`` listens on), so a runner killed at any moment leaves every
event applied exactly once, and the next runner resumes where it stopped.

Why no event is skipped: every append on PostgreSQL holds the library's
``EXCLUSIVE`` lock on the events table until its commit, so notification ids
become visible in the order they were issued; a runner that reads "after
position p" can never pass over an event still in flight (ids left by
inserts that rolled back stay gaps forever). The cost: appends commit one at
a time (in background mode the lock covers only the insert and the commit).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from boternity_store.domain.validation import check_int
from boternity_store.infrastructure.background.channels import (
    announcer,
    projected_channel,
)
from boternity_store.infrastructure.background.runner_locks import (
    AdvisoryRunnerLocks,
    FileRunnerLocks,
    RunnerLocks,
    acquire,
)
from boternity_store.infrastructure.eventstore.store_locks import libpq_dsn

if TYPE_CHECKING:
    from boternity_store.infrastructure.store import Store
    from boternity_store.projections import ProjectionRunner

IDLE_WAKE_S = 0.5  # how often an idle runner looks at its stop flag
SAFETY_S = 30.0  # an idle PostgreSQL runner catches up this often regardless
SQLITE_POLL_S = 0.02


@dataclass(frozen=True)
class RunnerReport:
    """What a runner tells its operator: ``waiting`` (another runner holds a
    lock), ``running`` (from ``position``), ``stopped`` (at ``position``)."""

    kind: str
    names: tuple[str, ...]
    position: int


Report = Callable[[RunnerReport], None]


class Follower:
    """Runs ``names`` (default: every projection) of ``store`` until
    ``stop`` is set. Exceptions (a lost connection) end it, locks released."""

    def __init__(
        self,
        store: Store,
        names: Sequence[str] | None = None,
        *,
        batch_size: int = 1000,
        report: Report | None = None,
    ) -> None:
        self.store = store
        self.names = tuple(p.name for p in store.projections.select(names))
        self.batch_size = check_int(batch_size, "batch_size", minimum=1)
        self._report = report or (lambda _: None)
        self.position = 0

    def run(self, stop: threading.Event) -> int:
        """Follow until ``stop`` is set; return the position reached."""
        if self.store.config.backend == "postgresql":
            self._run_on_postgres(stop)
        else:
            self._run_on_sqlite(stop)
        self._tell("stopped")
        return self.position

    def _run_on_postgres(self, stop: threading.Event) -> None:
        import psycopg
        from psycopg import sql

        config = self.store.config
        timeout = max(1, round(config.connect_timeout))
        dsn = libpq_dsn(config)
        with psycopg.connect(dsn, autocommit=True, connect_timeout=timeout) as conn:
            if not self._locked(AdvisoryRunnerLocks(conn, self.names), stop):
                return
            events = self.store.events_channel()
            conn.execute(sql.SQL("LISTEN {}").format(sql.Identifier(events)))
            runner = self._runner(announcer(projected_channel(events)))
            self._catch_up(runner, stop)
            last = time.monotonic()
            while not stop.is_set():
                woken = _notified(conn, IDLE_WAKE_S)
                if woken:
                    _drain(conn)  # those queued meanwhile: one catch-up serves all
                if woken or time.monotonic() - last >= SAFETY_S:
                    self._catch_up(runner, stop)
                    last = time.monotonic()

    def _run_on_sqlite(self, stop: threading.Event) -> None:
        locks = FileRunnerLocks(self.store.config.sqlite_path, self.names)
        try:
            if not self._locked(locks, stop):
                return
            runner = self._runner(None)
            seen = -1
            while not stop.is_set():
                head = runner.head()
                if head != seen:
                    self._catch_up(runner, stop)
                    seen = head
                time.sleep(SQLITE_POLL_S)
        finally:
            locks.release()

    def _locked(self, locks: RunnerLocks, stop: threading.Event) -> bool:
        if locks.try_all():
            return True
        self._tell("waiting")
        return acquire(locks, stop)

    def _runner(
        self, after_step: Callable[[Any, int], None] | None
    ) -> ProjectionRunner:
        runner = self.store.projection_runner(
            self.names, batch_size=self.batch_size, after_step=after_step
        )
        self.position = _position(runner)
        self._tell("running")
        return runner

    def _catch_up(self, runner: ProjectionRunner, stop: threading.Event) -> None:
        runner.catch_up(to_head=True, stopping=stop.is_set)
        self.position = _position(runner)

    def _tell(self, kind: str) -> None:
        self._report(RunnerReport(kind, self.names, self.position))


def _position(runner: ProjectionRunner) -> int:
    states = runner.states()
    return min(states[p.tracking_name].position for p in runner.projections)


def _notified(conn: Any, seconds: float) -> bool:
    """Whether a notification came within ``seconds`` (returns at the first)."""
    return any(True for _ in conn.notifies(timeout=seconds, stop_after=1))


def _drain(conn: Any) -> None:
    for _ in conn.notifies(timeout=0):
        pass
