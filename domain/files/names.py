"""The FileName aggregate: which file currently has a name in a bot.

One stream per (bot id, bot incarnation, filename), like the library's ``Index``
pattern: it maps the name to the current file id, or to none after a delete,
and is saved together with the file in one transaction, so two files can never
hold the same name.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate

from boternity_store.domain.errors import AlreadyExists
from boternity_store.domain.ids import stream_id


class FileName(Aggregate):
    class_version = 1

    class Assigned(Aggregate.Created):
        class_version = 1
        bot_id: str
        incarnation: int
        filename: str
        file_id: str
        actor: str

    class Reassigned(Aggregate.Event):
        class_version = 1
        bot_id: str
        filename: str
        file_id: str
        actor: str

        def apply(self, aggregate: Any) -> None:
            aggregate.file_id = self.file_id

    class Released(Aggregate.Event):
        class_version = 1
        bot_id: str
        filename: str
        file_id: str
        actor: str

        def apply(self, aggregate: Any) -> None:
            aggregate.file_id = None

    def __init__(
        self, bot_id: str, incarnation: int, filename: str, file_id: str, actor: str
    ) -> None:
        self.bot_id = bot_id
        self.incarnation = incarnation
        self.filename = filename
        self.file_id: str | None = file_id

    @staticmethod
    def create_id(bot_id: str, incarnation: int, filename: str) -> UUID:
        return stream_id("file-name", bot_id, incarnation, filename)

    @classmethod
    def assign(
        cls,
        existing: FileName | None,
        bot_id: str,
        incarnation: int,
        filename: str,
        file_id: str,
        *,
        actor: str,
        at: datetime,
    ) -> FileName:
        """Point the name at a new file; the name must be free."""
        if existing is None:
            return cls._create(
                cls.Assigned,
                id=cls.create_id(bot_id, incarnation, filename),
                timestamp=at,
                bot_id=bot_id,
                incarnation=incarnation,
                filename=filename,
                file_id=file_id,
                actor=actor,
            )
        existing.check_free()
        existing.trigger_event(
            cls.Reassigned,
            timestamp=at,
            bot_id=bot_id,
            filename=filename,
            file_id=file_id,
            actor=actor,
        )
        return existing

    def check_free(self) -> None:
        if self.file_id is not None:
            raise AlreadyExists(
                f"file {self.filename!r} already exists for bot {self.bot_id!r}"
            )

    def release(self, *, actor: str, at: datetime) -> None:
        if self.file_id is None:
            return
        self.trigger_event(
            self.Released,
            timestamp=at,
            bot_id=self.bot_id,
            filename=self.filename,
            file_id=self.file_id,
            actor=actor,
        )
