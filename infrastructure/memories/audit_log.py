"""``store.audit``: the memory audit log. ``log`` performs an entry's action
(the seed's entry point; idempotent by entry id), the queries read the
``memory_audit_log`` projection."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from boternity_store.domain import AuditEntry
from boternity_store.domain.errors import AlreadyExists, InvalidInput
from boternity_store.domain.memories.commands import (
    AddMemory,
    DeleteMemory,
    MemoryCommand,
    MergeMemories,
    RevokeMemory,
    ShareMemory,
)
from boternity_store.domain.memories.models import MemoryAuditEntry
from boternity_store.domain.validation import check_actor, check_identifier, check_int
from boternity_store.infrastructure.eventstore.driver_errors import public_api
from boternity_store.infrastructure.memories.commands import perform
from boternity_store.infrastructure.memories.service import (
    check_source_ids,
    encode_details,
)

if TYPE_CHECKING:
    from boternity_store.infrastructure.eventstore.writer import WriteContext, Writer
    from boternity_store.projections.memories.queries import MemoryAuditQueries


@public_api
class AuditLog:
    """``store.audit``: the seed's memory audit log. ``log`` records an entry
    (idempotent by entry id); reads return the audit rows."""

    def __init__(self, writer: Writer, queries: MemoryAuditQueries) -> None:
        self._writer = writer
        self._queries = queries

    def log(self, entry: MemoryAuditEntry) -> MemoryAuditEntry:
        """Perform the entry's action, validated like the ``store.memories``
        command; ``details`` of share / revoke / merge must name its target
        (``with_bot_id`` / ``from_bot_id`` / ``source_ids``). Logging an id again
        returns the first result without recording anything; the same id with
        other content raises AlreadyExists. The store's clock is the row's time.
        """
        request = command_of(entry)

        def command(ctx: WriteContext) -> MemoryAuditEntry:
            first = ctx.get(AuditEntry, AuditEntry.create_id(request.audit_id))
            if first is not None:
                return _repeat(first, request)
            if self._queries.has_entry(request.audit_id):
                # A row a plain command recorded: a second row with its id
                # would break the table's primary key.
                raise AlreadyExists(f"audit entry {request.audit_id!r} already exists")
            result = perform(ctx, request)
            ctx.add(_record(request, result))
            return result

        return self._writer.execute(command)

    def get_for_bot(self, bot_id: str, limit: int = 100) -> list[MemoryAuditEntry]:
        """The bot's audit rows, newest first (equal times: last logged first)."""
        check_identifier(bot_id, "bot_id")
        return self._queries.for_bot(bot_id, check_int(limit, "limit"))

    def get_for_memory(self, memory_id: str) -> list[MemoryAuditEntry]:
        """The memory's audit trail, oldest first (equal times: log order)."""
        return self._queries.for_memory(check_identifier(memory_id, "memory_id"))


def command_of(entry: MemoryAuditEntry) -> MemoryCommand:
    """The command an entry stands for, checked as the command would be."""
    if not isinstance(entry, MemoryAuditEntry):
        raise InvalidInput("entry must be a MemoryAuditEntry")
    check_identifier(entry.id, "id")
    check_identifier(entry.bot_id, "bot_id")
    check_identifier(entry.memory_id, "memory_id")
    check_actor(entry.actor)
    match entry.action:
        case "add":
            return AddMemory(**_audited(entry))
        case "delete":
            return DeleteMemory(**_audited(entry))
        case "share":
            with_bot_id = _other_bot(entry, "with_bot_id")
            return ShareMemory(**_audited(entry), with_bot_id=with_bot_id)
        case "revoke":
            from_bot_id = _other_bot(entry, "from_bot_id")
            return RevokeMemory(**_audited(entry), from_bot_id=from_bot_id)
        case "merge":
            sources = check_source_ids(entry.memory_id, _detail(entry, "source_ids"))
            return MergeMemories(**_audited(entry), source_ids=sources)


def _audited(entry: MemoryAuditEntry) -> dict[str, Any]:
    return {
        "bot_id": entry.bot_id,
        "memory_id": entry.memory_id,
        "actor": entry.actor,
        "audit_id": entry.id,
        "details_json": encode_details(entry.details),
    }


def _other_bot(entry: MemoryAuditEntry, key: str) -> str:
    return check_identifier(_detail(entry, key), key)


def _detail(entry: MemoryAuditEntry, key: str) -> Any:
    if not isinstance(entry.details, dict) or key not in entry.details:
        raise InvalidInput(f"a {entry.action} entry's details must hold {key!r}")
    return entry.details[key]


def _record(request: MemoryCommand, result: MemoryAuditEntry) -> AuditEntry:
    return AuditEntry.log(
        request.audit_id,
        bot_id=request.bot_id,
        memory_id=request.memory_id,
        action=request.action,
        actor=request.actor,
        details_json=request.details_json,
        at=result.created_at,
    )


def _repeat(first: AuditEntry, request: MemoryCommand) -> MemoryAuditEntry:
    first.check_same(
        bot_id=request.bot_id,
        memory_id=request.memory_id,
        action=request.action,
        actor=request.actor,
        details_json=request.details_json,
    )
    recorded = replace(
        request,
        bot_id=first.bot_id,
        memory_id=first.memory_id,
        actor=first.actor,
        audit_id=first.entry_id,
        details_json=first.details_json,
    )
    return recorded.entry(first.logged_at)
