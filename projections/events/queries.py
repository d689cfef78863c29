"""Finding events by bot, stream, type, actor and time in ``event_index``."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import or_, select

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from boternity_store.projections.events.projection import EventIndexProjection


@dataclass(frozen=True)
class EventFilter:
    """Which events: each given field narrows the set (times are index text)."""

    bot_id: str | None = None
    stream_ids: Sequence[str] | None = None
    types: Sequence[str] | None = None
    actor: str | None = None
    since: str | None = None  # recorded_at >= since
    until: str | None = None  # recorded_at <= until
    after: int = 0  # position > after
    before: int | None = None  # position < before


class EventIndexQueries:
    def __init__(self, engine: Engine, projection: EventIndexProjection) -> None:
        self.engine = engine
        self.index = projection.index

    def positions(
        self, where: EventFilter, limit: int, *, or_without_bot: bool = False
    ) -> list[int]:
        """The positions of the matching events, in log order: the first
        ``limit`` after ``after``, or, with only ``before``, the last ``limit``
        before it. ``or_without_bot``: events of no bot (the providers') match
        a bot filter too."""
        t = self.index
        query = select(t.c.position).where(t.c.position > where.after)
        if where.before is not None:
            query = query.where(t.c.position < where.before)
        if where.bot_id is not None:
            bot = t.c.bot_id == where.bot_id
            query = query.where(
                or_(bot, t.c.bot_id.is_(None)) if or_without_bot else bot
            )
        if where.stream_ids is not None:
            query = query.where(t.c.stream_id.in_(list(where.stream_ids)))
        if where.types is not None:
            query = query.where(t.c.type.in_(list(where.types)))
        if where.actor is not None:
            query = query.where(t.c.actor == where.actor)
        if where.since is not None:
            query = query.where(t.c.recorded_at >= where.since)
        if where.until is not None:
            query = query.where(t.c.recorded_at <= where.until)
        newest_first = where.before is not None and where.after == 0
        order = t.c.position.desc() if newest_first else t.c.position
        with self.engine.connect() as conn:
            found = list(conn.execute(query.order_by(order).limit(limit)).scalars())
        return sorted(found)

    def last_position_until(self, until: str) -> int:
        """The position of the last event recorded at or before ``until``."""
        t = self.index
        query = select(t.c.position).where(t.c.recorded_at <= until)
        with self.engine.connect() as conn:
            found = conn.execute(
                query.order_by(t.c.position.desc()).limit(1)
            ).scalar_one_or_none()
        return int(found or 0)
