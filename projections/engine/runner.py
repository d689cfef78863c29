"""The projection runner: feeds projections the notification log in order and
commits each projection's view rows together with its tracking position, so every
event is applied exactly once, by any number of processes.

Every path (appends, catch-up, rebuild, verify) goes through one guarded apply
(:mod:`.applier`). Positions are read under the tracking
rows' lock (``FOR UPDATE`` on PostgreSQL; SQLite's write lock) and only move
forward, so two processes catching up at once never apply an event twice.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from functools import partial
from typing import TYPE_CHECKING, TypeVar

from boternity_store.projections.engine.applier import Applier
from boternity_store.projections.engine.projection import (
    FAILED,
    LIVE,
    EventLog,
    Positioned,
    Projection,
)
from boternity_store.projections.engine.tracking import TrackingRows, TrackingState
from boternity_store.projections.engine.transient import retry_transient

if TYPE_CHECKING:
    from sqlalchemy import Connection, Engine

T = TypeVar("T")


class ProjectionRunner:
    """Applies new events to every live projection, in log order, exactly once."""

    def __init__(
        self,
        engine: Engine,
        event_log: EventLog,
        projections: Sequence[Projection],
        *,
        batch_size: int = 1000,
        now: Callable[[], str],
        after_step: Callable[[Connection, int], None] | None = None,
    ) -> None:
        self._engine = engine
        self._log = event_log
        self.projections = list(projections)
        self.batch_size = batch_size
        self.tracking = TrackingRows(now)
        self.lock = threading.RLock()
        self._applier = Applier(self.tracking)
        self.apply = self._applier.apply
        # Inside each catch-up step's transaction, once its batch is applied:
        # (the connection, the position reached); a runner announces it here.
        self._after_step = after_step

    # The log and transactions, for operations (rebuild, verify, status).

    def read(self, after: int, limit: int) -> Sequence[Positioned]:
        return self._log.read(after=after, limit=limit)

    def head(self) -> int:
        return self._log.head()

    def transact(self, work: Callable[[Connection], T]) -> T:
        """Run ``work`` in one transaction, again after a transient fault."""

        def attempt() -> T:
            with self._engine.begin() as conn:
                return work(conn)

        return retry_transient(attempt)

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        with self._engine.begin() as conn:
            yield conn

    def states(
        self, conn: Connection | None = None, *, lock: bool = False
    ) -> dict[str, TrackingState]:
        """The tracking rows; with ``lock`` (inside ``conn``'s transaction), locked
        until it ends, so that no other process moves them meanwhile."""
        if conn is None:
            with self._engine.connect() as c:
                return self.tracking.states(c)
        return self.tracking.states(conn, lock=lock)

    # Live processing.

    def catch_up(
        self,
        recent: Sequence[Positioned] = (),
        *,
        to_head: bool = False,
        progress: Callable[[int, int], None] | None = None,
        stopping: Callable[[], bool] | None = None,
    ) -> None:
        """Project new events: those in ``recent`` (just appended by this process,
        already decoded) and everything before them; with ``to_head`` (or no
        ``recent``), everything up to the head of the log. ``progress(position,
        head)`` after each batch (``head`` as read when the catch-up began).
        ``stopping()``, asked after each batch: True ends the catch-up there."""
        target = recent[-1][0] if recent and not to_head else None
        head = self.head() if progress is not None else 0
        with self.lock:
            while True:
                reached = self.transact(partial(self._step, recent=recent))
                if progress is not None and reached is not None:
                    progress(reached, max(head, reached))
                if reached is None or (target is not None and reached >= target):
                    return
                if stopping is not None and stopping():
                    return
                recent = ()

    def _step(self, conn: Connection, *, recent: Sequence[Positioned]) -> int | None:
        states = self.tracking.states(conn, lock=True)
        live = self.live(states)
        if not live:
            return None
        start = min(states[p.tracking_name].position for p in live)
        if recent and recent[0][0] == start + 1:
            batch = recent
        else:
            batch = self._log.read(after=start, limit=self.batch_size)
        if not batch:
            return None
        self.apply(conn, live, batch, states)
        if self._after_step is not None:
            self._after_step(conn, batch[-1][0])
        return batch[-1][0]

    def apply_appended(
        self,
        conn: Connection,
        recent: Sequence[Positioned],
        states: dict[str, TrackingState] | None = None,
    ) -> dict[str, TrackingState] | None:
        """Inside the transaction that appended ``recent`` (holding ``lock``, and
        the log's write lock, so every event before it is committed): project
        it in one unguarded pass, if every live projection stands right before
        it, and return the tracking states as they will be once it commits.
        Return None, having done nothing, if one does not: the caller catches
        up after its commit. A handler that raises propagates: the caller rolls
        back and records the events alone, and its catch-up goes through the
        guarded :meth:`apply`. ``states``: the tracking states, if the caller
        knows them unchanged."""
        if states is None:
            states = self.tracking.states(conn, lock=True)
        live = self.live(states)
        if not live:
            return states
        if not self._right_before(live, states, recent[0][0]):
            return None
        moved = self._applier.apply_together(conn, live, states, recent)
        last = recent[-1][0]
        return {
            name: state._replace(position=last) if name in moved else state
            for name, state in states.items()
        }

    def _right_before(
        self, live: list[Projection], states: dict[str, TrackingState], first: int
    ) -> bool:
        """Whether every live projection has applied every event before
        position ``first``: all stand at ``first - 1``, or at one position
        after which the log holds no committed event (PostgreSQL skips the ids
        that inserts which rolled back had drawn)."""
        positions = {states[p.tracking_name].position for p in live}
        if len(positions) != 1:
            return False
        (position,) = positions
        if position == first - 1:
            return True
        return position < first and not self._log.read(after=position, limit=1)

    def live(self, states: dict[str, TrackingState]) -> list[Projection]:
        """The projections that are live at the code's schema version."""
        return [
            p
            for p in self.projections
            if (state := states.get(p.tracking_name)) is not None
            and state.state == LIVE
            and state.version == p.version
        ]

    # Schema.

    def ensure_schema(self) -> list[Projection]:
        """Create missing read tables and tracking rows (position 0), put failed
        projections back to live (a fixed handler resumes where it stopped), and
        return the projections whose stored schema version differs from the code's."""
        stale = []
        with self._engine.begin() as conn:
            self.tracking.create(conn)
            known = self.tracking.states(conn)
            for projection in self.projections:
                state = known.get(projection.tracking_name)
                if state is not None and state.version != projection.version:
                    stale.append(projection)
                    continue
                projection.metadata.create_all(conn, tables=projection.tables)
                if state is None:
                    self.reset_tracking(conn, projection, state=LIVE)
                elif state.state == FAILED:
                    self.revive(conn, projection)
        return stale

    def reset_tracking(
        self, conn: Connection, projection: Projection, state: str
    ) -> None:
        self.tracking.reset(conn, projection.tracking_name, projection.version, state)

    def adopt_tracking(
        self, conn: Connection, shadow: Projection, projection: Projection
    ) -> None:
        """After a swap: the shadow's tracking row becomes the projection's."""
        self.tracking.adopt(
            conn, shadow.tracking_name, projection.tracking_name, projection.version
        )

    def drop_tracking(self, conn: Connection, projection: Projection) -> None:
        self.tracking.delete(conn, projection.tracking_name)

    def revive(self, conn: Connection, projection: Projection) -> None:
        """A failed projection is live again: it resumes at the failed event."""
        self.tracking.set_state(conn, projection.tracking_name, LIVE)
