"""Reads of the KV read tables, returning public models."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import bindparam, func, select

from boternity_store.domain.models import KvEntry
from boternity_store.domain.validation import decode_json_value
from boternity_store.projections.engine.timestamps import from_text

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from boternity_store.projections.engine.fast_reads import FastReads
    from boternity_store.projections.kv.projection import KvProjection


class KvQueries:
    def __init__(
        self, engine: Engine, projection: KvProjection, fast: FastReads
    ) -> None:
        self.engine = engine
        self.fast = fast
        self.kv = kv = projection.kv
        self.versions = projection.versions
        self._read_value = fast.point_reader(
            "kv.value",
            lambda: select(kv.c.value).where(
                kv.c.bot_id == bindparam("bot_id"), kv.c.key == bindparam("key")
            ),
            order=("bot_id", "key"),
        )
        self._read_key = fast.point_reader(
            "kv.key",
            lambda: select(kv.c.key).where(
                kv.c.bot_id == bindparam("bot_id"), kv.c.key == bindparam("key")
            ),
            order=("bot_id", "key"),
        )

    def exists(self, bot_id: str, key: str) -> bool:
        """Whether the read table has the key (as far as it is projected)."""
        return self._read_key(bot_id, key) is not None

    def get(self, bot_id: str, key: str) -> Any:
        row = self._read_value(bot_id, key)
        return None if row is None else decode_json_value(row[0])

    def get_entry(self, bot_id: str, key: str) -> KvEntry | None:
        kv, versions = self.kv, self.versions
        query = (
            select(kv, versions.c.version, versions.c.updated_by)
            .join(
                versions,
                (versions.c.bot_id == kv.c.bot_id) & (versions.c.key == kv.c.key),
            )
            .where(kv.c.bot_id == bot_id, kv.c.key == key)
        )
        with self.engine.connect() as conn:
            row = conn.execute(query).one_or_none()
        if row is None:
            return None
        return KvEntry(
            bot_id=row.bot_id,
            key=row.key,
            value=decode_json_value(row.value),
            version=row.version,
            created_at=from_text(row.created_at),
            updated_at=from_text(row.updated_at),
            updated_by=row.updated_by,
        )

    def list_keys(self, bot_id: str, prefix: str | None = None) -> list[str]:
        query = select(self.kv.c.key).where(self.kv.c.bot_id == bot_id)
        if prefix:
            query = query.where(func.substr(self.kv.c.key, 1, len(prefix)) == prefix)
        with self.engine.connect() as conn:
            return list(conn.execute(query.order_by(self.kv.c.key)).scalars())
