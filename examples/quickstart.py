"""Quickstart: register a bot, write and read its key-value store, then look at
what is on disk — the seed's read table ``bot_kv_store`` and the append-only
event log it was projected from. Uses ``$BOTERNITY_STORE_URL`` or
``sqlite:///boternity.db`` in the working directory."""

from __future__ import annotations

import sqlite3

from boternity_store.infrastructure import open_store

with open_store() as store:
    if store.bots.get("bot-1") is None:
        store.bots.register("bot-1", name="Helper", actor="admin")

    store.kv.set(
        "bot-1", "prefs", {"tone": "warm", "langs": ["en", "de"]}, actor="bot-1"
    )
    entry = store.kv.set("bot-1", "visits", (store.kv.get("bot-1", "visits") or 0) + 1)
    print("prefs  =", store.kv.get("bot-1", "prefs"))
    print("visits =", entry.value, f"(version {entry.version})")
    print("keys   =", store.kv.list_keys("bot-1"))

    if store.config.backend == "sqlite":
        print("\nread table bot_kv_store:")
        with sqlite3.connect(store.config.sqlite_path) as db:
            for row in db.execute("SELECT * FROM bot_kv_store ORDER BY key"):
                print("  ", row)

    print("\nevent log (newest 5 of", store.history.head(), "events):")
    for event in store.history.events(after=max(0, store.history.head() - 5)):
        print(f"   #{event.position} {event.type:<22} by {event.actor}: {event.data}")
