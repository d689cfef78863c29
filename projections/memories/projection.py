"""Where memory events become rows (tables in :mod:`.memory_audit_tables`): one
``memory_audit_log`` row per audited event, with its log position (the tie-break
for equal timestamps) in ``memory_audit_positions``; each memory's current status
in ``memory_status`` and its shares in ``memory_shares``."""

from __future__ import annotations

from functools import singledispatchmethod
from typing import TYPE_CHECKING, Any

from boternity_store.domain import Bot, Memory
from boternity_store.domain.memories.rules import ACTIVE, DELETED, MERGED
from boternity_store.projections.engine.projection import Projection
from boternity_store.projections.engine.timestamps import to_text
from boternity_store.projections.memories.tables import (
    audit_table,
    positions_table,
    shares_table,
    status_table,
)

if TYPE_CHECKING:
    from sqlalchemy import Table

    from boternity_store.projections.engine.view import View


class MemoryAuditProjection(Projection):
    name = "memory_audit"
    version = 2  # 2: index idx_audit_bot_log_order

    def define_tables(self) -> list[Table]:
        self.audit = audit_table(self)
        self.positions = positions_table(self)
        self.status = status_table(self)
        self.shares = shares_table(self)
        return [self.audit, self.positions, self.status, self.shares]

    @singledispatchmethod
    def process_event(self, event: object, view: View) -> None:
        pass

    @process_event.register(Memory.Added)
    @process_event.register(Memory.AddedAgain)
    def _added(self, event: Memory.Added | Memory.AddedAgain, view: View) -> None:
        self._audit_row(view, event, "add")
        at = to_text(event.timestamp)
        row = {
            "memory_id": event.memory_id,
            "bot_id": event.bot_id,
            "status": ACTIVE,
            "merged_into": None,
            "created_at": at,
            "updated_at": at,
        }
        view.upsert(self.status, row, key=("memory_id",), update=tuple(row)[1:])

    @process_event.register(Memory.Deleted)
    def _deleted(self, event: Memory.Deleted, view: View) -> None:
        self._audit_row(view, event, "delete")
        self._set_status(view, event, DELETED, None)
        view.delete(self.shares, memory_id=event.memory_id)

    @process_event.register(Memory.Shared)
    def _shared(self, event: Memory.Shared, view: View) -> None:
        self._audit_row(view, event, "share")
        self._touch(view, event)
        row = {
            "memory_id": event.memory_id,
            "bot_id": event.with_bot_id,
            "owner_bot_id": event.bot_id,
        }
        view.upsert(
            self.shares, row, key=("memory_id", "bot_id"), update=("owner_bot_id",)
        )

    @process_event.register(Memory.Revoked)
    def _revoked(self, event: Memory.Revoked, view: View) -> None:
        self._audit_row(view, event, "revoke")
        self._touch(view, event)
        view.delete(self.shares, memory_id=event.memory_id, bot_id=event.from_bot_id)

    @process_event.register(Memory.Merged)
    def _merged(self, event: Memory.Merged, view: View) -> None:
        self._audit_row(view, event, "merge")
        self._touch(view, event)

    @process_event.register(Memory.MergedAway)
    def _merged_away(self, event: Memory.MergedAway, view: View) -> None:
        self._set_status(view, event, MERGED, event.merged_into)
        view.delete(self.shares, memory_id=event.memory_id)

    @process_event.register(Bot.Deleted)
    def _bot_deleted(self, event: Bot.Deleted, view: View) -> None:
        view.delete(self.audit, bot_id=event.bot_id)
        view.delete(self.positions, bot_id=event.bot_id)
        view.delete(self.status, bot_id=event.bot_id)
        view.delete(self.shares, owner_bot_id=event.bot_id)
        view.delete(self.shares, bot_id=event.bot_id)

    def _audit_row(self, view: View, event: Any, action: str) -> None:
        view.insert(
            self.audit,
            id=event.audit_id,
            bot_id=event.bot_id,
            memory_id=event.memory_id,
            action=action,
            actor=event.actor,
            details=event.details_json,
            created_at=to_text(event.timestamp),
        )
        view.insert(
            self.positions,
            id=event.audit_id,
            bot_id=event.bot_id,
            memory_id=event.memory_id,
            position=view.position,
        )

    def _touch(self, view: View, event: Any) -> None:
        view.update(
            self.status,
            {"memory_id": event.memory_id},
            updated_at=to_text(event.timestamp),
        )

    def _set_status(
        self, view: View, event: Any, status: str, merged_into: str | None
    ) -> None:
        view.update(
            self.status,
            {"memory_id": event.memory_id},
            status=status,
            merged_into=merged_into,
            updated_at=to_text(event.timestamp),
        )
