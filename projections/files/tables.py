"""The file metadata tables: ``bot_files`` and ``bot_file_versions`` exactly as
the seed declares them, plus ``bot_file_status`` (content hash and indexing
status, which the seed's tables have no column for)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import (
    Column,
    Index,
    Integer,
    Table,
    Text,
    UniqueConstraint,
    text,
)

from boternity_store.domain.files.rules import DEFAULT_MIME_TYPE
from boternity_store.projections.engine.columns import INT64
from boternity_store.projections.engine.projection import seed_foreign_key

if TYPE_CHECKING:
    from boternity_store.projections.engine.projection import Projection

SIZE = INT64


def files_table(p: Projection) -> Table:
    Table("bots", p.metadata, Column("id", Text, primary_key=True))  # FK target
    table = Table(
        p.table_name("bot_files"),
        p.metadata,
        Column("id", Text, primary_key=True, nullable=False),
        Column("bot_id", Text, nullable=False),
        Column("filename", Text, nullable=False),
        Column(
            "mime_type",
            Text,
            nullable=False,
            server_default=text(f"'{DEFAULT_MIME_TYPE}'"),
        ),
        Column("size_bytes", SIZE, nullable=False),
        Column("version", Integer, nullable=False, server_default=text("1")),
        Column("is_indexed", Integer, nullable=False, server_default=text("0")),
        Column("created_at", Text, nullable=False),
        Column("updated_at", Text, nullable=False),
        seed_foreign_key("bot_id", "bots.id"),
        UniqueConstraint("bot_id", "filename"),
    )
    Index(p.table_name("idx_files_bot"), table.c.bot_id)
    return table


def versions_table(p: Projection, files: Table) -> Table:
    table = Table(
        p.table_name("bot_file_versions"),
        p.metadata,
        Column("id", Text, primary_key=True, nullable=False),
        Column("file_id", Text, nullable=False),
        Column("version", Integer, nullable=False),
        Column("size_bytes", SIZE, nullable=False),
        Column("created_at", Text, nullable=False),
        seed_foreign_key("file_id", f"{files.name}.id"),
    )
    Index(p.table_name("idx_file_versions"), table.c.file_id, table.c.version.desc())
    return table


def status_table(p: Projection) -> Table:
    table = Table(
        p.table_name("bot_file_status"),
        p.metadata,
        Column("file_id", Text, primary_key=True, nullable=False),
        Column("bot_id", Text, nullable=False),
        Column("sha256", Text),
        Column("index_status", Text, nullable=False),
        Column("indexed_version", Integer),
        Column("index_error", Text),
    )
    Index(p.table_name("idx_file_status_bot"), table.c.bot_id)
    Index(p.table_name("idx_file_status_needing"), table.c.index_status)
    return table
