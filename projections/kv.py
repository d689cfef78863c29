"""Where a KV write becomes a row: ``bot_kv_store`` (exactly the seed's table)
plus ``bot_kv_versions`` (each entry's write count, for ``KvEntry.version``)."""

from __future__ import annotations

from functools import singledispatchmethod
from typing import TYPE_CHECKING

from sqlalchemy import Column, ForeignKey, Index, Integer, Table, Text, delete

from boternity_store.domain import Bot, KvKey

from .engine import Projection
from .sql import upsert
from .timestamps import to_text

if TYPE_CHECKING:
    from sqlalchemy import Connection


class KvProjection(Projection):
    name = "kv"
    version = 1

    def define_tables(self) -> list[Table]:
        Table("bots", self.metadata, Column("id", Text, primary_key=True))  # FK target
        self.kv = Table(
            self.table_name("bot_kv_store"),
            self.metadata,
            Column("bot_id", Text, ForeignKey("bots.id", ondelete="CASCADE"),
                   nullable=False, primary_key=True),
            Column("key", Text, nullable=False, primary_key=True),
            Column("value", Text, nullable=False),
            Column("created_at", Text, nullable=False),
            Column("updated_at", Text, nullable=False),
        )
        Index(self.table_name("idx_kv_bot_id"), self.kv.c.bot_id)
        self.versions = Table(
            self.table_name("bot_kv_versions"),
            self.metadata,
            Column("bot_id", Text, nullable=False, primary_key=True),
            Column("key", Text, nullable=False, primary_key=True),
            Column("version", Integer, nullable=False),
        )
        return [self.kv, self.versions]

    @singledispatchmethod
    def process_event(self, event: object, conn: Connection) -> None:
        pass

    @process_event.register(KvKey.FirstValueSet)
    def _first_set(self, event: KvKey.FirstValueSet, conn: Connection) -> None:
        self._write(conn, event.bot_id, event.key, event.value_json, 1, event)

    @process_event.register(KvKey.ValueSet)
    def _set(self, event: KvKey.ValueSet, conn: Connection) -> None:
        self._write(conn, event.bot_id, event.key, event.value_json,
                    event.entry_version, event)

    def _write(self, conn: Connection, bot_id: str, key: str, value_json: str,
               version: int, event: KvKey.FirstValueSet | KvKey.ValueSet) -> None:
        at = to_text(event.timestamp)
        row = {"bot_id": bot_id, "key": key, "value": value_json, "updated_at": at,
               "created_at": at}
        # A new entry (version 1) takes a new created_at; later writes keep it.
        update = ["value", "updated_at", "created_at"] if version == 1 else [
            "value", "updated_at"]
        upsert(conn, self.kv, row, key=["bot_id", "key"], update=update)
        upsert(conn, self.versions, {"bot_id": bot_id, "key": key, "version": version},
               key=["bot_id", "key"], update=["version"])

    @process_event.register(KvKey.ValueDeleted)
    def _deleted(self, event: KvKey.ValueDeleted, conn: Connection) -> None:
        for table in (self.kv, self.versions):
            conn.execute(delete(table).where(
                table.c.bot_id == event.bot_id, table.c.key == event.key))

    @process_event.register(Bot.Deleted)
    def _bot_deleted(self, event: Bot.Deleted, conn: Connection) -> None:
        for table in (self.kv, self.versions):
            conn.execute(delete(table).where(table.c.bot_id == event.bot_id))
