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


def test_rebuild_and_verify_work_on_postgres(pg_url: str) -> None:
    import psycopg

    with open_store(pg_url) as store:
        store.bots.register("b")
        for i in range(30):
            store.kv.set("b", f"k{i % 4}", i)
        store.memories.add("b", "m1", actor="t")
        # Twice: the second rebuild must not collide with the first's index names.
        store.projections.rebuild()
        store.projections.rebuild()
        assert store.projections.verify() == []
        dsn = pg_url.replace("postgresql+psycopg", "postgresql")
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute("UPDATE bot_kv_store SET value = '0' WHERE key = 'k1'")
            indexes = {r[0] for r in conn.execute("SELECT indexname FROM pg_indexes")}
        assert "idx_kv_bot_id" in indexes
        assert not any("__rebuild" in name for name in indexes)
        assert [d.table for d in store.projections.verify()] == ["bot_kv_store"]
        store.projections.rebuild(["kv"])
        assert store.projections.verify() == []
        assert store.kv.get("b", "k1") == 29


def test_a_bot_deleted_by_another_process_refuses_writes_here_on_postgres(
    pg_url: str,
) -> None:
    with open_store(pg_url) as here, open_store(pg_url) as there:
        here.bots.register("bot-1")
        here.kv.set("bot-1", "k", 1)  # cached here as live
        there.bots.delete("bot-1")
        with pytest.raises(BotNotFound):
            here.kv.set("bot-1", "k", 2)
        there.bots.register("bot-1")  # a new incarnation, seen here too
        assert here.kv.set("bot-1", "k", 3).version == 1


def test_a_store_holds_a_handful_of_connections(pg_url: str) -> None:
    """Eight writer processes with a store each, and their runners, must fit
    in PostgreSQL's default max_connections (100) with room to spare."""
    import psycopg

    database = pg_url.rsplit("/", 1)[1]
    dsn = pg_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(dsn, autocommit=True) as probe:

        def connections() -> int:
            row = probe.execute(
                "SELECT count(*) FROM pg_stat_activity"
                " WHERE datname = %s AND pid <> pg_backend_pid()",
                (database,),
            ).fetchone()
            assert row is not None
            return int(row[0])

        with open_store(pg_url) as store:
            store.bots.register("b")
            for n in range(20):
                store.kv.set("b", f"k{n}", n)
                assert store.kv.get("b", f"k{n}") == n
            store.history.events(limit=10)
            assert connections() <= 5
