from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from datetime import UTC

import pytest
from hypothesis import HealthCheck, given, settings

from boternity_store.infrastructure import (
    BotNotFound,
    KvEntry,
    KvStore,
    Store,
    VersionConflict,
)
from tests.conftest import FakeClock
from tests.domain.test_validation import json_values


def test_kv_is_a_kv_store(store: Store) -> None:
    kv: KvStore = store.kv
    assert kv is store.kv


# The seed's own KV tests.
def test_object_value_round_trips(store: Store, bot: str) -> None:
    store.kv.set(bot, "prefs", {"tone": "warm", "langs": ["en", "de"]}, actor=bot)
    assert store.kv.get(bot, "prefs") == {"tone": "warm", "langs": ["en", "de"]}


def test_array_value_round_trips(store: Store, bot: str) -> None:
    store.kv.set(bot, "list", [1, "two", 3.0, None, True])
    assert store.kv.get(bot, "list") == [1, "two", 3.0, None, True]


def test_nested_value_round_trips(store: Store, bot: str) -> None:
    value = {"a": {"b": [{"c": [1, {"d": None}]}]}, "e": []}
    store.kv.set(bot, "nested", value)
    assert store.kv.get(bot, "nested") == value


def test_delete_removes_the_entry(store: Store, bot: str) -> None:
    store.kv.set(bot, "k", 1)
    assert store.kv.delete(bot, "k") is True
    assert store.kv.get(bot, "k") is None
    assert store.kv.get_entry(bot, "k") is None
    assert store.kv.delete(bot, "k") is False


def test_list_keys_is_sorted_and_filters_by_prefix(store: Store, bot: str) -> None:
    for key in ["pref.b", "zeta", "Pref.x", "pref.a", "alpha"]:
        store.kv.set(bot, key, 0)
    assert store.kv.list_keys(bot) == ["Pref.x", "alpha", "pref.a", "pref.b", "zeta"]
    assert store.kv.list_keys(bot, prefix="pref.") == ["pref.a", "pref.b"]
    assert store.kv.list_keys(bot, prefix="%") == []


def test_missing_key_gives_none(store: Store, bot: str) -> None:
    assert store.kv.get(bot, "nothing") is None
    assert store.kv.get_entry(bot, "nothing") is None


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(value=json_values)
def test_any_json_value_comes_back_equal(store: Store, bot: str, value: object) -> None:
    store.kv.set(bot, "v", value)
    back = store.kv.get(bot, "v")
    assert back == value
    assert json.dumps(back) == json.dumps(value)  # float stays float, order kept


def test_entry_version_counts_writes_and_restarts_after_delete(
    store: Store, bot: str, clock: FakeClock
) -> None:
    first = store.kv.set(bot, "k", "a")
    clock.advance(5)
    second = store.kv.set(bot, "k", "b")
    assert (first.version, second.version) == (1, 2)
    assert second.created_at == first.created_at < second.updated_at
    assert store.kv.get_entry(bot, "k") == second
    store.kv.delete(bot, "k")
    clock.advance(5)
    again = store.kv.set(bot, "k", "c")
    assert again.version == 1
    assert again.created_at == clock.now


def test_entry_times_are_utc_aware(store: Store, bot: str) -> None:
    entry = store.kv.set(bot, "k", 1)
    assert entry.created_at.tzinfo == UTC
    assert isinstance(entry, KvEntry)


def test_compare_and_set(store: Store, bot: str) -> None:
    # Create only if missing.
    store.kv.set(bot, "k", "a", expected_version=0)
    with pytest.raises(VersionConflict):
        store.kv.set(bot, "k", "b", expected_version=0)
    # Update at the current version.
    assert store.kv.set(bot, "k", "c", expected_version=1).version == 2
    head = store.history.head()
    with pytest.raises(VersionConflict):
        store.kv.set(bot, "k", "d", expected_version=1)
    # Nothing written by the refused set.
    assert store.history.head() == head
    assert store.kv.get(bot, "k") == "c"


