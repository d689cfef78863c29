"""``store.provider_health``: the seed's save/load/load_all, and bad input."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import create_engine, inspect

from boternity_store.infrastructure import InvalidInput, ProviderHealthRow, Store
from tests.conftest import FakeClock

NAIVE = datetime(2026, 1, 1)


def save(store: Store, name: str = "openai", **changes: Any) -> None:
    values: dict[str, Any] = {
        "circuit_state": "closed",
        "last_error": None,
        "last_success": None,
        "total_calls": 0,
        "total_failures": 0,
        "uptime_since": None,
        **changes,
    }
    store.provider_health.save(name, *values.values())


def test_save_then_load_returns_the_row(store: Store, clock: FakeClock) -> None:
    earlier = clock.now - timedelta(hours=1)
    store.provider_health.save("openai", "half_open", "HTTP 500", earlier, 10, 3, None)
    assert store.provider_health.load("openai") == ProviderHealthRow(
        name="openai",
        circuit_state="half_open",
        last_error="HTTP 500",
        last_success=earlier,
        total_calls=10,
        total_failures=3,
        uptime_since=None,
        updated_at=clock.now,
    )
    assert store.provider_health.load("unknown") is None


def test_save_is_recorded_as_an_operator_override(store: Store) -> None:
    save(store, circuit_state="open", total_calls=4, total_failures=4)
    store.provider_health.save(
        "anthropic", "closed", None, None, 0, 0, None, actor="ops"
    )
    events = store.history.events(limit=10)
    assert [e.type for e in events] == [
        "Provider.Registered",
        "Provider.HealthOverridden",
        "Provider.Registered",
        "Provider.HealthOverridden",
    ]
    assert events[-1].actor == "ops"
    assert events[1].data["circuit_state"] == "open"


def test_load_all_is_sorted_by_name(store: Store) -> None:
    for name in ["mistral", "anthropic", "openai"]:
        save(store, name)
    assert [row.name for row in store.provider_health.load_all()] == [
        "anthropic",
        "mistral",
        "openai",
    ]


def test_a_saved_open_circuit_rejects_until_a_cooldown_passes(
    store: Store, clock: FakeClock
) -> None:
    save(store, circuit_state="open")
    clock.advance(29)
    assert store.providers.allow_request("openai") is False
    clock.advance(1)
    assert store.providers.allow_request("openai") is True


def test_save_overwrites_what_the_breaker_recorded(store: Store) -> None:
    for _ in range(5):
        store.providers.record_failure("openai", error="boom")
    save(store, total_calls=100, total_failures=1)
    row = store.provider_health.load("openai")
    assert row is not None
    assert (row.circuit_state, row.total_calls, row.last_error) == ("closed", 100, None)
    assert store.providers.allow_request("openai") is True


def test_the_seed_table_has_exactly_the_seed_columns(store: Store, db_url: str) -> None:
    save(store)
    columns = inspect(create_engine(db_url)).get_columns("provider_health")
    assert [(c["name"], c["nullable"]) for c in columns] == [
        ("name", False),
        ("circuit_state", False),
        ("last_error", True),
        ("last_success", True),
        ("total_calls", False),
        ("total_failures", False),
        ("uptime_since", True),
        ("updated_at", False),
    ]


@pytest.mark.parametrize(
    "changes",
    [
        {"name": ""},
        {"name": "a\x00b"},
        {"name": 7},
        {"circuit_state": "broken"},
        {"circuit_state": "OPEN"},
        {"circuit_state": None},
        {"total_calls": -1},
        {"total_failures": -1},
        {"total_calls": 1.5},
        {"total_calls": True},
        {"total_calls": 1, "total_failures": 2},
        {"last_success": NAIVE},
        {"uptime_since": "yesterday"},
        {"last_error": ""},
    ],
)
def test_save_rejects_invalid_input_and_records_nothing(
    store: Store, changes: dict[str, Any]
) -> None:
    head = store.history.head()
    with pytest.raises(InvalidInput):
        save(store, **changes)
    assert store.history.head() == head
    assert store.provider_health.load_all() == []


Call = Callable[[Store], object]


@pytest.mark.parametrize(
    "call",
    [
        lambda s: s.providers.allow_request(""),
        lambda s: s.providers.record_success("p", latency_ms=-1),
        lambda s: s.providers.record_success("p", latency_ms=float("nan")),
        lambda s: s.providers.record_success("p\n"),
        lambda s: s.providers.record_failure("p", error=""),
        lambda s: s.providers.record_failure("p", error="x", error_kind=""),
        lambda s: s.providers.record_failure("p", error="x", open_until=NAIVE),
        lambda s: s.providers.force_open("p", actor="", reason="r"),
        lambda s: s.providers.force_open("p", actor="ops", reason=" "),
        lambda s: s.providers.force_close("", actor="ops", reason="r"),
        lambda s: s.providers.reset("p", actor="ops", reason=None),
        lambda s: s.providers.configure("p", failure_threshold=0),
        lambda s: s.providers.configure("p", cooldown_seconds=-5),
        lambda s: s.providers.configure("p", half_open_successes=2.5),
        lambda s: s.providers.status(""),
    ],
)
def test_commands_reject_invalid_input_and_record_nothing(
    store: Store, call: Call
) -> None:
    with pytest.raises(InvalidInput):
        call(store)
    assert store.history.head() == 0
    assert store.providers.list() == []
