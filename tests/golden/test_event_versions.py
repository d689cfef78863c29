"""Events that can change: every event and aggregate class declares its
``class_version``; every event and snapshot in the golden store (written
before any class had one) decodes into an object with every field and
attribute today's class has, so a field added without an upcaster fails here
instead of as a poison event on a production rebuild; events round-trip."""

from __future__ import annotations

import dataclasses
import importlib
import inspect
import pkgutil
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from eventsourcing.domain import Aggregate, CanMutateAggregate
from eventsourcing.persistence import StoredEvent
from eventsourcing.utils import register_topic, resolve_topic
from hypothesis import given
from hypothesis import strategies as st

import boternity_store.domain as domain
from boternity_store.domain import KvKey
from boternity_store.domain.kv.key import UNKNOWN_ACTOR
from boternity_store.infrastructure import Store, open_store

GOLDEN = Path(__file__).parent / "v1"


def domain_classes() -> Iterator[type]:
    """Every aggregate and event class written in ``domain/`` (not the ones
    the library generates, such as ``Bot.Created`` when a class names none)."""
    for info in pkgutil.walk_packages(domain.__path__, f"{domain.__name__}."):
        module = importlib.import_module(info.name)
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if not issubclass(cls, Aggregate | CanMutateAggregate):
                continue
            if cls.__module__ == module.__name__ and written_in(cls, module):
                yield cls
            if issubclass(cls, Aggregate) and cls.__module__ == module.__name__:
                for _, nested in inspect.getmembers(cls, inspect.isclass):
                    if issubclass(nested, CanMutateAggregate) and written_in(
                        nested, module
                    ):
                        yield nested


def written_in(cls: type, module: Any) -> bool:
    return f"class {cls.__name__}(" in inspect.getsource(module)


def missing_fields(event: Any) -> list[str]:
    """Fields the event's class declares that the decoded event lacks."""
    return [f.name for f in dataclasses.fields(event) if f.name not in vars(event)]


@pytest.fixture
def golden(tmp_path: Path) -> Iterator[Store]:
    shutil.copy(GOLDEN / "store.sqlite", tmp_path / "store.sqlite")
    with open_store(f"sqlite:///{tmp_path / 'store.sqlite'}") as store:
        yield store


def stored(store: Store, table: str) -> list[StoredEvent]:
    import sqlite3

    with sqlite3.connect(store.config.sqlite_path) as db:
        rows = db.execute(
            f"SELECT originator_id, originator_version, topic, state FROM {table}"
        ).fetchall()
    return [StoredEvent(*row) for row in rows]


def test_every_domain_class_declares_its_class_version() -> None:
    classes = list(domain_classes())
    assert len(classes) > 40
    undeclared = [c.__qualname__ for c in classes if not declares_version(c)]
    assert undeclared == []


def declares_version(cls: type) -> bool:
    # The library redefines an event class written inside an aggregate as a
    # subclass of the one written (same qualified name): either may hold it.
    return any(
        "class_version" in vars(base)
        for base in cls.__mro__
        if base.__qualname__ == cls.__qualname__
    )


def test_every_golden_event_decodes_with_every_field_of_its_class(
    golden: Store,
) -> None:
    mapper = golden._app.mapper
    events = [mapper.to_domain_event(s) for s in stored(golden, "stored_events")]
    assert len(events) == 727
    assert {e.__qualname__ for e in map(type, events)} >= {"KvKey.ValueSet"}
    assert [
        (type(e).__qualname__, missing_fields(e)) for e in events if missing_fields(e)
    ] == []


def test_a_field_added_without_an_upcaster_is_caught(golden: Store) -> None:
    @dataclasses.dataclass(frozen=True)
    class ValueSetWithReason(KvKey.ValueSet):
        reason: str  # new, and no upcaster fills it for old events

    register_topic("tests.golden:ValueSetWithReason", ValueSetWithReason)
    mapper = golden._app.mapper
    old = next(
        s
        for s in stored(golden, "stored_events")
        if s.topic.endswith(":KvKey.ValueSet")
    )
    decoded = mapper.to_domain_event(
        dataclasses.replace(old, topic="tests.golden:ValueSetWithReason")
    )
    assert missing_fields(decoded) == ["reason"]


def test_every_golden_snapshot_builds_a_whole_aggregate(golden: Store) -> None:
    mapper = golden._app.mapper
    snapshots = [mapper.to_domain_event(s) for s in stored(golden, "stored_snapshots")]
    assert len(snapshots) == 6
    for snapshot in snapshots:
        from_snapshot = snapshot.mutate(None)
        # The same aggregate replayed from its events up to that version.
        replayed = None
        for event in golden._app.events.get(
            snapshot.originator_id, lte=snapshot.originator_version
        ):
            replayed = event.mutate(replayed)
        assert set(vars(from_snapshot)) == set(vars(replayed)), type(replayed)


def test_an_old_kv_snapshot_is_upcast_and_the_read_table_knows_the_actor(
    golden: Store,
) -> None:
    # "counter" has a v1 snapshot at version 20 and five events after it.
    (snapshot,) = [
        golden._app.mapper.to_domain_event(s)
        for s in stored(golden, "stored_snapshots")
        if s.originator_id == KvKey.create_id("bot-1", 1, "counter").hex
    ]
    assert snapshot.mutate(None).updated_by == UNKNOWN_ACTOR
    # The read table is projected from the events, which always had the actor.
    entry = golden.kv.get_entry("bot-1", "counter")
    assert entry is not None and entry.updated_by == "bot-1"
    # A write on top of the old snapshot records the new actor.
    assert golden.kv.set("bot-1", "counter", 0, actor="u9").updated_by == "u9"
    assert golden.kv.get_entry("bot-1", "counter").updated_by == "u9"  # type: ignore[union-attr]


def test_every_golden_event_round_trips_through_the_mapper(golden: Store) -> None:
    mapper = golden._app.mapper
    for record in stored(golden, "stored_events"):
        event = mapper.to_domain_event(record)
        again = mapper.to_domain_event(mapper.to_stored_event(event))
        # The old topic (the module before the move) names today's class.
        assert again == event and resolve_topic(record.topic) is type(again)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=8,
)


@given(value=json_values, actor=st.text(min_size=1, max_size=20))
def test_kv_events_round_trip_for_any_value_and_actor(value: Any, actor: str) -> None:
    import json
    from datetime import UTC, datetime

    from eventsourcing.persistence import JSONTranscoder, Mapper, UUIDAsHex

    transcoder = JSONTranscoder()
    transcoder.register(UUIDAsHex())
    from eventsourcing.persistence import DatetimeAsISO

    transcoder.register(DatetimeAsISO())
    mapper: Mapper[Any] = Mapper(transcoder=transcoder)
    at = datetime(2026, 1, 1, tzinfo=UTC)
    key = KvKey.first_set("b", 1, "k", "0", actor="a", at=at, expected_version=None)
    key.set(json.dumps(value), actor=actor, at=at, expected_version=None)
    key.delete(actor=actor, at=at)
    for event in key.collect_events():
        assert mapper.to_domain_event(mapper.to_stored_event(event)) == event
