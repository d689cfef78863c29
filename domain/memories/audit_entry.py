"""The AuditEntry aggregate: the idempotency record of one ``audit.log`` call.

Saved in the same transaction as the memory event the entry caused, keyed by the
entry's id; logging the same id again finds it and returns the first result.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING
from uuid import UUID

from eventsourcing.domain import Aggregate

from boternity_store.domain.errors import AlreadyExists
from boternity_store.domain.ids import stream_id

if TYPE_CHECKING:
    from datetime import datetime


class AuditEntry(Aggregate):
    class_version = 1

    class Logged(Aggregate.Created):
        class_version = 1
        entry_id: str
        bot_id: str
        memory_id: str
        action: str
        actor: str
        details_json: str | None

    def __init__(
        self,
        entry_id: str,
        bot_id: str,
        memory_id: str,
        action: str,
        actor: str,
        details_json: str | None,
    ) -> None:
        self.entry_id = entry_id
        self.bot_id = bot_id
        self.memory_id = memory_id
        self.action = action
        self.actor = actor
        self.details_json = details_json

    @staticmethod
    def create_id(entry_id: str) -> UUID:
        return stream_id("audit-entry", entry_id)

    @classmethod
    def log(
        cls,
        entry_id: str,
        *,
        bot_id: str,
        memory_id: str,
        action: str,
        actor: str,
        details_json: str | None,
        at: datetime,
    ) -> AuditEntry:
        return cls._create(
            cls.Logged,
            id=cls.create_id(entry_id),
            timestamp=at,
            entry_id=entry_id,
            bot_id=bot_id,
            memory_id=memory_id,
            action=action,
            actor=actor,
            details_json=details_json,
        )

    @property
    def logged_at(self) -> datetime:
        return self.created_on

    def check_same(
        self,
        *,
        bot_id: str,
        memory_id: str,
        action: str,
        actor: str,
        details_json: str | None,
    ) -> None:
        """Raise AlreadyExists if a retry of this entry differs from the first."""
        first = (self.bot_id, self.memory_id, self.action, self.actor)
        if first != (bot_id, memory_id, action, actor) or _canonical(
            self.details_json
        ) != _canonical(details_json):
            raise AlreadyExists(
                f"audit entry {self.entry_id!r} was logged with other content"
            )


def _canonical(details_json: str | None) -> str | None:
    # Key order is not part of a JSON object's meaning.
    if details_json is None:
        return None
    return json.dumps(json.loads(details_json), sort_keys=True)
