"""A projection: the read tables it owns and a handler per event type, plus the
log interface it is fed from."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from functools import singledispatchmethod
from typing import Any, ClassVar, Protocol

from sqlalchemy import ForeignKeyConstraint, MetaData, Table

from boternity_store.projections.engine.view import View

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
        # The projection's row in ``projection_tracking`` (shadow copies differ).
        self.tracking_name = self.name + suffix
        self.metadata = MetaData()
        self.tables: list[Table] = self.define_tables()

    def table_name(self, base: str) -> str:
        return base + self.suffix

    def shadow(self, suffix: str) -> Projection:
        """A copy of this projection writing to tables named with ``suffix``."""
        return type(self)(suffix=suffix)

    @abstractmethod
    def define_tables(self) -> list[Table]:
        """Define the tables this projection owns on ``self.metadata``; return them."""

    @singledispatchmethod  # noqa: B027
    def process_event(self, event: object, view: View) -> None:
        """Events a projection has no handler for are skipped."""

    def handler_for(self, event_type: type) -> Callable[[Any, Any, View], None] | None:
        """The registered handler for ``event_type`` (None: the event is skipped).
        Resolved once per type: calling it skips singledispatchmethod's per-call
        wrapper, which matters when every projection sees every event."""
        cache = type(self).__dict__.get("_handler_cache")
        if cache is None:
            cache = {}
            type(self)._handler_cache = cache  # type: ignore[attr-defined]
        if event_type not in cache:
            base = Projection.__dict__["process_event"]
            method = type(self).__dict__.get("process_event", base)
            handler = method.dispatcher.dispatch(event_type)
            skipped = (base.func, method.func)
            cache[event_type] = None if handler in skipped else handler
        return cache[event_type]  # type: ignore[no-any-return]


def seed_foreign_key(column: str, target: str) -> ForeignKeyConstraint:
    """The seed's ``REFERENCES ... ON DELETE CASCADE``, declared in SQLite's schema.

    Projections delete dependent rows themselves (so a projection can be rebuilt
    on its own); on PostgreSQL, where the constraint would be enforced across
    independently rebuilt projections, it is not created.
    """
    return ForeignKeyConstraint([column], [target], ondelete="CASCADE").ddl_if(
        dialect="sqlite"
    )
