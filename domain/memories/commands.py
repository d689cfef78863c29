"""The memory commands: what a caller asks of a memory, with its audit row
decided (id, actor, details). ``store.memories`` and ``store.audit.log`` both
build one; the store dispatches it by class to one handler."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from boternity_store.domain.memories.models import AuditAction, MemoryAuditEntry
from boternity_store.domain.validation import decode_json_value

if TYPE_CHECKING:
    from datetime import datetime


@dataclass(frozen=True, kw_only=True)
class MemoryCommand:
    action: ClassVar[AuditAction]

    bot_id: str
    memory_id: str
    actor: str
    audit_id: str
    details_json: str | None

    def entry(self, at: datetime) -> MemoryAuditEntry:
        """The audit row this command becomes when performed at ``at``."""
        details = self.details_json
        return MemoryAuditEntry(
            id=self.audit_id,
            bot_id=self.bot_id,
            memory_id=self.memory_id,
            action=self.action,
            actor=self.actor,
            details=None if details is None else decode_json_value(details),
            created_at=at,
        )


@dataclass(frozen=True, kw_only=True)
class AddMemory(MemoryCommand):
    action: ClassVar[AuditAction] = "add"


@dataclass(frozen=True, kw_only=True)
class DeleteMemory(MemoryCommand):
    action: ClassVar[AuditAction] = "delete"


@dataclass(frozen=True, kw_only=True)
class ShareMemory(MemoryCommand):
    action: ClassVar[AuditAction] = "share"
    with_bot_id: str


@dataclass(frozen=True, kw_only=True)
class RevokeMemory(MemoryCommand):
    action: ClassVar[AuditAction] = "revoke"
    from_bot_id: str


@dataclass(frozen=True, kw_only=True)
class MergeMemories(MemoryCommand):
    action: ClassVar[AuditAction] = "merge"
    source_ids: tuple[str, ...]
