"""The Bot aggregate: registration and deletion of a bot id.

A bot id may be registered again after deletion; each registration starts a new
*incarnation*, and the per-bot streams (KV keys, files, memories) are keyed by it,
so a re-registered bot starts empty while the old history stays in the log.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate

from boternity_store.domain.errors import BotAlreadyExists, BotNotFound
from boternity_store.domain.ids import stream_id


class Bot(Aggregate):
    class_version = 1

    class Registered(Aggregate.Created):
        class_version = 1
        bot_id: str
        name: str | None
        actor: str

    class Reregistered(Aggregate.Event):
        class_version = 1
        bot_id: str
        name: str | None
        actor: str
        incarnation: int

        def apply(self, aggregate: Any) -> None:
            aggregate.name = self.name
            aggregate.incarnation = self.incarnation
            aggregate.deleted = False

    class Deleted(Aggregate.Event):
        class_version = 1
        bot_id: str
        actor: str

        def apply(self, aggregate: Any) -> None:
            aggregate.deleted = True

    def __init__(self, bot_id: str, name: str | None, actor: str) -> None:
        self.bot_id = bot_id
        self.name = name
        self.incarnation = 1
        self.deleted = False

    @staticmethod
    def create_id(bot_id: str) -> UUID:
        return stream_id("bot", bot_id)

    @classmethod
    def register(
        cls, bot_id: str, *, name: str | None, actor: str, at: datetime
    ) -> Bot:
        return cls._create(
            cls.Registered,
            id=cls.create_id(bot_id),
            timestamp=at,
            bot_id=bot_id,
            name=name,
            actor=actor,
        )

    def register_again(self, *, name: str | None, actor: str, at: datetime) -> None:
        if not self.deleted:
            raise BotAlreadyExists(self.bot_id)
        self.trigger_event(
            self.Reregistered,
            timestamp=at,
            bot_id=self.bot_id,
            name=name,
            actor=actor,
            incarnation=self.incarnation + 1,
        )

    def delete(self, *, actor: str, at: datetime) -> None:
        self.check_live()
        self.trigger_event(self.Deleted, timestamp=at, bot_id=self.bot_id, actor=actor)

    def check_live(self) -> None:
        if self.deleted:
            raise BotNotFound(self.bot_id)
