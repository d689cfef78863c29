"""The seed's design, as it would be written in Python: plain SQLite CRUD
tables, one transaction per write, WAL, synchronous=FULL. The baseline."""

from __future__ import annotations

import json
import sqlite3
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

SCHEMA = """
CREATE TABLE IF NOT EXISTS bot_kv_store (
    bot_id     TEXT NOT NULL,
    key        TEXT NOT NULL,
    value      TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (bot_id, key)
);
CREATE INDEX IF NOT EXISTS idx_kv_bot_id ON bot_kv_store(bot_id);
CREATE TABLE IF NOT EXISTS memory_audit_log (
    id         TEXT PRIMARY KEY NOT NULL,
    bot_id     TEXT NOT NULL,
    memory_id  TEXT NOT NULL,
    action     TEXT NOT NULL,
    actor      TEXT NOT NULL,
    details    TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS idx_audit_bot ON memory_audit_log(bot_id, created_at DESC);
"""


def connect(path: Path) -> sqlite3.Connection:
    db = sqlite3.connect(
        path, isolation_level=None, check_same_thread=False, timeout=30
    )
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=FULL")
    return db


def create_schema(path: Path) -> None:
    with connect(path) as db:
        db.executescript(SCHEMA)


class CrudKv:
    """The seed's SqliteKvStore: INSERT OR REPLACE, one transaction per write."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def set(self, bot_id: str, key: str, value: Any) -> None:
        now = datetime.now(UTC).isoformat()
        self.db.execute("BEGIN")
        self.db.execute(
            "INSERT OR REPLACE INTO bot_kv_store VALUES (?, ?, ?, ?, ?)",
            (bot_id, key, json.dumps(value), now, now),
        )
        self.db.execute("COMMIT")

    def get(self, bot_id: str, key: str) -> Any:
        row = self.db.execute(
            "SELECT value FROM bot_kv_store WHERE bot_id = ? AND key = ?", (bot_id, key)
        ).fetchone()
        return None if row is None else json.loads(row[0])


class CrudAudit:
    """The seed's SqliteAuditLog."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def log(self, bot_id: str, memory_id: str, action: str) -> None:
        self.db.execute("BEGIN")
        self.db.execute(
            "INSERT INTO memory_audit_log VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                str(uuid.uuid4()),
                bot_id,
                memory_id,
                action,
                "bench",
                None,
                datetime.now(UTC).isoformat(),
            ),
        )
        self.db.execute("COMMIT")

    def get_for_bot(self, bot_id: str, limit: int = 100) -> list[dict[str, Any]]:
        cursor = self.db.execute(
            "SELECT * FROM memory_audit_log WHERE bot_id = ? "
            "ORDER BY created_at DESC LIMIT ?",
            (bot_id, limit),
        )
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor]
