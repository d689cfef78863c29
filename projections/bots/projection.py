"""The ``bots`` read table: live bots only (a deleted bot's row is removed)."""

from __future__ import annotations

from functools import singledispatchmethod
from typing import TYPE_CHECKING

from sqlalchemy import Column, Integer, Table, Text

from boternity_store.domain import Bot
from boternity_store.projections.engine.projection import Projection
from boternity_store.projections.engine.timestamps import to_text

if TYPE_CHECKING:
    from boternity_store.projections.engine.view import View


class BotsProjection(Projection):
    name = "bots"
    version = 1

    def define_tables(self) -> list[Table]:
        self.bots = Table(
            self.table_name("bots"),
            self.metadata,
            Column("id", Text, primary_key=True, nullable=False),
            Column("name", Text),
            Column("incarnation", Integer, nullable=False),
            Column("created_by", Text, nullable=False),
            Column("created_at", Text, nullable=False),
        )
        return [self.bots]

    @singledispatchmethod
    def process_event(self, event: object, view: View) -> None:
        pass

    @process_event.register(Bot.Registered)
    def _registered(self, event: Bot.Registered, view: View) -> None:
        view.insert(
            self.bots,
            id=event.bot_id,
            name=event.name,
            incarnation=1,
            created_by=event.actor,
            created_at=to_text(event.timestamp),
        )

    @process_event.register(Bot.Reregistered)
    def _reregistered(self, event: Bot.Reregistered, view: View) -> None:
        view.insert(
            self.bots,
            id=event.bot_id,
            name=event.name,
            incarnation=event.incarnation,
            created_by=event.actor,
            created_at=to_text(event.timestamp),
        )

    @process_event.register(Bot.Deleted)
    def _deleted(self, event: Bot.Deleted, view: View) -> None:
        view.delete(self.bots, id=event.bot_id)
