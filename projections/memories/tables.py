"""The memory audit tables: ``memory_audit_log`` exactly as the seed declares it,
plus the companions the seed has no columns for: ``memory_audit_positions``
(each row's log position and memory), ``memory_status`` and ``memory_shares``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import CheckConstraint, Column, Index, Integer, Table, Text

from boternity_store.domain.memories.rules import ACTIONS

if TYPE_CHECKING:
    from boternity_store.projections.engine.projection import Projection

_ACTION_CHECK = "action IN ({})".format(", ".join(f"'{a}'" for a in ACTIONS))


def _index(p: Projection, name: str, *columns: Any) -> None:
    Index(p.table_name(name), *columns)


def audit_table(p: Projection) -> Table:
    table = Table(
        p.table_name("memory_audit_log"),
        p.metadata,
        Column("id", Text, primary_key=True, nullable=False),
        Column("bot_id", Text, nullable=False),
        Column("memory_id", Text, nullable=False),
        Column("action", Text, CheckConstraint(_ACTION_CHECK), nullable=False),
        Column("actor", Text, nullable=False),
        Column("details", Text),
        Column("created_at", Text, nullable=False),
    )
    _index(p, "idx_audit_bot", table.c.bot_id, table.c.created_at.desc())
    # Read backwards, it gives a bot's rows newest first, ties in log order
    # (rowid), with no sort: see memory_audit_queries. SQLite only.
    Index(
        p.table_name("idx_audit_bot_log_order"), table.c.bot_id, table.c.created_at
    ).ddl_if(dialect="sqlite")
    return table


def positions_table(p: Projection) -> Table:
    table = Table(
        p.table_name("memory_audit_positions"),
        p.metadata,
        Column("id", Text, primary_key=True, nullable=False),
        Column("bot_id", Text, nullable=False),
        Column("memory_id", Text, nullable=False),
        Column("position", Integer, nullable=False),
    )
    _index(p, "idx_audit_positions_memory", table.c.memory_id)
    _index(p, "idx_audit_positions_bot", table.c.bot_id)
    return table


def status_table(p: Projection) -> Table:
    table = Table(
        p.table_name("memory_status"),
        p.metadata,
        Column("memory_id", Text, primary_key=True, nullable=False),
        Column("bot_id", Text, nullable=False),
        Column("status", Text, nullable=False),
        Column("merged_into", Text),
        Column("created_at", Text, nullable=False),
        Column("updated_at", Text, nullable=False),
    )
    _index(p, "idx_memory_status_bot", table.c.bot_id)
    return table


def shares_table(p: Projection) -> Table:
    table = Table(
        p.table_name("memory_shares"),
        p.metadata,
        Column("memory_id", Text, primary_key=True, nullable=False),
        Column("bot_id", Text, primary_key=True, nullable=False),
        Column("owner_bot_id", Text, nullable=False),
    )
    _index(p, "idx_memory_shares_bot", table.c.bot_id)
    _index(p, "idx_memory_shares_owner", table.c.owner_bot_id)
    return table
