"""The eventsourcing application: the event store every write goes through."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from eventsourcing.application import Application, ProcessingEvent

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence
    from uuid import UUID

    from eventsourcing.domain import Aggregate
    from eventsourcing.persistence import Recording, StoredEvent

from boternity_store.domain import Bot, BotFile, FileName, KvKey, VersionIdClaim
from boternity_store.domain.memory import Memory
from boternity_store.domain.provider import Provider

SNAPSHOT_INTERVAL = 100
# Keys are many and each is written rarely, so a key often comes back cold from
# the store: a short interval keeps that reload to a few events.
KV_SNAPSHOT_INTERVAL = 20


Sequenced = tuple["Aggregate", int]  # an aggregate and a count of its new events


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

    def save_aggregates(
        self, aggregates: Iterable[Aggregate], sequence: Sequence[Sequenced] = ()
    ) -> list[Recording[Any]]:
        """``save()`` for aggregates only: the same steps (record in one
        transaction, cache, snapshot), minus the runtime Protocol checks that
        ``save()`` makes per object, which cost more than the insert itself.
        Events are recorded in ``sequence`` order (see :func:`in_sequence`)."""
        processing_event: ProcessingEvent[Any] = ProcessingEvent()
        collected = {a.id: (a, a.collect_events()) for a in aggregates}
        processing_event.events.extend(in_sequence(collected, sequence))
        for aggregate_id, (aggregate, _) in collected.items():
            processing_event.aggregates[aggregate_id] = aggregate
        recordings = self._record(processing_event)
        self._take_snapshots(processing_event)
        self._notify(recordings)
        return recordings

    def stage(
        self, aggregates: Iterable[Aggregate], sequence: Sequence[Sequenced] = ()
    ) -> StagedWrite:
        """Collect and serialise the aggregates' pending events, in ``sequence``
        order, and a snapshot of each aggregate whose new events cross its
        snapshot interval. Snapshots are taken from the aggregate in hand (the
        library reloads it instead)."""
        to_stored = self.mapper.to_stored_event
        staged = StagedWrite()
        collected = {a.id: (a, a.collect_events()) for a in aggregates}
        staged.events = in_sequence(collected, sequence)
        staged.stored_events = list(map(to_stored, staged.events))
        intervals = self.snapshotting_intervals
        for aggregate_id, (aggregate, new) in collected.items():
            staged.aggregates[aggregate_id] = aggregate
            interval = intervals.get(type(aggregate))
            if interval and any(e.originator_version % interval == 0 for e in new):
                snapshot_class = getattr(type(aggregate), "Snapshot", None)
                snapshot_class = snapshot_class or self.snapshot_class
                if snapshot_class is not None and self.snapshots is not None:
                    snapshot = snapshot_class.take(aggregate)
                    staged.stored_snapshots.append(to_stored(snapshot))
        return staged

    def adopt(self, staged: StagedWrite) -> None:
        """After the staged write committed: cache its aggregates."""
        cache = self.repository.cache
        if cache is not None:
            for aggregate_id, aggregate in staged.aggregates.items():
                cache.put(aggregate_id, aggregate)
