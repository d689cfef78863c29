"""Public models of the memory audit log (pydantic, UTC-aware datetimes)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Literal
from uuid import uuid4

from pydantic import Field, JsonValue

from boternity_store.domain.models import PublicModel, UtcDatetime

AuditAction = Literal["add", "delete", "share", "revoke", "merge"]
MemoryStatus = Literal["active", "deleted", "merged"]


def _new_id() -> str:
    return str(uuid4())


def _utc_now() -> datetime:
    return datetime.now(UTC)


class MemoryAuditEntry(PublicModel):
    """One row of the memory audit log (the seed's ``memory_audit_log``).

    ``id`` is an idempotency key for ``store.audit.log``. The store records its
    own clock as ``created_at``; a value given when logging is not used.
    """

    id: str = Field(default_factory=_new_id)
    bot_id: str
    memory_id: str
    action: AuditAction
    actor: str
    details: JsonValue = None
    created_at: UtcDatetime = Field(default_factory=_utc_now)


class MemoryInfo(PublicModel):
    """A memory's current state: active, deleted, or merged into another memory.

    ``shared_with`` lists the live bots it is shared with, sorted.
    """

    memory_id: str
    bot_id: str
    status: MemoryStatus
    merged_into: str | None
    shared_with: list[str]
    created_at: UtcDatetime
    updated_at: UtcDatetime