def test_writes_for_unknown_or_deleted_bots_are_refused(store: Store, bot: str) -> None:
    with pytest.raises(BotNotFound):
        store.kv.set("ghost", "k", 1)
    store.bots.delete(bot)
    with pytest.raises(BotNotFound):
        store.kv.set(bot, "k", 1)
    with pytest.raises(BotNotFound):
        store.kv.delete(bot, "k")


def test_state_survives_a_restart(reopen: Callable[[], Store]) -> None:
    store = reopen()
    store.bots.register("bot-1")
    store.kv.set("bot-1", "k", {"x": [1.5]})
    store.kv.set("bot-1", "k", {"x": [2.5]})
    before = store.kv.get_entry("bot-1", "k")
    store.close()
    again = reopen()
    assert again.kv.get_entry("bot-1", "k") == before
    assert again.kv.set("bot-1", "k", 0).version == 3


@pytest.mark.sqlite_only  # reads the SQLite file itself
def test_one_sqlite_file_holds_events_and_read_tables(
    store: Store, bot: str, db_url: str
) -> None:
    store.kv.set(bot, "k", {"a": 1})
    path = db_url.removeprefix("sqlite:///")
    with sqlite3.connect(path) as db:
        tables = {r[0] for r in db.execute("select name from sqlite_master")}
        row = db.execute("select bot_id, key, value from bot_kv_store").fetchone()
    assert {"stored_events", "bot_kv_store", "bots", "projection_tracking"} <= tables
    assert row == (bot, "k", '{"a":1}')


def test_batch_commits_all_writes_in_one_transaction(store: Store, bot: str) -> None:
    with store.batch():
        for i in range(10):
            store.kv.set(bot, f"k{i}", i)
    assert store.kv.list_keys(bot) == sorted(f"k{i}" for i in range(10))


def test_failed_batch_records_nothing(store: Store, bot: str) -> None:
    head = store.history.head()
    with pytest.raises(RuntimeError), store.batch():
        store.kv.set(bot, "a", 1)
        raise RuntimeError("abort")
    assert store.history.head() == head
    assert store.kv.get(bot, "a") is None
    assert store.kv.set(bot, "a", 2).version == 1


def test_reads_inside_a_batch_see_its_writes_and_others_do_not(
    store: Store, bot: str
) -> None:
    import threading

    store.kv.set(bot, "kept", 1)
    store.kv.set(bot, "gone", 2)
    seen_elsewhere: list[object] = []
    with store.batch():
        store.kv.set(bot, "new", {"a": 1})
        store.kv.set(bot, "kept", 10)
        store.kv.delete(bot, "gone")
        # Read-your-writes inside the batch.
        assert store.kv.get(bot, "new") == {"a": 1}
        entry = store.kv.get_entry(bot, "kept")
        assert entry is not None and (entry.value, entry.version) == (10, 2)
        assert store.kv.get(bot, "gone") is None
        assert store.kv.list_keys(bot) == ["kept", "new"]
        assert store.kv.list_keys(bot, prefix="n") == ["new"]
        # Another thread reads the committed state only.
        reader = threading.Thread(
            target=lambda: seen_elsewhere.append(store.kv.get(bot, "kept"))
        )
        reader.start()
        reader.join()
    assert seen_elsewhere == [1]
    # And after the batch, everyone reads it.
    assert store.kv.list_keys(bot) == ["kept", "new"]
    assert store.kv.get(bot, "kept") == 10


def test_reads_inside_a_batch_follow_a_bot_deleted_and_registered_in_it(
    store: Store, bot: str
) -> None:
    store.kv.set(bot, "old", 1)
    with store.batch():
        store.bots.delete(bot)
        assert store.kv.list_keys(bot) == []
        store.bots.register(bot)
        assert store.kv.get(bot, "old") is None
        store.kv.set(bot, "fresh", 2)
        assert store.kv.list_keys(bot) == ["fresh"]
    assert store.kv.list_keys(bot) == ["fresh"]
