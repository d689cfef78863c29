"""The seed's key-value table as plain CRUD on PostgreSQL: the baseline for
the PostgreSQL figures. One ``INSERT ... ON CONFLICT DO UPDATE`` per write, in
its own transaction (autocommit: one round trip, one commit)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

SCHEMA = (
    """CREATE TABLE IF NOT EXISTS bot_kv_store (
        bot_id     TEXT NOT NULL,
        key        TEXT NOT NULL,
        value      TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (bot_id, key)
    )""",
    "CREATE INDEX IF NOT EXISTS idx_kv_bot_id ON bot_kv_store(bot_id)",
)
UPSERT = """
INSERT INTO bot_kv_store (bot_id, key, value, created_at, updated_at)
VALUES (%s, %s, %s, %s, %s)
ON CONFLICT (bot_id, key)
DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at
"""


def create_schema(dsn: str) -> None:
    import psycopg

    with psycopg.connect(dsn, autocommit=True) as db:
        for statement in SCHEMA:
            db.execute(statement)


class PgCrudKv:
    """``set`` as the seed's store would do it on PostgreSQL."""

    def __init__(self, dsn: str) -> None:
        import psycopg

        self.db = psycopg.connect(dsn, autocommit=True)

    def set(self, bot_id: str, key: str, value: Any) -> None:
        now = datetime.now(UTC).isoformat()
        self.db.execute(UPSERT, (bot_id, key, json.dumps(value), now, now))

    def close(self) -> None:
        self.db.close()
