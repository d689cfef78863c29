"""The Memory aggregate: one stream per memory id (ids are global).

A memory belongs to one bot incarnation. When that incarnation ends (the bot is
deleted) the memory counts as not found, and the same id may be added again: a
new life recorded on the same stream. Every audited event carries the audit row
id and details decided by the command; ``MergedAway`` (a source folded into
another memory) is recorded on the source but is not an audit row of its own.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from uuid import UUID

from eventsourcing.domain import Aggregate

from boternity_store.domain.errors import (
    AlreadyExists,
    InvalidTransition,
    MemoryAlreadyExists,
    MemoryNotFound,
)
from boternity_store.domain.ids import stream_id
from boternity_store.domain.memories.rules import (
    ACTIVE,
    DELETED,
    MERGED,
    check_merge_sources,
)

if TYPE_CHECKING:
    from collections.abc import Sequence
    from datetime import datetime

    from boternity_store.domain.bots.bot import Bot
    from boternity_store.domain.memories.commands import (
        AddMemory,
        DeleteMemory,
        MemoryCommand,
        MergeMemories,
        RevokeMemory,
        ShareMemory,
    )


class Memory(Aggregate):
    class_version = 1

    class Added(Aggregate.Created):
        class_version = 1
        memory_id: str
        bot_id: str
        incarnation: int
        audit_id: str
        actor: str
        details_json: str | None

    class Audited(Aggregate.Event):
        class_version = 1
        memory_id: str
        bot_id: str
        audit_id: str
        actor: str
        details_json: str | None

        def apply(self, aggregate: Any) -> None:
            aggregate.audit_ids = [*aggregate.audit_ids, self.audit_id]

    class AddedAgain(Audited):
        class_version = 1
        incarnation: int

        def apply(self, aggregate: Any) -> None:
            aggregate.bot_id = self.bot_id
            aggregate.incarnation = self.incarnation
            aggregate.status = ACTIVE
            aggregate.merged_into = None
            aggregate.shared_with = {}
            super().apply(aggregate)

    class Deleted(Audited):
        class_version = 1

        def apply(self, aggregate: Any) -> None:
            aggregate.status = DELETED
            aggregate.shared_with = {}
            super().apply(aggregate)

    class Shared(Audited):
        class_version = 1
        with_bot_id: str
        with_incarnation: int

        def apply(self, aggregate: Any) -> None:
            shares = {**aggregate.shared_with, self.with_bot_id: self.with_incarnation}
            aggregate.shared_with = shares
            super().apply(aggregate)

    class Revoked(Audited):
        class_version = 1
        from_bot_id: str

        def apply(self, aggregate: Any) -> None:
            shares = dict(aggregate.shared_with)
            shares.pop(self.from_bot_id, None)
            aggregate.shared_with = shares
            super().apply(aggregate)

    class Merged(Audited):
        class_version = 1
        source_ids: list[str]

    class MergedAway(Aggregate.Event):
        class_version = 1
        memory_id: str
        bot_id: str
        merged_into: str
        actor: str

        def apply(self, aggregate: Any) -> None:
            aggregate.status = MERGED
            aggregate.merged_into = self.merged_into
            aggregate.shared_with = {}

    def __init__(
        self,
        memory_id: str,
        bot_id: str,
        incarnation: int,
        audit_id: str,
        actor: str,
        details_json: str | None,
    ) -> None:
        self.memory_id = memory_id
        self.bot_id = bot_id
        self.incarnation = incarnation
        self.status = ACTIVE
        self.merged_into: str | None = None
        self.shared_with: dict[str, int] = {}
        self.audit_ids: list[str] = [audit_id]

    @staticmethod
    def create_id(memory_id: str) -> UUID:
        return stream_id("memory", memory_id)

    @classmethod
    def add(cls, command: AddMemory, incarnation: int, *, at: datetime) -> Memory:
        """A new memory of ``command.bot_id`` in its ``incarnation``."""
        return cls._create(
            cls.Added,
            id=cls.create_id(command.memory_id),
            timestamp=at,
            memory_id=command.memory_id,
            incarnation=incarnation,
            **_audited(command),
        )

    def is_alive(self, owner: Bot | None) -> bool:
        """True while the owner bot is live in the incarnation that added it."""
        return (
            owner is not None
            and not owner.deleted
            and owner.incarnation == self.incarnation
        )

    def add_again(
        self, command: AddMemory, incarnation: int, *, owner: Bot | None, at: datetime
    ) -> None:
        if self.is_alive(owner):
            raise MemoryAlreadyExists(self.memory_id)
        self._check_new_audit_id(command)
        self._trigger(self.AddedAgain, command, at, incarnation=incarnation)

    def delete(self, command: DeleteMemory, incarnation: int, *, at: datetime) -> None:
        self.check_usable_by(command.bot_id, incarnation)
        self._check_new_audit_id(command)
        self._trigger(self.Deleted, command, at)

    def share(
        self,
        command: ShareMemory,
        incarnation: int,
        with_incarnation: int | None,
        *,
        at: datetime,
    ) -> None:
        """Share with ``command.with_bot_id`` (``with_incarnation`` None: that bot
        is not live)."""
        bot_id = command.with_bot_id
        self.check_usable_by(command.bot_id, incarnation)
        if with_incarnation is None:
            raise InvalidTransition(f"cannot share with unknown bot {bot_id!r}")
        if bot_id == self.bot_id:
            raise InvalidTransition(f"bot {bot_id!r} owns memory {self.memory_id!r}")
        if self.is_shared_with(bot_id, with_incarnation):
            raise InvalidTransition(
                f"memory {self.memory_id!r} is already shared with {bot_id!r}"
            )
        self._check_new_audit_id(command)
        self._trigger(
            self.Shared,
            command,
            at,
            with_bot_id=bot_id,
            with_incarnation=with_incarnation,
        )

    def revoke(
        self,
        command: RevokeMemory,
        incarnation: int,
        from_incarnation: int | None,
        *,
        at: datetime,
    ) -> None:
        bot_id = command.from_bot_id
        self.check_usable_by(command.bot_id, incarnation)
        if from_incarnation is None or not self.is_shared_with(
            bot_id, from_incarnation
        ):
            raise InvalidTransition(
                f"memory {self.memory_id!r} is not shared with {bot_id!r}"
            )
        self._check_new_audit_id(command)
        self._trigger(self.Revoked, command, at, from_bot_id=bot_id)

    def merge(
        self,
        command: MergeMemories,
        incarnation: int,
        sources: Sequence[Memory],
        *,
        at: datetime,
    ) -> None:
        """Fold ``sources`` into this memory: one Merged event here, one MergedAway
        event on each source (to be saved together)."""
        source_ids = [source.memory_id for source in sources]
        check_merge_sources(self.memory_id, source_ids)
        self.check_usable_by(command.bot_id, incarnation)
        for source in sources:
            source.check_usable_by(command.bot_id, incarnation)
        self._check_new_audit_id(command)
        self._trigger(self.Merged, command, at, source_ids=source_ids)
        for source in sources:
            source.trigger_event(
                source.MergedAway,
                timestamp=at,
                memory_id=source.memory_id,
                bot_id=source.bot_id,
                merged_into=self.memory_id,
                actor=command.actor,
            )

    def is_shared_with(self, bot_id: str, incarnation: int) -> bool:
        # A share with an earlier incarnation of a bot died with that bot.
        return self.shared_with.get(bot_id) == incarnation

    def check_usable_by(self, bot_id: str, incarnation: int) -> None:
        """Raise MemoryNotFound unless the acting bot (``bot_id`` in its
        ``incarnation``) owns this active memory."""
        if (self.bot_id, self.incarnation) != (bot_id, incarnation):
            raise MemoryNotFound(self.memory_id, f"not found for bot {bot_id!r}")
        if self.status == DELETED:
            raise MemoryNotFound(self.memory_id, "is deleted")
        if self.status == MERGED:
            why = f"was merged into {self.merged_into!r}"
            raise MemoryNotFound(self.memory_id, why)

    def _check_new_audit_id(self, command: MemoryCommand) -> None:
        if command.audit_id in self.audit_ids:
            raise AlreadyExists(f"audit entry {command.audit_id!r} is already recorded")

    def _trigger(
        self,
        event_class: type[Any],
        command: MemoryCommand,
        at: datetime,
        **fields: Any,
    ) -> None:
        self.trigger_event(
            event_class,
            timestamp=at,
            memory_id=self.memory_id,
            **_audited(command),
            **fields,
        )


def _audited(command: MemoryCommand) -> dict[str, Any]:
    return {
        "bot_id": command.bot_id,
        "audit_id": command.audit_id,
        "actor": command.actor,
        "details_json": command.details_json,
    }


def require_memory(memory_id: str, memory: Memory | None) -> Memory:
    """The memory, or MemoryNotFound if it was never added."""
    if memory is None:
        raise MemoryNotFound(memory_id)
    return memory
