"""The one guarded apply: how a batch of events reaches the projections.

All projections in one pass; if a handler raises, again projection by
projection, then event by event, so a poison event marks only its own
projection failed and the events before it are kept. A transient database
fault propagates unchanged: the caller retries the whole transaction, and
nothing is recorded as a poison event (:mod:`.transient`).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from boternity_store.projections.engine.transient import is_transient
from boternity_store.projections.engine.view import View

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from boternity_store.projections.engine.projection import Positioned, Projection
    from boternity_store.projections.engine.tracking import TrackingRows, TrackingState

log = logging.getLogger("boternity_store.projections")
Route = list[tuple["Projection", Any, str]]


class Applier:
    def __init__(self, tracking: TrackingRows) -> None:
        self.tracking = tracking
        self._route_cache: dict[tuple[str, ...], dict[type, Route]] = {}

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
                self.apply_together(conn, projections, states, batch)
        except Exception as error:
            if is_transient(error):
                raise
            return error
        return None

    def apply_together(
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
