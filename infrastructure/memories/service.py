"""``store.memories``: add, delete, share, revoke and merge memories; each
command is one event and one row of the memory audit log."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from uuid import uuid4

from boternity_store.domain.errors import InvalidInput
from boternity_store.domain.memories.commands import (
    AddMemory,
    DeleteMemory,
    MemoryCommand,
    MergeMemories,
    RevokeMemory,
    ShareMemory,
)
from boternity_store.domain.memories.rules import check_merge_sources
from boternity_store.domain.validation import (
    check_actor,
    check_identifier,
    encode_json_value,
)
from boternity_store.infrastructure.eventstore.driver_errors import public_api
from boternity_store.infrastructure.memories.commands import perform
from boternity_store.infrastructure.stream_history import memory_history

if TYPE_CHECKING:
    from collections.abc import Sequence

    from boternity_store.domain.memories.models import MemoryAuditEntry, MemoryInfo
    from boternity_store.infrastructure.eventstore.writer import WriteContext, Writer
    from boternity_store.infrastructure.history import History, LoggedEvent
    from boternity_store.projections.memories.queries import MemoryAuditQueries


@public_api
class Memories:
    """``store.memories``: add, delete, share, revoke and merge a bot's
    memories; every action writes its audit row in the same transaction."""

    def __init__(
        self, writer: Writer, queries: MemoryAuditQueries, history: History
    ) -> None:
        self._writer = writer
        self._queries = queries
        self._history = history

    def add(
        self, bot_id: str, memory_id: str, *, actor: str, details: Any = None
    ) -> MemoryAuditEntry:
        """Record that ``bot_id`` added ``memory_id``; ``details`` is any JSON value.
        Raises MemoryAlreadyExists while the id belongs to a live memory."""
        return self._run(AddMemory, bot_id, memory_id, actor, details)

    def delete(
        self, bot_id: str, memory_id: str, *, actor: str, reason: str | None = None
    ) -> MemoryAuditEntry:
        """Delete an active memory of ``bot_id`` (details: ``{"reason": ...}``)."""
        if reason is not None and not isinstance(reason, str):
            raise InvalidInput("reason must be a string or None")
        details = None if reason is None else {"reason": reason}
        return self._run(DeleteMemory, bot_id, memory_id, actor, details)

    def share(
        self, bot_id: str, memory_id: str, *, with_bot_id: str, actor: str
    ) -> MemoryAuditEntry:
        """Share a memory with another live bot; InvalidTransition if that bot is
        unknown, is the owner, or already has it."""
        check_identifier(with_bot_id, "with_bot_id")
        details = {"with_bot_id": with_bot_id}
        return self._run(
            ShareMemory, bot_id, memory_id, actor, details, with_bot_id=with_bot_id
        )

    def revoke(
        self, bot_id: str, memory_id: str, *, from_bot_id: str, actor: str
    ) -> MemoryAuditEntry:
        """Revoke a share; InvalidTransition if the memory is not shared with it."""
        check_identifier(from_bot_id, "from_bot_id")
        details = {"from_bot_id": from_bot_id}
        return self._run(
            RevokeMemory, bot_id, memory_id, actor, details, from_bot_id=from_bot_id
        )

    def merge(
        self, bot_id: str, memory_id: str, *, source_ids: Sequence[str], actor: str
    ) -> MemoryAuditEntry:
        """Fold ``source_ids`` into ``memory_id``: one audit row on ``memory_id``
        (details: ``{"source_ids": [...]}``); the sources become merged into it."""
        _check_names(bot_id, memory_id, actor)
        sources = check_source_ids(memory_id, source_ids)
        details = {"source_ids": list(sources)}
        return self._run(
            MergeMemories, bot_id, memory_id, actor, details, source_ids=sources
        )

    def history(self, bot_id: str, memory_id: str) -> list[LoggedEvent]:
        """Every event of the memory in the bot's current life, oldest first
        (added, shared, revoked, merged, deleted), with actor, time, position
        and fields. BotNotFound if the bot is not live."""
        check_identifier(bot_id, "bot_id")
        check_identifier(memory_id, "memory_id")
        return memory_history(self._history, bot_id, memory_id)

    def get(self, memory_id: str) -> MemoryInfo | None:
        """The memory's current status and shares, or None if it is unknown
        (never added, or its owner bot was deleted)."""
        return self._queries.memory(check_identifier(memory_id, "memory_id"))

    def _run(
        self,
        kind: type[MemoryCommand],
        bot_id: str,
        memory_id: str,
        actor: str,
        details: Any,
        **specific: Any,
    ) -> MemoryAuditEntry:
        _check_names(bot_id, memory_id, actor)
        request = kind(
            bot_id=bot_id,
            memory_id=memory_id,
            actor=actor,
            audit_id=str(uuid4()),
            details_json=encode_details(details),
            **specific,
        )

        def command(ctx: WriteContext) -> MemoryAuditEntry:
            return perform(ctx, request)

        return self._writer.execute(command)


def _check_names(bot_id: str, memory_id: str, actor: str) -> None:
    check_identifier(bot_id, "bot_id")
    check_identifier(memory_id, "memory_id")
    check_actor(actor)


def encode_details(details: Any) -> str | None:
    return None if details is None else encode_json_value(details, what="details")


def check_source_ids(memory_id: str, source_ids: object) -> tuple[str, ...]:
    """The source ids as a tuple, each checked; see ``check_merge_sources``."""
    if not isinstance(source_ids, (list, tuple)):
        raise InvalidInput("source_ids must be a list of memory ids")
    sources = tuple(check_identifier(s, "source id") for s in source_ids)
    check_merge_sources(memory_id, sources)
    return sources
