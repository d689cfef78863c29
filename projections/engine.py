"""The projection runner: feeds projections the notification log in order and
commits each projection's view rows together with its tracking position, so every
event is applied exactly once, by any number of processes.

Every path (appends, catch-up, rebuild, verify) goes through one guarded apply,
:meth:`ProjectionRunner.apply`: all projections in one pass; if a handler
raises, again projection by projection and then event by event, so a poison
event stops only its own projection. Positions are read under the tracking
rows' lock (``FOR UPDATE`` on PostgreSQL; SQLite's write lock) and only move
forward, so two processes catching up at once never apply an event twice.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from functools import partial
from typing import TYPE_CHECKING, Any, TypeVar

from .projection import FAILED, LIVE, EventLog, Positioned, Projection
from .tracking import TrackingRows, TrackingState
from .transient import is_transient, retry_transient
from .view import View

if TYPE_CHECKING:
    from sqlalchemy import Connection, Engine

log = logging.getLogger("boternity_store.projections")
T = TypeVar("T")
Route = list[tuple[Projection, Any, str]]


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
    ) -> None:
        self._engine = engine
        self._log = event_log
        self.projections = list(projections)
        self.batch_size = batch_size
        self.tracking = TrackingRows(now)
        self.lock = threading.RLock()
        self._route_cache: dict[tuple[str, ...], dict[type, Route]] = {}

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
        self, recent: Sequence[Positioned] = (), *, to_head: bool = False
    ) -> None:
        """Project new events: those in ``recent`` (just appended by this process,
        already decoded) and everything before them; with ``to_head`` (or no
        ``recent``), everything up to the head of the log."""
        target = recent[-1][0] if recent and not to_head else None
        with self.lock:
            while True:
                reached = self.transact(partial(self._step, recent=recent))
                if reached is None or (target is not None and reached >= target):
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
        return batch[-1][0]

    def apply_appended(
        self,
        conn: Connection,
        recent: Sequence[Positioned],
        states: dict[str, TrackingState] | None = None,
    ) -> dict[str, TrackingState] | None:
        """Inside the transaction that appended ``recent`` (holding ``lock``):
        project it in one unguarded pass, if every live projection stands right
        before it, and return the tracking states as they will be once it
        commits. Return None, having done nothing, if one does not: the caller
        catches up after its commit. A handler that raises propagates: the
        caller rolls back and records the events alone, and its catch-up goes
        through the guarded :meth:`apply`. ``states``: the tracking states, if
        the caller knows them unchanged."""
        if states is None:
            states = self.tracking.states(conn, lock=True)
        live = self.live(states)
        before = recent[0][0] - 1
        if any(states[p.tracking_name].position != before for p in live):
            return None
        if not live:
            return states
        moved = self._apply_together(conn, live, states, recent)
        last = recent[-1][0]
        return {
            name: state._replace(position=last) if name in moved else state
            for name, state in states.items()
        }

    # The one guarded apply.

    def apply(
        self,
        conn: Connection,
        projections: list[Projection],
        batch: Sequence[Positioned],
        states: dict[str, TrackingState] | None = None,
    ) -> None:
        """Apply ``batch`` to ``projections`` inside ``conn``'s transaction, each
        from the position its tracking row holds: all in one pass; if a handler
        raises, projection by projection, then event by event, so the poison
        event marks only its projection failed (the events before it are kept).
        A transient database fault propagates: the caller retries the whole
        transaction, and nothing is recorded as a poison event."""
        if states is None:
            states = self.tracking.states(conn, lock=True)
        if self._guarded(conn, projections, states, batch) is None:
            return
        for projection in projections:
            name = projection.tracking_name
            state = states[name]._replace(
                position=self.tracking.locked_position(conn, name)
            )
            if self._guarded(conn, [projection], {name: state}, batch) is None:
                continue
            for item in batch:
                if item[0] <= state.position:
                    continue
                error = self._guarded(conn, [projection], {name: state}, [item])
                if error is not None:
                    self._record_failure(conn, projection, item, error)
                    break
                state = state._replace(position=item[0])

    def _guarded(
        self,
        conn: Connection,
        projections: list[Projection],
        states: dict[str, TrackingState],
        batch: Sequence[Positioned],
    ) -> Exception | None:
        """One pass in a savepoint: None, or what a handler raised (rolled back)."""
        try:
            with conn.begin_nested():
                self._apply_together(conn, projections, states, batch)
        except Exception as error:
            if is_transient(error):
                raise
            return error
        return None

    def _apply_together(
        self,
        conn: Connection,
        live: list[Projection],
        states: dict[str, TrackingState],
        batch: Sequence[Positioned],
    ) -> list[str]:
        """The fast path: every projection in one pass, one flush per table, one
        tracking update for the projections that moved; returns their names."""
        seen = {p.tracking_name: states[p.tracking_name].position for p in live}
        routes = self._routes(live)
        views: dict[str, View] = {}
        for position, event in batch:
            route = routes.get(type(event))
            if route is None:
                route = routes[type(event)] = [
                    (projection, handler, projection.tracking_name)
                    for projection in live
                    if (handler := projection.handler_for(type(event))) is not None
                ]
            for projection, handler, name in route:
                if position > seen[name]:
                    view = views.get(name)
                    if view is None:
                        view = views[name] = View(conn)
                    view.position = position
                    handler(projection, event, view)
        for view in views.values():
            view.flush()
        last = batch[-1][0]
        moved = tuple(name for name, position in seen.items() if last > position)
        if moved:
            self.tracking.move(conn, moved, last)
        return list(moved)

    def _routes(self, live: list[Projection]) -> dict[type, Route]:
        """Per event type, the live projections that handle it (most handle few
        types); kept per set of live projections."""
        key = tuple(p.tracking_name for p in live)
        routes = self._route_cache.get(key)
        if routes is None:
            routes = self._route_cache[key] = {}
        return routes

    def live(self, states: dict[str, TrackingState]) -> list[Projection]:
        """The projections that are live at the code's schema version."""
        return [
            p
            for p in self.projections
            if (state := states.get(p.tracking_name)) is not None
            and state.state == LIVE
            and state.version == p.version
        ]

    def _record_failure(
        self,
        conn: Connection,
        projection: Projection,
        item: Positioned,
        error: Exception,
    ) -> None:
        position, event = item
        message = f"{type(error).__name__}: {error}"
        log.error(
            "projection %s failed at event %d (%s): %s",
            projection.tracking_name,
            position,
            type(event).__qualname__,
            message,
        )
        self.tracking.mark_failed(conn, projection.tracking_name, position, message)

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
