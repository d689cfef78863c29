"""Operating projections: status and lag, atomic rebuild, verify, resume.

A rebuild streams the whole log, in batches and through the same guarded apply
as live processing, into shadow tables (``<table>__rebuild``) with their own
tracking row; readers keep using the old tables meanwhile and writes keep being
projected into them. At the end, one transaction catches the shadow up to the
head and swaps it in. A crash mid-rebuild leaves the old tables serving and the
shadow's leftovers, which status reports as an abandoned rebuild and the next
rebuild drops. One rebuild or verify runs at a time per store
(:class:`~.operation_lock.OperationLock`); a second one waits.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
from typing import TYPE_CHECKING

from boternity_store.domain.errors import InvalidInput, ReadOnlyStore, StoreError
from boternity_store.projections.engine import shadow_tables
from boternity_store.projections.engine.compare import ProjectionDifference, differences
from boternity_store.projections.engine.operation_lock import OperationLock, ThreadLock
from boternity_store.projections.engine.projection import (
    FAILED,
    LIVE,
    REBUILDING,
    Positioned,
    Projection,
)
from boternity_store.projections.engine.status import (
    ProjectionFailure,
    ProjectionStatus,
)

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from boternity_store.projections.engine.runner import ProjectionRunner
    from boternity_store.projections.engine.tracking import TrackingState

REBUILD_SUFFIX, VERIFY_SUFFIX = "__rebuild", "__verify"
Progress = Callable[[int, int], None]


class RebuildFailed(StoreError):
    """Raised when a handler fails during a rebuild; the old tables stay in use."""


class ProjectionOperations:
    """``store.projections``: status, rebuild, verify and resume of the read
    tables."""

    def __init__(
        self,
        runner: ProjectionRunner,
        *,
        lock: OperationLock | None = None,
        read_only: bool = False,
        batch_size: int = 2000,
    ) -> None:
        self.runner = runner
        self.lock = lock or ThreadLock()
        self.read_only = read_only
        self.batch_size = batch_size

    def status(self) -> list[ProjectionStatus]:
        """Each projection's version, position, the log's head, lag and state."""
        states = self.runner.states()
        head = self.runner.head()
        running = self.lock.busy()
        return [
            _status(p, states, head, rebuild_running=running)
            for p in self.runner.projections
        ]

    def rebuild(
        self, names: Sequence[str] | None = None, progress: Progress | None = None
    ) -> None:
        """Rebuild projections from the first event and swap them in atomically."""
        live = self._writable(names)
        with self.lock.hold():
            shadows = [p.shadow(REBUILD_SUFFIX) for p in live]
            try:
                self._build(shadows, progress)
                with self.runner.lock:
                    self.runner.transact(lambda conn: self._swap(conn, shadows, live))
            except BaseException:
                self._discard(shadows)
                raise

    def _swap(
        self, conn: Connection, shadows: list[Projection], live: list[Projection]
    ) -> None:
        self._catch_up(conn, shadows)
        for shadow, projection in zip(shadows, live, strict=True):
            shadow_tables.swap_in(conn, shadow, projection)
            self.runner.adopt_tracking(conn, shadow, projection)

    def verify(
        self, names: Sequence[str] | None = None, progress: Progress | None = None
    ) -> list[ProjectionDifference]:
        """Build a fresh copy from the log and compare it row by row with the live
        tables; an empty list means they are in sync. ``progress(position,
        head)`` as the fresh copy is built."""
        live = self._writable(names)
        with self.lock.hold():
            fresh = [p.shadow(VERIFY_SUFFIX) for p in live]
            try:
                self._build(fresh, progress)
                with self.runner.lock:
                    return self.runner.transact(
                        lambda conn: self._compare(conn, live, fresh)
                    )
            finally:
                self._discard(fresh)

    def _compare(
        self, conn: Connection, live: list[Projection], fresh: list[Projection]
    ) -> list[ProjectionDifference]:
        states = self.runner.states(conn, lock=True)
        self._catch_up(conn, fresh + [p for p in live if _is(states, p, LIVE)])
        found = []
        for projection, copy in zip(live, fresh, strict=True):
            found += differences(conn, projection, copy)
        return found

    def resume(self, names: Sequence[str] | None = None) -> None:
        """Put failed projections back to live and retry from where they stopped."""
        selected = self._writable(names)

        def revive(conn: Connection) -> None:
            states = self.runner.states(conn, lock=True)
            for projection in selected:
                if _is(states, projection, FAILED):
                    self.runner.revive(conn, projection)

        self.runner.transact(revive)
        self.runner.catch_up()

    def select(self, names: Sequence[str] | None) -> list[Projection]:
        """The named projections (all when ``names`` is empty); InvalidInput for
        an unknown name."""
        known = {p.name: p for p in self.runner.projections}
        if names is None or len(names) == 0:
            return list(known.values())
        unknown = [n for n in names if n not in known]
        if unknown:
            raise InvalidInput(
                f"unknown projection(s) {unknown}; known: {sorted(known)}"
            )
        return [known[n] for n in dict.fromkeys(names)]

    def _writable(self, names: Sequence[str] | None) -> list[Projection]:
        selected = self.select(names)
        if self.read_only:
            raise ReadOnlyStore("the store was opened read-only")
        return selected

    def _build(self, shadows: list[Projection], progress: Progress | None) -> None:
        def recreate(conn: Connection) -> None:
            for shadow in shadows:
                shadow_tables.recreate(conn, shadow)
                self.runner.reset_tracking(conn, shadow, state=REBUILDING)

        self.runner.transact(recreate)
        position, target = 0, self.runner.head()
        # Stream up to the head seen at the start, then chase what was written
        # meanwhile until the rest is small enough to finish inside the swap.
        while target - position > self.batch_size or position == 0:
            position = self._stream(shadows, position, target, progress)
            new_target = self.runner.head()
            if new_target == target:
                break
            target = new_target

    def _stream(
        self,
        shadows: list[Projection],
        position: int,
        target: int,
        progress: Progress | None,
    ) -> int:
        while position < target:
            batch = self.runner.read(
                after=position, limit=min(self.batch_size, target - position)
            )
            if not batch:
                break
            self.runner.transact(partial(self._apply, projections=shadows, batch=batch))
            position = batch[-1][0]
            if progress is not None:
                progress(position, max(target, position))
        return position

    def _catch_up(self, conn: Connection, projections: list[Projection]) -> None:
        """Inside the swap's transaction: apply whatever was appended meanwhile."""
        states = self.runner.states(conn, lock=True)
        position = min(
            (states[p.tracking_name].position for p in projections), default=0
        )
        while batch := self.runner.read(after=position, limit=self.batch_size):
            self._apply(conn, projections=projections, batch=batch)
            position = batch[-1][0]

    def _apply(
        self,
        conn: Connection,
        *,
        projections: list[Projection],
        batch: Sequence[Positioned],
    ) -> None:
        self.runner.apply(conn, projections, batch)
        states = self.runner.states(conn)
        for projection in projections:
            state = states[projection.tracking_name]
            if state.state == FAILED:
                raise RebuildFailed(
                    f"projection {projection.name} failed at event "
                    f"{state.error_position}: {state.error}"
                )

    def _discard(self, shadows: list[Projection]) -> None:
        def drop(conn: Connection) -> None:
            for shadow in shadows:
                shadow_tables.drop(conn, shadow)
                self.runner.drop_tracking(conn, shadow)

        self.runner.transact(drop)


def _is(states: dict[str, TrackingState], projection: Projection, state: str) -> bool:
    return states[projection.tracking_name].state == state


def _status(
    projection: Projection,
    states: dict[str, TrackingState],
    head: int,
    *,
    rebuild_running: bool,
) -> ProjectionStatus:
    state = states[projection.tracking_name]
    leftovers = projection.name + REBUILD_SUFFIX in states
    rebuilding = (leftovers and rebuild_running) or state.version != projection.version
    failed = state.state == FAILED
    return ProjectionStatus(
        name=projection.name,
        version=state.version,
        position=state.position,
        head=head,
        lag=max(0, head - state.position),
        state="failed" if failed else "rebuilding" if rebuilding else "live",
        error=ProjectionFailure(
            position=state.error_position or 0, message=state.error or ""
        )
        if failed
        else None,
        abandoned_rebuild=leftovers and not rebuild_running,
    )
