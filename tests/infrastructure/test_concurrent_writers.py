"""Several writers on one database: optimistic concurrency, nothing lost."""

from __future__ import annotations

import threading
from collections.abc import Callable

from boternity_store.infrastructure import Store, VersionConflict


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
