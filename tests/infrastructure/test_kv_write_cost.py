"""The cost of a KV write does not grow with the key's history: a cold key is
rebuilt from its latest snapshot plus fewer than KV_SNAPSHOT_INTERVAL events."""

from __future__ import annotations

from collections.abc import Callable

from boternity_store.domain import KvKey
from boternity_store.infrastructure import Store
from boternity_store.infrastructure.eventstore.eventsourcing_seam import (
    KV_SNAPSHOT_INTERVAL,
)
from tests.infrastructure.test_provider_snapshots import count_events_read

WRITES = 12 * KV_SNAPSHOT_INTERVAL + 7


def test_a_cold_key_with_a_long_history_loads_from_a_snapshot(
    store: Store, reopen: Callable[[], Store]
) -> None:
    store.bots.register("b")
    for i in range(WRITES):
        store.kv.set("b", "hot", i)
    store.close()
    # Restart: the cache is cold.
    again = reopen()
    counted = count_events_read(again)
    entry = again.kv.set("b", "hot", "next")
    assert entry.version == WRITES + 1
    assert 0 < sum(counted) < KV_SNAPSHOT_INTERVAL
    assert again._app.snapshots is not None
    [snapshot] = again._app.snapshots.get(
        KvKey.create_id("b", 1, "hot"), desc=True, limit=1
    )
    assert snapshot.originator_version == 12 * KV_SNAPSHOT_INTERVAL


def test_a_restarted_process_updates_existing_keys_without_a_conflict(
    store: Store, reopen: Callable[[], Store]
) -> None:
    """A key the process has not cached but the read table has is loaded, not
    assumed new: its first update after a restart appends once (no conflict,
    no retry, no position used up by a rolled-back insert on PostgreSQL)."""
    store.bots.register("b")
    for n in range(20):
        store.kv.set("b", f"k{n}", n)
    store.close()
    again = reopen()
    pauses: list[int] = []
    again._writer.pause = pauses.append  # called before each retry
    head = again.history.head()
    for n in range(20):
        assert again.kv.set("b", f"k{n}", -n).version == 2
    again.kv.set("b", "new", 1)  # a new key is still assumed new
    assert pauses == []
    assert again.history.head() == head + 21
