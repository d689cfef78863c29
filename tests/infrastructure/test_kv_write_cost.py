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
