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
5. PostgreSQL (:class:`PostgresInsert`): what ``PostgresApplicationRecorder.
   insert_events`` does, on a connection the store holds inside its own
   transaction: in one pipeline, the ``_insert_events(curs, stored_events)``
   hook, then ``_insert_stored_events(curs, stored_events)`` — its
   ``_lock_table`` (``lock_table_statements``: ``SET LOCAL lock_timeout``,
   ``LOCK TABLE <schema>.<events table> IN EXCLUSIVE MODE``, held to the
   commit, so notification ids commit in the order they are issued and no
   reader passes over a gap), its ``_notify_channel`` (``NOTIFY``, delivered
   at the commit) and the insert ``... RETURNING notification_id`` — and the
   snapshot recorder's ``PostgresAggregateRecorder._insert_stored_events``;
   then ``pipeline.sync()`` and ``_fetch_ids_after_insert_events(curs,
   stored_events)`` (a dict-row cursor). The statements are the recorders'
   own, so the schema and table names are theirs. The composite type those
   inserts bind comes from ``datastore.psycopg_type_adapters``, registered on
   the store's connection as the datastore registers it on its pooled ones.
   ``_lock_table(curs)`` is also called alone, ahead of the insert, when a
   write is decided again after a conflict.
   ``datastore.enable_db_functions`` must be off (the store never sets
   ``POSTGRES_ENABLE_DB_FUNCTIONS``): with it the library inserts through a
   database function instead, without the table lock.
6. The PostgreSQL recorder's ``channel_name``, the channel its ``NOTIFY``
   (item 5) signals on at each commit: background runners ``LISTEN`` on it
   (:meth:`EventStoreApplication.events_channel`).
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterable, Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, cast

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


POSTGRES_POOL_DEFAULTS = {"POSTGRES_POOL_SIZE": "1", "POSTGRES_MAX_OVERFLOW": "9"}


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
                # PostgreSQL: the library's pool opens POOL_SIZE connections at
                # once (5 by default) and grows by up to MAX_OVERFLOW; a store
                # needs one for its log reads, more only under many threads.
                # The process's environment still decides when it sets them.
                **{
                    name: os.environ.get(name, default)
                    for name, default in POSTGRES_POOL_DEFAULTS.items()
                },
                **env,
            }
        )

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

    def postgres_insert(self) -> PostgresInsert:
        """The PostgreSQL counterpart of :meth:`insert_staged`."""
        return PostgresInsert(self)

    def events_channel(self) -> str:
        """PostgreSQL: the channel the library's insert notifies at each
        commit (item 6)."""
        return str(cast(Any, self.recorder).channel_name)

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


class PostgresInsert:
    """Insert staged events and snapshots with the PostgreSQL recorders' own
    code (item 5 of the module's list), on a psycopg connection inside the
    caller's open transaction, which keeps the table lock until it ends."""

    def __init__(self, app: EventStoreApplication) -> None:
        # Imported here: a SQLite store never loads the PostgreSQL driver.
        from psycopg import IntegrityError as DriverIntegrityError
        from psycopg.rows import dict_row
        from psycopg.types.composite import register_composite

        self._driver_integrity_error = DriverIntegrityError
        self._dict_row = dict_row
        self._register_composite = register_composite
        self._events: Any = cast(Any, app.recorder)
        datastore = self._events.datastore
        if datastore.enable_db_functions:
            raise ValueError(
                "POSTGRES_ENABLE_DB_FUNCTIONS inserts without the table lock"
            )
        self._type_adapters: dict[str, Any] = datastore.psycopg_type_adapters
        self._snapshots: Any = None if app.snapshots is None else app.snapshots.recorder

    def __call__(self, connection: Any, staged: StagedWrite) -> list[int]:
        """Insert ``staged`` on ``connection`` (a ``psycopg.Connection`` in a
        transaction); return the events' notification ids. A version that
        exists already raises the library's ``IntegrityError``."""
        self._register_types(connection)
        events, snapshots = staged.stored_events, staged.stored_snapshots
        ids: Any = None
        error: Exception | None = None
        with connection.pipeline() as pipeline:
            with connection.cursor() as curs:
                self._events._insert_events(curs, events)
            with connection.cursor(row_factory=self._dict_row) as curs:
                try:
                    self._events._insert_stored_events(curs, events)
                    if snapshots and self._snapshots is not None:
                        with connection.cursor() as snapshot_curs:
                            self._snapshots._insert_stored_events(
                                snapshot_curs, snapshots
                            )
                    # Sync here so that a duplicate version raises now (as in
                    # the library), not later as some other error.
                    pipeline.sync()
                    ids = self._events._fetch_ids_after_insert_events(curs, events)
                except Exception as raised:
                    error = raised  # raised outside the pipeline, as the library does
        if isinstance(error, self._driver_integrity_error):
            raise IntegrityError(error) from error
        if error is not None:
            raise error
        return list(ids)

    def lock(self, connection: Any) -> None:
        """Take the insert's table lock ahead of it, on ``connection`` (in a
        transaction, which holds it to its end): a retried write decides with
        other processes' appends held off."""
        with connection.cursor() as curs:
            self._events._lock_table(curs)

    def _register_types(self, connection: Any) -> None:
        for info in self._type_adapters.values():
            if not connection.adapters.types.get(info.oid):
                self._register_composite(info, connection)
