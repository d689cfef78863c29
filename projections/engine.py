"""The projection engine: projections declare tables and handlers; the runner
feeds them the notification log in order and commits each projection's view rows
together with its tracking position, so every event is applied exactly once."""

from __future__ import annotations

import logging
import threading
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from functools import singledispatchmethod
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

from sqlalchemy import ForeignKeyConstraint, MetaData, Table, exc, select

from .tracking import TrackingState, tracking_table
from .view import View

if TYPE_CHECKING:
    from sqlalchemy import Connection, Engine

log = logging.getLogger("boternity_store.projections")

LIVE, REBUILDING, FAILED = "live", "rebuilding", "failed"

Positioned = tuple[int, Any]  # (notification id, decoded domain event)


class EventLog(Protocol):
    """The ordered log of all events, as the projection engine reads it."""

    def read(self, after: int, limit: int) -> Sequence[Positioned]: ...

    def head(self) -> int: ...


class Projection(ABC):
    """A read model: the tables it owns and one handler per event type.

    Subclasses define tables in :meth:`define_tables` (on ``self.metadata``, with
    ``self.table_name(...)`` so shadow copies can be built for a rebuild) and
    register handlers on ``process_event``. Handlers must be deterministic
    functions of the event and the tables the projection owns.
    """

    name: ClassVar[str]
    version: ClassVar[int] = 1

    def __init__(self, suffix: str = "") -> None:
        self.suffix = suffix
        self.metadata = MetaData()
        self.tables: list[Table] = self.define_tables()

    def table_name(self, base: str) -> str:
        return base + self.suffix

    @property
    def tracking_name(self) -> str:
        """The projection's row in ``projection_tracking`` (shadow copies differ)."""
        return self.name + self.suffix

    def shadow(self, suffix: str) -> Projection:
        """A copy of this projection writing to tables named with ``suffix``."""
        return type(self)(suffix=suffix)

    @abstractmethod
    def define_tables(self) -> list[Table]:
        """Define the tables this projection owns on ``self.metadata``; return them."""

    @singledispatchmethod  # noqa: B027
    def process_event(self, event: object, view: View) -> None:
        """Events a projection has no handler for are skipped."""


def seed_foreign_key(column: str, target: str) -> ForeignKeyConstraint:
    """The seed's ``REFERENCES ... ON DELETE CASCADE``, declared in SQLite's schema.

    Projections delete dependent rows themselves (so a projection can be rebuilt
    on its own); on PostgreSQL, where the constraint would be enforced across
    independently rebuilt projections, it is not created.
    """
    return ForeignKeyConstraint([column], [target], ondelete="CASCADE").ddl_if(
        dialect="sqlite"
    )


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
        self.tracking = tracking_table
        self.lock = threading.RLock()

    def catch_up(self, recent: Sequence[Positioned] = ()) -> None:
        """Process everything up to the head of the log.

        ``recent`` are events the caller just appended (already decoded); when
        they directly follow the projections' positions they are used as they are.
        """
        with self.lock:
            while self._step(recent):
                recent = ()

    def _step(self, recent: Sequence[Positioned]) -> bool:
        states = self.states()
        live = [p for p in self.projections if self._is_live(p, states)]
        if not live:
            return False
        start = min(states[p.tracking_name].position for p in live)
        batch = self._batch_after(start, recent)
        if not batch:
            return False
        with self.engine.begin() as conn:
            for projection in live:
                self.apply_new(conn, projection, batch)
        return True

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
        position = self._locked_position(conn, projection.tracking_name)
        todo = [item for item in batch if item[0] > position]
        if todo:
            self.apply(conn, projection, todo)
        return self._locked_position(conn, projection.tracking_name)

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
            view.position = position
            projection.process_event(event, view)
        view.flush()
        self.set_position(conn, projection.tracking_name, todo[-1][0])

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
        t = self.tracking
        conn.execute(
            t.update()
            .where(t.c.name == projection.tracking_name)
            .values(
                state=FAILED,
                error_position=position,
                error=message,
                updated_at=self.now(),
            )
        )

    def ensure_schema(self) -> list[Projection]:
        """Create missing read tables and tracking rows (position 0), put failed
        projections back to live (a fixed handler resumes where it stopped), and
        return the projections whose stored schema version differs from the code's."""
        stale = []
        with self.engine.begin() as conn:
            tracking_table.create(conn, checkfirst=True)
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
        t = self.tracking
        conn.execute(t.delete().where(t.c.name == projection.tracking_name))
        conn.execute(
            t.insert().values(
                name=projection.tracking_name,
                version=projection.version,
                position=0,
                state=state,
                updated_at=self.now(),
            )
        )

    def set_state(self, conn: Connection, tracking_name: str, state: str) -> None:
        t = self.tracking
        conn.execute(
            t.update()
            .where(t.c.name == tracking_name)
            .values(state=state, error=None, error_position=None, updated_at=self.now())
        )

    def states(self, conn: Connection | None = None) -> dict[str, TrackingState]:
        query = select(self.tracking)
        if conn is None:
            with self.engine.connect() as c:
                rows = c.execute(query).all()
        else:
            rows = conn.execute(query).all()
        return {row.name: TrackingState.from_row(row) for row in rows}

    def _locked_position(self, conn: Connection, name: str) -> int:
        t = self.tracking
        row = conn.execute(
            select(t.c.position).where(t.c.name == name).with_for_update()
        ).one()
        return int(row.position)

    def set_position(self, conn: Connection, name: str, position: int) -> None:
        t = self.tracking
        conn.execute(t.update().where(t.c.name == name).values(position=position))
