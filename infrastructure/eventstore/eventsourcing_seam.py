"""The one place the store touches ``eventsourcing`` beyond its documented API.

The rest of the store uses the library's public interface (``Application``,
its repository and cache, the recorder's ``select_notifications`` and
``max_notification_id``, the mapper). What the one-transaction write path needs
beyond that is here, and ``tests/infrastructure/test_eventsourcing_seam_contract.py``
fails, naming what changed, if an upgrade moves any of it:

1. ``SQLiteApplicationRecorder._insert_events(cursor, stored_events)`` and
   ``SQLiteAggregateRecorder._insert_events`` — the recorders' own insert code
   (the extension point the library's examples override), called on the
   store's cursor wrapped in the library's ``SQLiteCursor``, so the events and
   snapshots go into the store's transaction with the library's column layout.
   The application recorder returns the rows' ``lastrowid``: a notification id
   is the row id.
2. The snapshot policy of ``Application._take_snapshots`` (a snapshot when an
   event's version is a multiple of the aggregate type's interval), applied
   here to the aggregate in hand instead of one reloaded from the store, with
   the same ``Snapshot.take``.
3. ``LRUCache(maxsize)`` as the repository's cache, with ``get(id, evict=True)``
   and ``put``; the store replaces a cache that holds too much foreign state.
4. The SQLite datastore's ``uri=True`` (``file:...?mode=ro`` for read-only).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from eventsourcing.application import Application, LRUCache
from eventsourcing.persistence import IntegrityError
from eventsourcing.sqlite import SQLiteCursor

from boternity_store.domain import Bot, BotFile, FileName, KvKey, VersionIdClaim
from boternity_store.domain.memories.memory import Memory
from boternity_store.domain.providers.provider import Provider
from boternity_store.domain.topics import register_moved_topics

if TYPE_CHECKING:
    from uuid import UUID

    from eventsourcing.domain import Aggregate
    from eventsourcing.persistence import StoredEvent

SNAPSHOT_INTERVAL = 100
# Keys are many and each is written rarely, so a key often comes back cold from
# the store: a short interval keeps that reload to a few events.
KV_SNAPSHOT_INTERVAL = 20


Sequenced = tuple["Aggregate", int]  # an aggregate and a count of its new events
Positioned = tuple[int, Any]  # (notification id, domain event)


def in_sequence(
    collected: dict[UUID, tuple[Aggregate, Sequence[Any]]],
    sequence: Sequence[Sequenced],
) -> list[Any]:
    """The collected events in the order ``sequence`` gives (runs of each
    aggregate's events, as commands left them); any not in it follow, grouped
    by aggregate."""
    taken: dict[UUID, int] = {}
    ordered: list[Any] = []
    for aggregate, count in sequence:
        start = taken.get(aggregate.id, 0)
        ordered.extend(collected[aggregate.id][1][start : start + count])
        taken[aggregate.id] = start + count
    for aggregate_id, (_, events) in collected.items():
        ordered.extend(events[taken.get(aggregate_id, 0) :])
    return ordered


@dataclass
class StagedWrite:
    """What one append records: the aggregates' new events, already serialised,
    and the snapshots that became due."""

    aggregates: dict[UUID, Aggregate] = field(default_factory=dict)
    events: list[Any] = field(default_factory=list)
    stored_events: list[StoredEvent] = field(default_factory=list)
    stored_snapshots: list[StoredEvent] = field(default_factory=list)


class EventStoreApplication(Application[Any]):
    name = "boternity"
    snapshotting_intervals: ClassVar[dict[type[Any], int]] = {
        Bot: SNAPSHOT_INTERVAL,
        KvKey: KV_SNAPSHOT_INTERVAL,
        BotFile: SNAPSHOT_INTERVAL,
        FileName: SNAPSHOT_INTERVAL,
        VersionIdClaim: SNAPSHOT_INTERVAL,
        Provider: SNAPSHOT_INTERVAL,
        Memory: SNAPSHOT_INTERVAL,
    }

    @classmethod
    def for_env(cls, env: dict[str, str]) -> EventStoreApplication:
        register_moved_topics()  # old events name classes by their old modules
        return cls(
            env={
                "AGGREGATE_CACHE_MAXSIZE": "50000",
                # A stale cache is safe: a decision on stale state appends a version
                # that already exists, the append fails and the writer decides again.
                "AGGREGATE_CACHE_FASTFORWARD": "n",
                # Commands decide before they record, and the writer evicts whatever
                # a failed command touched, so cached aggregates need no copy.
                "DEEPCOPY_FROM_AGGREGATE_CACHE": "n",
                "CREATE_TABLE": "y",
                **env,
            }
        )

    def save_in_order(
        self, aggregates: Iterable[Aggregate], sequence: Sequence[Sequenced] = ()
    ) -> list[Positioned]:
        """The library's public ``save()``, with the events in ``sequence`` order
        (see :func:`in_sequence`): the events are passed first, then the
        aggregates (drained of their events by then), which ``save()`` caches
        and snapshots. Returns the recorded (notification id, event) pairs."""
        collected = {a.id: (a, a.collect_events()) for a in aggregates}
        events = in_sequence(collected, sequence)
        recordings = self.save(*events, *(a for a, _ in collected.values()))
        return [(r.notification.id, r.domain_event) for r in recordings]

    def stage(
        self, aggregates: Iterable[Aggregate], sequence: Sequence[Sequenced] = ()
    ) -> StagedWrite:
        """Collect and serialise the aggregates' pending events, in ``sequence``
        order, and a snapshot of each aggregate whose new events reach a
        multiple of its snapshot interval (the library's policy), taken from the
        aggregate in hand (the library would reload it from the store)."""
        to_stored = self.mapper.to_stored_event
        staged = StagedWrite()
        collected = {a.id: (a, a.collect_events()) for a in aggregates}
        staged.events = in_sequence(collected, sequence)
        staged.stored_events = list(map(to_stored, staged.events))
        for aggregate_id, (aggregate, new) in collected.items():
            staged.aggregates[aggregate_id] = aggregate
            snapshot = self._due_snapshot(aggregate, new)
            if snapshot is not None:
                staged.stored_snapshots.append(to_stored(snapshot))
        return staged

    def _due_snapshot(self, aggregate: Aggregate, new: Sequence[Any]) -> Any:
        interval = self.snapshotting_intervals.get(type(aggregate))
        if not interval or self.snapshots is None:
            return None
        if not any(e.originator_version % interval == 0 for e in new):
            return None
        snapshot_class = getattr(type(aggregate), "Snapshot", None)
        snapshot_class = snapshot_class or self.snapshot_class
        return None if snapshot_class is None else snapshot_class.take(aggregate)

    def adopt(self, staged: StagedWrite) -> None:
        """After the staged write committed: cache its aggregates."""
        cache = self.repository.cache
        if cache is not None:
            for aggregate_id, aggregate in staged.aggregates.items():
                cache.put(aggregate_id, aggregate)

    def insert_staged(self, cursor: sqlite3.Cursor, staged: StagedWrite) -> list[int]:
        """Insert the staged events and snapshots on ``cursor`` (inside the
        caller's transaction) with the recorders' own insert code; return the
        events' notification ids. A version that exists already raises the
        library's ``IntegrityError``, as an append by the library would."""
        insert_events: Any = self.recorder._insert_events  # type: ignore[attr-defined]
        try:
            ids = insert_events(SQLiteCursor(cursor), staged.stored_events)
        except sqlite3.IntegrityError as error:
            raise IntegrityError(error) from error
        if staged.stored_snapshots and self.snapshots is not None:
            insert_snapshots: Any = self.snapshots.recorder._insert_events  # type: ignore[attr-defined]
            insert_snapshots(SQLiteCursor(cursor), staged.stored_snapshots)
        return list(ids)

    def evict(self, aggregate_ids: Iterable[Any]) -> None:
        cache = self.repository.cache
        if cache is not None:
            for aggregate_id in aggregate_ids:
                with suppress(KeyError):
                    cache.get(aggregate_id, evict=True)

    def cache_capacity(self) -> int | None:
        cache = self.repository.cache
        return cache.maxsize if isinstance(cache, LRUCache) else None

    def forget_cache(self) -> None:
        """Start with an empty cache of the same size."""
        capacity = self.cache_capacity()
        if capacity is not None:
            self.repository.cache = LRUCache(capacity)

    def is_cached(self, aggregate_id: Any) -> bool:
        cache = self.repository.cache
        if cache is None:
            return False
        try:
            cache.get(aggregate_id)
        except KeyError:
            return False
        return True
