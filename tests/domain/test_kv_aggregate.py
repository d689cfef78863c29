from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from boternity_store.domain import KvKey, VersionConflict

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def new_key() -> KvKey:
    return KvKey.first_set(
        "bot-1", 1, "prefs", '{"a":1}', actor="alice", at=T0, expected_version=None
    )


def test_first_set_records_value_actor_and_time() -> None:
    key = new_key()
    (event,) = key.collect_events()
    assert isinstance(event, KvKey.FirstValueSet)
    assert (event.value_json, event.actor, event.timestamp) == ('{"a":1}', "alice", T0)
    assert key.entry_version == 1


def test_each_set_bumps_the_entry_version() -> None:
    key = new_key()
    key.set("2", actor="bob", at=T0 + timedelta(seconds=1), expected_version=None)
    key.set("3", actor="bob", at=T0 + timedelta(seconds=2), expected_version=2)
    events = key.collect_events()
    assert [type(e) for e in events] == [
        KvKey.FirstValueSet,
        KvKey.ValueSet,
        KvKey.ValueSet,
    ]
    assert key.entry_version == 3
    assert key.created_at == T0


def test_delete_ends_the_entry_and_a_later_set_starts_at_one() -> None:
    key = new_key()
    assert key.delete(actor="bob", at=T0) is True
    assert key.delete(actor="bob", at=T0) is False  # nothing to delete: no event
    key.set("9", actor="bob", at=T0 + timedelta(1), expected_version=0)
    assert [type(e).__name__ for e in key.collect_events()] == [
        "FirstValueSet",
        "ValueDeleted",
        "ValueSet",
    ]
    assert key.entry_version == 1
    assert key.created_at == T0 + timedelta(1)


def test_compare_and_set_refuses_another_version_without_an_event() -> None:
    key = new_key()
    key.collect_events()
    with pytest.raises(VersionConflict):
        key.set("2", actor="bob", at=T0, expected_version=5)
    assert key.collect_events() == []


def test_first_set_with_expected_version_other_than_zero_conflicts() -> None:
    with pytest.raises(VersionConflict):
        KvKey.first_set("b", 1, "k", "1", actor="a", at=T0, expected_version=1)
