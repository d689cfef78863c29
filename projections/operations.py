"""Operating projections: status and lag, atomic rebuild, verify, resume.

A rebuild streams the whole log, in batches and through the same handlers as
live processing, into shadow tables (``<table>__rebuild``) with their own
tracking row; readers keep using the old tables meanwhile and writes keep being
projected into them. At the end, one transaction catches the shadow up to the
head and swaps it in. A crash mid-rebuild leaves the old tables serving; the
next rebuild drops the leftovers and starts clean.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from boternity_store.domain.errors import InvalidInput, StoreError

from . import shadow_tables
from .compare import ProjectionDifference, differences
from .projection import FAILED, LIVE, REBUILDING, Positioned, Projection
from .status import ProjectionFailure, ProjectionStatus

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from .engine import ProjectionRunner

REBUILD_SUFFIX, VERIFY_SUFFIX = "__rebuild", "__verify"
Progress = Callable[[int, int], None]


class RebuildFailed(StoreError):
    """Raised when a handler fails during a rebuild; the old tables stay in use."""


class ProjectionOperations:
    def __init__(self, runner: ProjectionRunner, *, batch_size: int = 2000) -> None:
        self.runner = runner
        self.batch_size = batch_size

    def status(self) -> list[ProjectionStatus]:
        states = self.runner.states()
        head = self.runner.event_log.head()
        report = []
        for projection in self.runner.projections:
            state = states[projection.tracking_name]
            rebuilding = (
                projection.name + REBUILD_SUFFIX in states
                or state.version != projection.version
            )
            failed = state.state == FAILED
            report.append(
                ProjectionStatus(
                    name=projection.name,
                    version=state.version,
                    position=state.position,
                    head=head,
                    lag=max(0, head - state.position),
                    state="failed"
                    if failed
                    else "rebuilding"
                    if rebuilding
                    else "live",
                    error=ProjectionFailure(
                        position=state.error_position or 0, message=state.error or ""
                    )
                    if failed
                    else None,
                )
            )
        return report

    def rebuild(
        self, names: Sequence[str] | None = None, progress: Progress | None = None
    ) -> None:
        """Rebuild projections from the first event and swap them in atomically."""
        live = self.select(names)
        shadows = [p.shadow(REBUILD_SUFFIX) for p in live]
        try:
            self._build(shadows, progress)
            with self.runner.lock, self.runner.engine.begin() as conn:
                self._catch_up(conn, shadows)
                for shadow, projection in zip(shadows, live, strict=True):
                    shadow_tables.swap_in(conn, shadow, projection)
                    self.runner.tracking_rows.adopt(
                        conn,
                        shadow.tracking_name,
                        projection.tracking_name,
                        projection.version,
                    )
        except BaseException:
            self._discard(shadows)
            raise

    def verify(self, names: Sequence[str] | None = None) -> list[ProjectionDifference]:
        """Build a fresh copy from the log and compare it row by row with the live
        tables; an empty list means they are in sync."""
        live = self.select(names)
        fresh = [p.shadow(VERIFY_SUFFIX) for p in live]
        try:
            self._build(fresh, None)
            with self.runner.lock, self.runner.engine.begin() as conn:
                self._catch_up(conn, fresh + self._live_only(conn, live))
                found = []
                for projection, copy in zip(live, fresh, strict=True):
                    found += differences(conn, projection, copy)
                return found
        finally:
            self._discard(fresh)

    def resume(self, names: Sequence[str] | None = None) -> None:
        """Put failed projections back to live and retry from where they stopped."""
        with self.runner.engine.begin() as conn:
            states = self.runner.states(conn)
            for projection in self.select(names):
                if states[projection.tracking_name].state == FAILED:
                    self.runner.set_state(conn, projection.tracking_name, LIVE)
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

    def _build(self, shadows: list[Projection], progress: Progress | None) -> None:
        runner = self.runner
        with runner.engine.begin() as conn:
            for shadow in shadows:
                shadow_tables.recreate(conn, shadow)
                runner.reset_tracking(conn, shadow, state=REBUILDING)
        position, target = 0, runner.event_log.head()
        # Stream up to the head seen at the start, then chase what was written
        # meanwhile until the rest is small enough to finish inside the swap.
        while target - position > self.batch_size or position == 0:
            position = self._stream(shadows, position, target, progress)
            new_target = runner.event_log.head()
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
        runner = self.runner
        while position < target:
            batch = runner.event_log.read(
                after=position, limit=min(self.batch_size, target - position)
            )
            if not batch:
                break
            with runner.engine.begin() as conn:
                self._apply(conn, shadows, batch)
            position = batch[-1][0]
            if progress is not None:
                progress(position, max(target, position))
        return position

    def _catch_up(self, conn: Connection, projections: list[Projection]) -> None:
        """Inside the swap's transaction: apply whatever was appended meanwhile."""
        position = (
            min(self.runner.states(conn)[p.tracking_name].position for p in projections)
            if projections
            else 0
        )
        while batch := self.runner.event_log.read(
            after=position, limit=self.batch_size
        ):
            self._apply(conn, projections, batch)
            position = batch[-1][0]

    def _apply(
        self,
        conn: Connection,
        projections: list[Projection],
        batch: Sequence[Positioned],
    ) -> None:
        self.runner.apply_batch(conn, projections, batch)
        states = self.runner.states(conn)
        for projection in projections:
            state = states[projection.tracking_name]
            if state.state == FAILED:
                raise RebuildFailed(
                    f"projection {projection.name} failed at event "
                    f"{state.error_position}: {state.error}"
                )

    def _live_only(
        self, conn: Connection, projections: list[Projection]
    ) -> list[Projection]:
        states = self.runner.states(conn)
        return [p for p in projections if states[p.tracking_name].state == LIVE]

    def _discard(self, shadows: list[Projection]) -> None:
        with self.runner.engine.begin() as conn:
            for shadow in shadows:
                shadow_tables.drop(conn, shadow)
                self.runner.tracking_rows.delete(conn, shadow.tracking_name)
