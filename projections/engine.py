"""The projection runner: feeds projections the notification log in order and
commits each projection's view rows together with its tracking position, so every
event is applied exactly once."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import exc

from .projection import FAILED, LIVE, EventLog, Positioned, Projection
from .tracking import TrackingRows, TrackingState
from .view import View

if TYPE_CHECKING:
    from sqlalchemy import Connection, Engine

log = logging.getLogger("boternity_store.projections")


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
        self.engine = engine
        self.event_log = event_log
        self.projections = list(projections)
        self.batch_size = batch_size
        self.now = now
        self.tracking_rows = TrackingRows(now)
        self.lock = threading.RLock()
        self._route_cache: dict[
            tuple[str, ...], dict[type, list[tuple[Projection, Any, str]]]
        ] = {}

    def catch_up(
        self, recent: Sequence[Positioned] = (), *, to_head: bool = False
    ) -> None:
        """Project new events: those in ``recent`` (just appended by this process,
        already decoded) and everything before them; with ``to_head`` (or no
        ``recent``), everything up to the head of the log."""
        target = recent[-1][0] if recent and not to_head else None
        with self.lock:
            while True:
                reached = self._step(recent)
                if reached is None or (target is not None and reached >= target):
                    return
                recent = ()

    def apply_appended(
        self,
        conn: Connection,
        recent: Sequence[Positioned],
        states: dict[str, TrackingState] | None = None,
    ) -> dict[str, TrackingState] | None:
        """Inside the transaction that appended ``recent`` (holding ``lock``):
        project it, if every live projection stands right before it, and return
        the tracking states as they will be once it commits. Return None, having
        done nothing, if one does not: the caller catches up after its commit.
        ``states``: the tracking states, if the caller knows them unchanged."""
        if states is None:
            states = self.states(conn)
        live = [p for p in self.projections if self._is_live(p, states)]
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

    def _step(self, recent: Sequence[Positioned]) -> int | None:
        """One transaction: apply the next batch to every live projection. If a
        handler raises, the transaction rolls back and the batch is applied again
        projection by projection, so the poison event stops only its projection."""
        try:
            with self.engine.begin() as conn:
                return self._step_in(conn, recent, together=True)
        except exc.OperationalError:
            raise
        except Exception:
            with self.engine.begin() as conn:
                return self._step_in(conn, recent, together=False)

    def _step_in(
        self, conn: Connection, recent: Sequence[Positioned], *, together: bool
    ) -> int | None:
        states = self.states(conn)
        live = [p for p in self.projections if self._is_live(p, states)]
        if not live:
            return None
        start = min(states[p.tracking_name].position for p in live)
        batch = self._batch_after(start, recent)
        if not batch:
            return None
        if together:
            self._apply_together(conn, live, states, batch)
        else:
            for projection in live:
                self.apply_new(conn, projection, batch)
        return batch[-1][0]

    def apply_batch(
        self,
        conn: Connection,
        projections: list[Projection],
        batch: Sequence[Positioned],
    ) -> None:
        """Apply ``batch`` to ``projections`` inside ``conn``'s transaction: all in
        one pass; if a handler raises, again projection by projection, so only
        the poisoned projection stops."""
        states = self.states(conn)
        try:
            with conn.begin_nested():
                self._apply_together(conn, projections, states, batch)
        except exc.OperationalError:
            raise
        except Exception:
            for projection in projections:
                self.apply_new(conn, projection, batch)

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
            self.tracking_rows.move(conn, moved, last)
        return list(moved)

    def _routes(
        self, live: list[Projection]
    ) -> dict[type, list[tuple[Projection, Any, str]]]:
        """Per event type, the live projections that handle it (most handle few
        types); kept per set of live projections."""
        key = tuple(p.tracking_name for p in live)
        routes = self._route_cache.get(key)
        if routes is None:
            routes = self._route_cache[key] = {}
        return routes

    @staticmethod
    def _is_live(projection: Projection, states: dict[str, TrackingState]) -> bool:
        state = states.get(projection.tracking_name)
        return (
            state is not None
            and state.state == LIVE
            and state.version == projection.version
        )

    def _batch_after(
        self, start: int, recent: Sequence[Positioned]
    ) -> Sequence[Positioned]:
        if recent and recent[0][0] == start + 1:
            return recent
        return self.event_log.read(after=start, limit=self.batch_size)

    def apply_new(
        self, conn: Connection, projection: Projection, batch: Sequence[Positioned]
    ) -> int:
        """Apply the events of ``batch`` that ``projection`` has not seen yet (its
        position is read under the transaction's lock); return its new position."""
        position = self.tracking_rows.locked_position(conn, projection.tracking_name)
        todo = [item for item in batch if item[0] > position]
        if todo:
            self.apply(conn, projection, todo)
        return self.tracking_rows.locked_position(conn, projection.tracking_name)

    def apply(
        self, conn: Connection, projection: Projection, todo: Sequence[Positioned]
    ) -> None:
        """Apply ``todo`` to ``projection`` inside ``conn``'s transaction and move its
        position. A handler that raises marks the projection failed at that event;
        the events before it are kept, nothing of the failing event is."""
        try:
            with conn.begin_nested():
                self._apply_all(conn, projection, todo)
        except exc.OperationalError:
            raise
        except Exception:
            self._apply_one_by_one(conn, projection, todo)

    def _apply_all(
        self, conn: Connection, projection: Projection, todo: Sequence[Positioned]
    ) -> None:
        view = View(conn)
        for position, event in todo:
            handler = projection.handler_for(type(event))
            if handler is not None:
                view.position = position
                handler(projection, event, view)
        view.flush()
        self.tracking_rows.set_position(conn, projection.tracking_name, todo[-1][0])

    def _apply_one_by_one(
        self, conn: Connection, projection: Projection, todo: Sequence[Positioned]
    ) -> None:
        for item in todo:
            try:
                with conn.begin_nested():
                    self._apply_all(conn, projection, [item])
            except exc.OperationalError:
                raise
            except Exception as error:
                self._record_failure(conn, projection, item, error)
                return

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
        name = projection.tracking_name
        self.tracking_rows.mark_failed(conn, name, position, message)

    def ensure_schema(self) -> list[Projection]:
        """Create missing read tables and tracking rows (position 0), put failed
        projections back to live (a fixed handler resumes where it stopped), and
        return the projections whose stored schema version differs from the code's."""
        stale = []
        with self.engine.begin() as conn:
            self.tracking_rows.create(conn)
            known = self.states(conn)
            for projection in self.projections:
                state = known.get(projection.tracking_name)
                if state is not None and state.version != projection.version:
                    stale.append(projection)
                    continue
                projection.metadata.create_all(conn, tables=projection.tables)
                if state is None:
                    self.reset_tracking(conn, projection, state=LIVE)
                elif state.state == FAILED:
                    self.set_state(conn, projection.tracking_name, LIVE)
        return stale

    def reset_tracking(
        self, conn: Connection, projection: Projection, state: str
    ) -> None:
        self.tracking_rows.reset(
            conn, projection.tracking_name, projection.version, state
        )

    def set_state(self, conn: Connection, tracking_name: str, state: str) -> None:
        self.tracking_rows.set_state(conn, tracking_name, state)

    def states(self, conn: Connection | None = None) -> dict[str, TrackingState]:
        if conn is None:
            with self.engine.connect() as c:
                return self.tracking_rows.states(c)
        return self.tracking_rows.states(conn)
