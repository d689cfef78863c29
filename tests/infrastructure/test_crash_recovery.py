"""A process that dies after an event is committed but before it is projected
loses nothing: the next open catches the projections up before answering."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap

from boternity_store.infrastructure import open_store

CHILD = textwrap.dedent(
    """
    import os, sys
    from boternity_store.infrastructure import open_store

    store = open_store(sys.argv[1])
    store.bots.register("bot-1")
    store.kv.set("bot-1", "k", "projected")
    # Die right after the next event is committed, before it is projected.
    store._runner.catch_up = lambda *args, **kwargs: os._exit(9)
    store.kv.set("bot-1", "k", {"committed": True})
    """
)


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
