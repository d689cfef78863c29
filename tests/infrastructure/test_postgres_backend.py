"""The same store on PostgreSQL: the scale-out engine needs no other code."""

from __future__ import annotations

import pytest

from boternity_store.infrastructure import BotNotFound, VersionConflict, open_store

pytestmark = pytest.mark.postgres


def test_bots_and_kv_work_on_postgres(pg_url: str) -> None:
    with open_store(pg_url) as store:
        store.bots.register("bot-1", name="Helper")
        store.kv.set("bot-1", "prefs", {"tone": "warm", "n": [1.0, 2]})
        assert store.kv.set("bot-1", "prefs", 7, expected_version=1).version == 2
        with pytest.raises(VersionConflict):
            store.kv.set("bot-1", "prefs", 8, expected_version=1)
        with store.batch():
            for i in range(3):
                store.kv.set("bot-1", f"k{i}", i)
        assert store.kv.list_keys("bot-1") == ["k0", "k1", "k2", "prefs"]
    with open_store(pg_url) as store:
        assert store.kv.get("bot-1", "prefs") == 7
        store.bots.delete("bot-1")
        assert store.kv.list_keys("bot-1") == []
        with pytest.raises(BotNotFound):
            store.kv.set("bot-1", "k", 1)
