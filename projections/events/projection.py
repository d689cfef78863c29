"""Where an event becomes an index row: ``event_index`` holds, for every event
in the log, its position, stream, type, bot, actor and time, so that history
queries by bot, stream, type, actor or time read an index, not the log."""

from __future__ import annotations

from functools import singledispatchmethod
from typing import TYPE_CHECKING, Any

from eventsourcing.domain import AggregateEvent
from sqlalchemy import Column, Index, Table, Text

from boternity_store.projections.engine.columns import INT64
from boternity_store.projections.engine.projection import Projection
from boternity_store.projections.engine.timestamps import to_text

if TYPE_CHECKING:
    from boternity_store.projections.engine.view import View


class EventIndexProjection(Projection):
    name = "event_index"
    version = 1

    def define_tables(self) -> list[Table]:
        self.index = Table(
            self.table_name("event_index"),
            self.metadata,
            Column("position", INT64, primary_key=True, autoincrement=False),
            Column("stream_id", Text, nullable=False),
            Column("stream_version", INT64, nullable=False),
            Column("type", Text, nullable=False),
            Column("bot_id", Text),
            Column("actor", Text),
            Column("recorded_at", Text, nullable=False),
        )
        for column in ("stream_id", "type", "bot_id", "actor", "recorded_at"):
            Index(
                self.table_name(f"idx_event_index_{column}"),
                self.index.c[column],
                self.index.c.position,
            )
        return [self.index]

    @singledispatchmethod
    def process_event(self, event: object, view: View) -> None:
        pass

    @process_event.register(AggregateEvent)
    def _any(self, event: Any, view: View) -> None:
        view.insert(
            self.index,
            position=view.position,
            stream_id=str(event.originator_id),
            stream_version=event.originator_version,
            type=type(event).__qualname__,
            bot_id=getattr(event, "bot_id", None),
            actor=getattr(event, "actor", None),
            recorded_at=to_text(event.timestamp),
        )
