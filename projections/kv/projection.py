"""Where a KV write becomes a row: ``bot_kv_store`` (exactly the seed's table)
plus ``bot_kv_versions`` (each entry's write count and last writer, for
``KvEntry.version`` and ``KvEntry.updated_by``)."""

from __future__ import annotations

from functools import singledispatchmethod
from typing import TYPE_CHECKING

from sqlalchemy import Column, Index, Integer, Table, Text

from boternity_store.domain import Bot, KvKey
from boternity_store.projections.engine.projection import Projection, seed_foreign_key
from boternity_store.projections.engine.timestamps import to_text

if TYPE_CHECKING:
    from boternity_store.projections.engine.view import View

_KEY = ("bot_id", "key")


class KvProjection(Projection):
    name = "kv"
    version = 2  # 2: bot_kv_versions.updated_by

    def define_tables(self) -> list[Table]:
        Table("bots", self.metadata, Column("id", Text, primary_key=True))  # FK target
        self.kv = Table(
            self.table_name("bot_kv_store"),
            self.metadata,
            Column("bot_id", Text, nullable=False, primary_key=True),
            Column("key", Text, nullable=False, primary_key=True),
            Column("value", Text, nullable=False),
            Column("created_at", Text, nullable=False),
            Column("updated_at", Text, nullable=False),
            seed_foreign_key("bot_id", "bots.id"),
        )
        Index(self.table_name("idx_kv_bot_id"), self.kv.c.bot_id)
        self.versions = Table(
            self.table_name("bot_kv_versions"),
            self.metadata,
            Column("bot_id", Text, nullable=False, primary_key=True),
            Column("key", Text, nullable=False, primary_key=True),
            Column("version", Integer, nullable=False),
            Column("updated_by", Text, nullable=False),
        )
        return [self.kv, self.versions]

    @singledispatchmethod
    def process_event(self, event: object, view: View) -> None:
        pass

    @process_event.register(KvKey.FirstValueSet)
    def _first_set(self, event: KvKey.FirstValueSet, view: View) -> None:
        self._write(
            view,
            event.bot_id,
            event.key,
            event.value_json,
            1,
            to_text(event.timestamp),
            event.actor,
        )

    @process_event.register(KvKey.ValueSet)
    def _set(self, event: KvKey.ValueSet, view: View) -> None:
        self._write(
            view,
            event.bot_id,
            event.key,
            event.value_json,
            event.entry_version,
            to_text(event.timestamp),
            event.actor,
        )

    def _write(
        self,
        view: View,
        bot_id: str,
        key: str,
        value_json: str,
        version: int,
        at: str,
        actor: str,
    ) -> None:
        row = {
            "bot_id": bot_id,
            "key": key,
            "value": value_json,
            "created_at": at,
            "updated_at": at,
        }
        # A new entry (version 1) takes a new created_at; later writes keep it.
        update = (
            ("value", "created_at", "updated_at")
            if version == 1
            else ("value", "updated_at")
        )
        view.upsert(self.kv, row, key=_KEY, update=update)
        view.upsert(
            self.versions,
            {"bot_id": bot_id, "key": key, "version": version, "updated_by": actor},
            key=_KEY,
            update=("version", "updated_by"),
        )

    @process_event.register(KvKey.ValueDeleted)
    def _deleted(self, event: KvKey.ValueDeleted, view: View) -> None:
        view.delete(self.kv, bot_id=event.bot_id, key=event.key)
        view.delete(self.versions, bot_id=event.bot_id, key=event.key)

    @process_event.register(Bot.Deleted)
    def _bot_deleted(self, event: Bot.Deleted, view: View) -> None:
        view.delete(self.kv, bot_id=event.bot_id)
        view.delete(self.versions, bot_id=event.bot_id)
