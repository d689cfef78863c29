"""Concurrent writers share one transaction; each gets its own outcome."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from boternity_store.infrastructure import Store, VersionConflict


def test_concurrent_writes_are_committed_together_with_their_own_results(
    store: Store, bot: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    store.kv.set(bot, "cas", "v1")
    saves: list[int] = []
    original_append = store._writer.appender.append

    def counting_append(aggregates: Any, *rest: Any) -> Any:
        aggregates = list(aggregates)
        saves.append(len(aggregates))
        return original_append(aggregates, *rest)

    monkeypatch.setattr(store._writer.appender, "append", counting_append)
    results: dict[int, Any] = {}

    def write(i: int) -> None:
        try:
            if i == 0:  # a stale compare-and-set: fails alone
                results[i] = store.kv.set(bot, "cas", "x", expected_version=5)
            else:
                results[i] = store.kv.set(bot, f"k{i}", i).version
        except VersionConflict as error:
            results[i] = error

    writer = store._writer
    threads = [threading.Thread(target=write, args=(i,)) for i in range(8)]
    # Hold the write lock until all eight have queued, so they form one group.
    with writer._lock:
        for thread in threads:
            thread.start()
        with writer._queued:  # notified whenever a command queues
            assert writer._queued.wait_for(lambda: len(writer._queue) == 8, 30)
    for thread in threads:
        thread.join()
    assert saves == [7]  # one transaction for the seven valid writes
    assert isinstance(results[0], VersionConflict)
    assert all(results[i] == 1 for i in range(1, 8))
    assert store.kv.list_keys(bot) == ["cas", *(f"k{i}" for i in range(1, 8))]
    assert store.kv.get(bot, "cas") == "v1"
