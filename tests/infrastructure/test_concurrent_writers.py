"""Several writers on one database: optimistic concurrency, nothing lost."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from collections.abc import Callable

import pytest

from boternity_store.infrastructure import BotNotFound, Store, VersionConflict


def test_two_processes_alternating_on_one_key_never_lose_a_write(
    reopen: Callable[[], Store],
) -> None:
    a, b = reopen(), reopen()
    a.bots.register("bot-1")
    versions = []
    for i in range(6):
        writer = a if i % 2 == 0 else b  # each has a stale cache of the other
        versions.append(writer.kv.set("bot-1", "k", i).version)
    assert versions == [1, 2, 3, 4, 5, 6]
    assert a.kv.get("bot-1", "k") == 5 == b.kv.get("bot-1", "k")


def test_compare_and_set_from_many_threads_lets_exactly_one_win_per_version(
    store: Store, bot: str
) -> None:
    store.kv.set(bot, "counter", 0)
    wins: list[int] = []

    def increment() -> None:
        for _ in range(20):
            while True:
                entry = store.kv.get_entry(bot, "counter")
                assert entry is not None
                try:
                    store.kv.set(
                        bot, "counter", entry.value + 1, expected_version=entry.version
                    )
                except VersionConflict:
                    continue
                wins.append(1)
                break

    threads = [threading.Thread(target=increment) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(wins) == 80
    assert store.kv.get(bot, "counter") == 80
    entry = store.kv.get_entry(bot, "counter")
    assert entry is not None and entry.version == 81


WRITER = """
import json, sys
from boternity_store.infrastructure import open_store

url, name, writes = sys.argv[1], sys.argv[2], int(sys.argv[3])
with open_store(url) as store:
    print("ready", flush=True)
    sys.stdin.readline()
    done = []
    for i in range(writes):
        key = f"k{i % 3}"
        entry = store.kv.set("bot-1", key, [name, i])
        done.append([key, entry.version, [name, i]])
print(json.dumps(done))
"""


def test_two_os_processes_writing_the_same_keys_at_once_lose_nothing(
    db_url: str, reopen: Callable[[], Store]
) -> None:
    # Both append on their own connection; a conflict on a stream makes the
    # loser decide again, and each commit carries its own projection. (Runs
    # here interleave a few times per key: each switch of writer is a stale
    # cached aggregate caught by the version check.)
    with reopen() as store:
        store.bots.register("bot-1")
    writes = 150
    children = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, db_url, name, str(writes)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for name in ("a", "b")
    ]
    for child in children:
        assert child.stdout is not None
        assert child.stdout.readline() == "ready\n"
    for child in children:  # both start writing at once
        assert child.stdin is not None
        child.stdin.write("go\n")
        child.stdin.flush()
    results = [json.loads(child.communicate(timeout=120)[0]) for child in children]
    assert [child.returncode for child in children] == [0, 0]
    acknowledged = [tuple(w) for result in results for w in result]
    store = reopen()
    for key in ("k0", "k1", "k2"):
        mine = sorted((v, value) for k, v, value in acknowledged if k == key)
        # Every acknowledged write has its own version, none missing.
        assert [v for v, _ in mine] == list(range(1, len(mine) + 1))
        entry = store.kv.get_entry("bot-1", key)
        assert entry is not None
        assert (entry.version, entry.value) == mine[-1]
    assert len(acknowledged) == 2 * writes
    assert store.projections.verify() == []
    assert {s.lag for s in store.projections.status()} == {0}


def test_a_bot_deleted_by_another_process_refuses_writes_here(
    reopen: Callable[[], Store],
) -> None:
    # The KV write appends to the key's stream, not the bot's: no version
    # conflict would catch a stale "live" bot. This store must see the delete.
    here, there = reopen(), reopen()
    here.bots.register("bot-1")
    here.kv.set("bot-1", "k", 1)  # the bot is cached here as live
    there.bots.delete("bot-1")
    with pytest.raises(BotNotFound):
        here.kv.set("bot-1", "k", 2)
    with pytest.raises(BotNotFound), here.batch():
        here.kv.set("bot-1", "other", 3)
    assert here.kv.get("bot-1", "k") is None
    assert here.history.head() == there.history.head()
    there.bots.register("bot-1")  # a new incarnation, seen here too
    assert here.kv.set("bot-1", "k", 4).version == 1


def test_more_foreign_events_than_cached_aggregates_start_a_fresh_cache(
    reopen: Callable[[], Store],
) -> None:
    here, there = reopen(), reopen()
    here.bots.register("bot-1")
    here.kv.set("bot-1", "k", 1)
    cache = here._app.repository.cache
    assert cache is not None
    cache.maxsize = 3  # type: ignore[attr-defined]
    for i in range(5):
        there.kv.set("bot-1", f"other-{i}", i)
    there.bots.delete("bot-1")
    with pytest.raises(BotNotFound):
        here.kv.set("bot-1", "k", 2)
    assert here._app.repository.cache is not cache


def test_a_foreign_write_just_before_this_append_is_noticed_by_the_next_write(
    reopen: Callable[[], Store],
) -> None:
    here, there = reopen(), reopen()
    here.bots.register("bot-1")
    here.kv.set("bot-1", "k", 1)
    there.bots.delete("bot-1")
    # The race: the other process commits after the check before deciding.
    here._appender.foreign.maybe_changed = lambda: False  # type: ignore[attr-defined]
    here.kv.set("bot-1", "k", 2)  # decided on the stale bot (the known window)
    # Its append found a foreign event right below its own: the bot's stream
    # was evicted, so the next decision sees the delete.
    with pytest.raises(BotNotFound):
        here.kv.set("bot-1", "k", 3)
