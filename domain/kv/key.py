"""The KvKey aggregate: one stream per (bot incarnation, key).

One stream per key keeps the cost of a write independent of the history of
other keys; snapshots bound the replay of a hot key.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate

from boternity_store.domain.errors import VersionConflict
from boternity_store.domain.ids import stream_id

UNKNOWN_ACTOR = "unknown"


class KvKey(Aggregate):
    # Version 2 keeps ``updated_by`` (the actor of the current value).
    class_version = 2

    class FirstValueSet(Aggregate.Created):
        class_version = 1
        class_version = 1
        bot_id: str
        incarnation: int
        key: str
        value_json: str
        actor: str

    class ValueSet(Aggregate.Event):
        class_version = 1
        class_version = 1
        bot_id: str
        key: str
        value_json: str
        entry_version: int
        actor: str

        def apply(self, aggregate: Any) -> None:
            if aggregate.value_json is None:
                aggregate.created_at = self.timestamp
            aggregate.value_json = self.value_json
            aggregate.entry_version = self.entry_version
            aggregate.updated_at = self.timestamp
            aggregate.updated_by = self.actor

    class ValueDeleted(Aggregate.Event):
        class_version = 1
        class_version = 1
        bot_id: str
        key: str
        actor: str

        def apply(self, aggregate: Any) -> None:
            aggregate.value_json = None
            aggregate.entry_version = 0

    def __init__(
        self, bot_id: str, incarnation: int, key: str, value_json: str, actor: str
    ) -> None:
        self.bot_id = bot_id
        self.incarnation = incarnation
        self.key = key
        self.value_json: str | None = value_json
        self.entry_version = 1
        self.created_at: datetime = self.created_on
        self.updated_at: datetime = self.created_on
        self.updated_by = actor

    @staticmethod
    def upcast_v1_v2(state: dict[str, Any]) -> None:
        """A snapshot taken before version 2 does not say who wrote its value;
        the next write says. (The read tables know: they are projected from the
        events, which always carried the actor.)"""
        state["updated_by"] = UNKNOWN_ACTOR

    @staticmethod
    def create_id(bot_id: str, incarnation: int, key: str) -> UUID:
        return stream_id("kv", bot_id, incarnation, key)

    @property
    def exists(self) -> bool:
        return self.value_json is not None

    @classmethod
    def first_set(
        cls,
        bot_id: str,
        incarnation: int,
        key: str,
        value_json: str,
        *,
        actor: str,
        at: datetime,
        expected_version: int | None,
    ) -> KvKey:
        check_expected_version(bot_id, key, expected_version, actual=0)
        return cls._create(
            cls.FirstValueSet,
            id=cls.create_id(bot_id, incarnation, key),
            timestamp=at,
            bot_id=bot_id,
            incarnation=incarnation,
            key=key,
            value_json=value_json,
            actor=actor,
        )

    def set(
        self, value_json: str, *, actor: str, at: datetime, expected_version: int | None
    ) -> None:
        check_expected_version(
            self.bot_id, self.key, expected_version, self.entry_version
        )
        self.trigger_event(
            self.ValueSet,
            timestamp=at,
            bot_id=self.bot_id,
            key=self.key,
            value_json=value_json,
            entry_version=self.entry_version + 1,
            actor=actor,
        )

    def delete(self, *, actor: str, at: datetime) -> bool:
        if not self.exists:
            return False
        self.trigger_event(
            self.ValueDeleted,
            timestamp=at,
            bot_id=self.bot_id,
            key=self.key,
            actor=actor,
        )
        return True


def check_expected_version(
    bot_id: str, key: str, expected: int | None, actual: int
) -> None:
    if expected is not None and expected != actual:
        raise VersionConflict(f"kv {bot_id}/{key}", expected, actual)
