"""File metadata in one transaction (batch), after a rebuild, and on PostgreSQL."""

from __future__ import annotations

import sqlite3

import pytest

from boternity_store.infrastructure import Store, open_store

SEED_SCHEMA = {
    "bot_files": [
        ("id", "TEXT", 1, None, 1),
        ("bot_id", "TEXT", 1, None, 0),
        ("filename", "TEXT", 1, None, 0),
        ("mime_type", "TEXT", 1, "'application/octet-stream'", 0),
        ("size_bytes", "INTEGER", 1, None, 0),
        ("version", "INTEGER", 1, "1", 0),
        ("is_indexed", "INTEGER", 1, "0", 0),
        ("created_at", "TEXT", 1, None, 0),
        ("updated_at", "TEXT", 1, None, 0),
    ],
    "bot_file_versions": [
        ("id", "TEXT", 1, None, 1),
        ("file_id", "TEXT", 1, None, 0),
        ("version", "INTEGER", 1, None, 0),
        ("size_bytes", "INTEGER", 1, None, 0),
        ("created_at", "TEXT", 1, None, 0),
    ],
}


def schema(store: Store) -> dict[str, object]:
    found: dict[str, object] = {}
    with sqlite3.connect(store.config.sqlite_path) as db:
        for table in SEED_SCHEMA:
            found[table] = [r[1:] for r in db.execute(f"PRAGMA table_info({table})")]
            found[f"{table} fks"] = [
                (r[2], r[3], r[4], r[6])
                for r in db.execute(f"PRAGMA foreign_key_list({table})")
            ]
        found["unique"] = [
            [c[2] for c in db.execute(f"PRAGMA index_info('{r[1]}')")]
            for r in db.execute("PRAGMA index_list(bot_files)")
            if r[3] == "u"
        ]
        found["indexes"] = db.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' "
            "AND tbl_name LIKE 'bot_file%' AND sql IS NOT NULL ORDER BY name"
        ).fetchall()
    return found


@pytest.mark.sqlite_only  # reads the SQLite file itself
def test_the_seed_tables_are_created_exactly(store: Store) -> None:
    found = schema(store)
    for table, columns in SEED_SCHEMA.items():
        assert found[table] == columns
    assert found["bot_files fks"] == [("bots", "bot_id", "id", "CASCADE")]
    assert found["bot_file_versions fks"] == [("bot_files", "file_id", "id", "CASCADE")]
    assert found["unique"] == [["bot_id", "filename"]]
    indexes = dict(found["indexes"])  # type: ignore[call-overload]
    assert indexes["idx_files_bot"] == (
        "CREATE INDEX idx_files_bot ON bot_files (bot_id)"
    )
    assert indexes["idx_file_versions"] == (
        "CREATE INDEX idx_file_versions ON bot_file_versions (file_id, version DESC)"
    )


def churn(store: Store) -> str:
    """Create, bump, delete and recreate files in ONE batch; return the new id."""
    with store.batch():
        store.files.put("bot-1", "a.txt", size_bytes=1, actor="u")
        old = store.files.put("bot-1", "a.txt", size_bytes=2, actor="u")
        store.files.mark_indexing(old.id)
        store.files.delete_file("bot-1", "a.txt")
        new = store.files.put("bot-1", "a.txt", size_bytes=3, actor="u")
        store.files.put("bot-2", "gone.txt", size_bytes=1, actor="u")
        store.bots.delete("bot-2")
    return new.id


def check_churned(store: Store, new_id: str) -> None:
    files = [f for f in store.files.list_files("bot-1") if f.filename == "a.txt"]
    assert [(f.id, f.version, f.size_bytes) for f in files] == [(new_id, 1, 3)]
    assert [v.version for v in store.files.get_versions(new_id)] == [1]
    assert store.files.list_files("bot-2") == []


def test_a_batch_of_creates_and_deletes_projects_in_order(store: Store) -> None:
    store.bots.register("bot-1")
    store.bots.register("bot-2")
    check_churned(store, churn(store))
    assert store.projections.verify(["files"]) == []


def test_a_rebuild_reproduces_the_same_rows(store: Store) -> None:
    store.bots.register("bot-1")
    store.bots.register("bot-2")
    new_id = churn(store)
    before = store.files.get_file_by_id(new_id)
    tables = schema(store)
    store.projections.rebuild(["files"])
    assert schema(store) == tables
    assert store.files.get_file_by_id(new_id) == before
    check_churned(store, new_id)
    assert store.files.put("bot-1", "a.txt", size_bytes=4, actor="u").version == 2


@pytest.mark.postgres
def test_files_work_on_postgres(pg_url: str) -> None:
    with open_store(pg_url) as store:
        store.bots.register("bot-1")
        store.bots.register("bot-2")
        new_id = churn(store)
        check_churned(store, new_id)
        store.files.mark_indexed(new_id, version=1)
        big = store.files.put("bot-1", "big.bin", size_bytes=2**40, actor="u")
        assert store.projections.verify(["files"]) == []
    with open_store(pg_url) as store:
        check_churned(store, new_id)
        assert store.files.get_file("bot-1", "big.bin") == big
        store.bots.delete("bot-1")
        assert store.files.list_files("bot-1") == []
        assert store.files.get_versions(new_id) == []
