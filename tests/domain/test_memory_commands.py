"""The memory commands: one class per audit action, each becoming its audit row."""

from __future__ import annotations

from datetime import UTC, datetime

from boternity_store.domain.memories.commands import (
    AddMemory,
    DeleteMemory,
    MemoryCommand,
    MergeMemories,
    RevokeMemory,
    ShareMemory,
)
from boternity_store.domain.memories.models import MemoryAuditEntry
from boternity_store.domain.memories.rules import ACTIONS

T0 = datetime(2026, 1, 1, tzinfo=UTC)
KINDS = (AddMemory, DeleteMemory, ShareMemory, RevokeMemory, MergeMemories)


def test_each_audit_action_has_exactly_one_command_class() -> None:
    assert sorted(kind.action for kind in KINDS) == sorted(ACTIONS)
    assert set(MemoryCommand.__subclasses__()) == set(KINDS)


def test_a_command_becomes_its_audit_row_with_decoded_details() -> None:
    command = MergeMemories(
        bot_id="bot-1",
        memory_id="t",
        actor="alice",
        audit_id="g-1",
        details_json='{"source_ids":["a","b"]}',
        source_ids=("a", "b"),
    )
    assert command.entry(T0) == MemoryAuditEntry(
        id="g-1",
        bot_id="bot-1",
        memory_id="t",
        action="merge",
        actor="alice",
        details={"source_ids": ["a", "b"]},
        created_at=T0,
    )
