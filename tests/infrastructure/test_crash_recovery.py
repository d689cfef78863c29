"""A process that dies after an event is committed but before it is projected
loses nothing: the next open catches the projections up before answering."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap

import pytest

from boternity_store.infrastructure import Store, open_store

CHILD = textwrap.dedent(
    """
    import os, sys
    from boternity_store.infrastructure import open_store

    store = open_store(sys.argv[1])
    store.bots.register("bot-1")
    store.kv.set("bot-1", "k", "projected")
    # Die right after the next event is committed, before it is projected.
    # (On SQLite events and their projection normally commit together; a
    # handler that raises makes the events commit alone, then catch up.)
    def fail(*args, **kwargs):
        raise RuntimeError("handler failed")

    store._runner.apply_appended = fail
    store._runner.catch_up = lambda *args, **kwargs: os._exit(9)
    store.kv.set("bot-1", "k", {"committed": True})
    """
)


@pytest.mark.sqlite_only  # reads the SQLite file itself
def test_reopen_projects_events_committed_before_a_crash(db_url: str) -> None:
    child = subprocess.run([sys.executable, "-c", CHILD, db_url], check=False)
    assert child.returncode == 9
    # The read table still shows the old value: the crash hit before projecting.
    with sqlite3.connect(db_url.removeprefix("sqlite:///")) as db:
        (value,) = db.execute("select value from bot_kv_store").fetchone()
    assert value == '"projected"'
    # Reopen: the projection catches up before the first read is answered.
    with open_store(db_url) as store:
        entry = store.kv.get_entry("bot-1", "k")
        assert entry is not None
        assert (entry.value, entry.version) == ({"committed": True}, 2)


@pytest.mark.sqlite_only  # reads the SQLite file itself
def test_a_write_commits_its_events_and_their_projection_in_one_durable_transaction(
    store: Store, bot: str
) -> None:
    dbapi = store._appender._conn.connection.dbapi_connection  # type: ignore[attr-defined]
    assert dbapi.execute("PRAGMA synchronous").fetchone() == (2,)  # FULL
    statements: list[str] = []
    dbapi.set_trace_callback(statements.append)
    try:
        store.kv.set(bot, "k", {"v": 1})
    finally:
        dbapi.set_trace_callback(None)
    verbs = [" ".join(s.split()[:3]).upper() for s in statements]
    start = verbs.index("BEGIN IMMEDIATE")
    # Before it, only the check for other processes' writes (see foreign_writes).
    assert all(v == "PRAGMA DATA_VERSION" for v in verbs[:start])
    verbs = verbs[start:]
    assert verbs[-1] == "COMMIT"
    assert [v for v in verbs if v in ("BEGIN IMMEDIATE", "COMMIT")] == [
        "BEGIN IMMEDIATE",
        "COMMIT",
    ]
    assert any(v.startswith("INSERT INTO STORED_EVENTS") for v in verbs)
    assert any("BOT_KV_STORE" in v for v in verbs)
    assert store.kv.get(bot, "k") == {"v": 1}
