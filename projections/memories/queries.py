"""Reads of the memory audit read tables, returning public models.

Rows with equal ``created_at`` are ordered by their log position, so the order
never depends on the database's whim. On SQLite that order is the row's rowid:
the projection inserts audit rows in log order (live and in a rebuild) and a
new rowid is above every existing one, so the index on ``(bot_id, created_at)``
read backwards gives the bot's newest rows with no sort and no join. PostgreSQL
joins ``memory_audit_positions``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import bindparam, literal_column, select

from boternity_store.domain.memories.models import (
    AuditAction,
    MemoryAuditEntry,
    MemoryInfo,
)
from boternity_store.domain.models import trusted_builder
from boternity_store.domain.validation import decode_json_value
from boternity_store.projections.engine.timestamps import from_text

if TYPE_CHECKING:
    from sqlalchemy import Engine, Select

    from boternity_store.projections.engine.fast_reads import FastReads
    from boternity_store.projections.memories.projection import MemoryAuditProjection


class MemoryAuditQueries:
    def __init__(
        self, engine: Engine, projection: MemoryAuditProjection, fast: FastReads
    ) -> None:
        self.engine = engine
        self.fast = fast
        self.audit = projection.audit
        self.positions = projection.positions
        self.status = projection.status
        self.shares = projection.shares

    def for_bot(self, bot_id: str, limit: int) -> list[MemoryAuditEntry]:
        rows = self.fast.rows(
            f"audit.for_bot.{limit}",
            lambda: self._for_bot(limit),
            {"bot_id": bot_id},
        )
        return [_entry_of(*row) for row in rows]

    def _for_bot(self, limit: int) -> Select[Any]:
        audit, positions = self.audit, self.positions
        query = select(audit).where(audit.c.bot_id == bindparam("bot_id"))
        if self.engine.dialect.name == "sqlite":
            log_order: Any = literal_column(f"{audit.name}.rowid")
        else:
            query = query.join(positions, positions.c.id == audit.c.id)
            log_order = positions.c.position
        return query.order_by(audit.c.created_at.desc(), log_order.desc()).limit(limit)

    def has_entry(self, audit_id: str) -> bool:
        audit = self.audit
        return bool(
            self.fast.rows(
                "audit.has_entry",
                lambda: select(audit.c.id).where(audit.c.id == bindparam("id")),
                {"id": audit_id},
            )
        )

    def for_memory(self, memory_id: str) -> list[MemoryAuditEntry]:
        audit, positions = self.audit, self.positions
        rows = self.fast.rows(
            "audit.for_memory",
            lambda: (
                select(audit)
                .join(positions, positions.c.id == audit.c.id)
                .where(positions.c.memory_id == bindparam("memory_id"))
                .order_by(audit.c.created_at, positions.c.position)
            ),
            {"memory_id": memory_id},
        )
        return [_entry_of(*row) for row in rows]

    def memory(self, memory_id: str) -> MemoryInfo | None:
        status, shares = self.status, self.shares
        query = (
            select(status, shares.c.bot_id.label("shared_with"))
            .outerjoin(shares, shares.c.memory_id == status.c.memory_id)
            .where(status.c.memory_id == memory_id)
            .order_by(shares.c.bot_id)
        )
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
        if not rows:
            return None
        row = rows[0]
        return MemoryInfo(
            memory_id=row.memory_id,
            bot_id=row.bot_id,
            status=row.status,
            merged_into=row.merged_into,
            shared_with=[r.shared_with for r in rows if r.shared_with is not None],
            created_at=from_text(row.created_at),
            updated_at=from_text(row.updated_at),
        )


def _entry_of(
    id: str,
    bot_id: str,
    memory_id: str,
    action: AuditAction,
    actor: str,
    details: str | None,
    created_at: str,
) -> MemoryAuditEntry:
    """A ``memory_audit_log`` row (in column order) as an entry, unvalidated:
    rows come from our own projection."""
    return _build_entry(
        {
            "id": id,
            "bot_id": bot_id,
            "memory_id": memory_id,
            "action": action,
            "actor": actor,
            "details": None if details is None else decode_json_value(details),
            "created_at": from_text(created_at),
        }
    )


_build_entry = trusted_builder(MemoryAuditEntry)
