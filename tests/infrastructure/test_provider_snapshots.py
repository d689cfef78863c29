"""Reopening a store costs the same however long a provider's history is:
the aggregate is rebuilt from its latest snapshot, and projections resume."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from boternity_store.domain.providers.provider import Provider
from boternity_store.infrastructure import Store
from boternity_store.infrastructure.eventstore.event_log import ApplicationEventLog
from boternity_store.infrastructure.eventstore.eventsourcing_seam import (
    SNAPSHOT_INTERVAL,
)

CALLS = 2 * SNAPSHOT_INTERVAL + 50


def count_events_read(store: Store) -> list[int]:
    """Make the store count the events it reads to rebuild aggregates."""
    event_store = store._app.repository.event_store
    read = event_store.get
    counted: list[int] = []

    def get(*args: Any, **kwargs: Any) -> Iterator[Any]:
        events = list(read(*args, **kwargs))
        counted.append(len(events))
        return iter(events)

    event_store.get = get  # type: ignore[method-assign]
    return counted


def test_a_long_history_is_rebuilt_from_a_snapshot(
    store: Store, reopen: Callable[[], Store], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Record many calls; snapshots are taken every SNAPSHOT_INTERVAL events.
    with store.batch():
        for _ in range(CALLS):
            store.providers.record_success("openai", latency_ms=1.0)
    store.providers.record_failure("openai", error="one failure")
    provider_id = Provider.create_id("openai")
    assert store._app.snapshots is not None
    [snapshot] = store._app.snapshots.get(provider_id, desc=True, limit=1)
    # Taken when the batch crossed an interval, of the aggregate as saved.
    assert snapshot.originator_version == CALLS + 1
    store.close()
    # Restart: no event is re-projected...
    projected: list[int] = []
    read = ApplicationEventLog.read
    monkeypatch.setattr(
        ApplicationEventLog,
        "read",
        lambda self, after, limit: (
            projected.append(len(events := read(self, after, limit))) or events
        ),
    )
    again = reopen()
    assert sum(projected) == 0
    # ...and the aggregate loads from the snapshot plus the events after it.
    counted = count_events_read(again)
    status = again.providers.record_success("openai")
    assert sum(counted) < SNAPSHOT_INTERVAL
    assert (status.total_calls, status.total_failures) == (CALLS + 2, 1)
    assert status.last_error == "one failure"
    assert again.providers.status("openai") == status
