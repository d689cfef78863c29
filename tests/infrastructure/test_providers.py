"""``store.providers``: the persisted circuit breaker, through the public API."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest

from boternity_store.infrastructure import (
    InvalidTransition,
    ProviderNotFound,
    ProviderPolicy,
    Store,
)
from tests.conftest import FakeClock

Reopen = Callable[[], Store]


def trip(store: Store, name: str = "openai") -> None:
    for _ in range(5):
        store.providers.record_failure(name, error="HTTP 503", error_kind="http_503")


def event_types(store: Store, after: int) -> list[str]:
    return [e.type for e in store.history.events(after=after, limit=1000)]


def test_an_unknown_provider_is_allowed_and_nothing_is_recorded(store: Store) -> None:
    assert store.providers.allow_request("openai") is True
    assert store.history.head() == 0
    assert store.providers.status("openai") is None


def test_five_failures_open_the_circuit_for_thirty_seconds(
    store: Store, clock: FakeClock
) -> None:
    trip(store)
    status = store.providers.status("openai")
    assert status is not None
    assert status.circuit_state == "open"
    assert status.state_reason == "5 consecutive failures"
    assert status.open_until == clock.now + timedelta(seconds=30)
    assert (status.total_calls, status.total_failures, status.last_error) == (
        5,
        5,
        "HTTP 503",
    )
    assert status.last_error_kind == "http_503"


def test_provider_state_survives_a_restart(
    store: Store, reopen: Reopen, clock: FakeClock
) -> None:
    # Open the circuit, 20 s pass, the process restarts.
    trip(store)
    before = store.providers.status("openai")
    store.close()
    clock.advance(20)
    again = reopen()
    # The status is exactly what it was; the cooldown counts from the recorded time.
    assert again.providers.status("openai") == before
    assert again.provider_health.load("openai") == store.provider_health.load("openai")
    assert again.providers.allow_request("openai") is False
    clock.advance(10)
    assert again.providers.allow_request("openai") is True
    assert again.providers.status("openai").circuit_state == "half_open"  # type: ignore[union-attr]


def test_a_half_open_trial_in_flight_survives_a_restart(
    store: Store, reopen: Reopen, clock: FakeClock
) -> None:
    trip(store)
    clock.advance(30)
    assert store.providers.allow_request("openai") is True
    store.close()
    again = reopen()
    assert again.providers.allow_request("openai") is False
    assert again.providers.record_success("openai").circuit_state == "closed"


def test_every_call_outcome_and_transition_is_an_event(
    store: Store, clock: FakeClock
) -> None:
    store.providers.configure("openai", failure_threshold=2, half_open_successes=2)
    head = store.history.head()
    # Two failures trip it; rejected requests and closed-circuit checks record nothing.
    store.providers.record_failure("openai", error="timeout")
    store.providers.record_failure("openai", error="timeout")
    assert store.providers.allow_request("openai") is False
    clock.advance(30)
    # Half-open: one trial at a time, two successes close it.
    assert store.providers.allow_request("openai") is True
    assert store.providers.allow_request("openai") is False
    store.providers.record_success("openai", latency_ms=80)
    assert store.providers.allow_request("openai") is True
    store.providers.record_success("openai", latency_ms=75)
    assert store.providers.allow_request("openai") is True
    # Operators force it open, close it and reset it.
    store.providers.force_open("openai", actor="ops", reason="vendor incident")
    store.providers.force_close("openai", actor="ops", reason="incident over")
    store.providers.reset("openai", actor="ops", reason="new api key")
    assert event_types(store, head) == [
        f"Provider.{t}"
        for t in [
            "CallFailed",
            "CallFailed",
            "CircuitOpened",
            "CircuitHalfOpened",
            "TrialStarted",
            "CallSucceeded",
            "TrialStarted",
            "CallSucceeded",
            "CircuitClosed",
            "ForcedOpen",
            "ForcedClosed",
            "Reset",
        ]
    ]


def test_why_a_provider_is_open_is_answered_by_the_log(store: Store) -> None:
    trip(store)
    opened = store.history.events(limit=100)[-1]
    assert (opened.type, opened.actor) == ("Provider.CircuitOpened", "system")
    assert opened.data["reason"] == "5 consecutive failures"
    store.providers.force_open("openai", actor="alice", reason="billing problem")
    forced = store.history.events(limit=100)[-1]
    assert (forced.actor, forced.data["reason"]) == ("alice", "billing problem")


def test_retry_after_overrides_the_cooldown(store: Store, clock: FakeClock) -> None:
    store.providers.configure("openai", failure_threshold=1)
    until = clock.now + timedelta(minutes=5)
    status = store.providers.record_failure("openai", error="429", open_until=until)
    assert status.open_until == until
    clock.advance(299)
    assert store.providers.allow_request("openai") is False
    clock.advance(1)
    assert store.providers.allow_request("openai") is True


def test_the_policy_is_configurable_per_provider(store: Store) -> None:
    status = store.providers.configure("flaky", failure_threshold=1, cooldown_seconds=2)
    assert status.policy == ProviderPolicy(
        failure_threshold=1, cooldown_seconds=2.0, half_open_successes=1
    )
    store.providers.record_failure("flaky", error="x")
    store.providers.record_failure("steady", error="x")
    assert store.providers.allow_request("flaky") is False
    assert store.providers.allow_request("steady") is True
    # Omitted values keep their current setting.
    status = store.providers.configure("flaky", half_open_successes=3)
    assert status.policy.failure_threshold == 1
    assert status.policy.half_open_successes == 3


def test_operator_rule_violations_raise_typed_errors_and_record_nothing(
    store: Store,
) -> None:
    store.providers.force_open("openai", actor="ops", reason="outage")
    head = store.history.head()
    with pytest.raises(InvalidTransition):
        store.providers.force_open("openai", actor="ops", reason="again")
    with pytest.raises(InvalidTransition):
        store.providers.force_close("steady", actor="ops", reason="already closed")
    with pytest.raises(ProviderNotFound):
        store.providers.reset("never-seen", actor="ops", reason="typo")
    assert store.history.head() == head
    assert store.providers.status("steady") is None


def test_reset_zeroes_the_counters_and_keeps_the_policy(
    store: Store, clock: FakeClock
) -> None:
    store.providers.configure("openai", cooldown_seconds=5)
    trip(store)
    clock.advance(1)
    status = store.providers.reset("openai", actor="ops", reason="new key")
    assert (status.circuit_state, status.total_calls, status.last_error) == (
        "closed",
        0,
        None,
    )
    assert (status.uptime_since, status.policy.cooldown_seconds) == (clock.now, 5.0)
    assert store.providers.status("openai") == status


def test_list_returns_every_provider_sorted_by_name(store: Store) -> None:
    for name in ["openai", "anthropic", "mistral"]:
        store.providers.record_success(name)
    names = [s.name for s in store.providers.list()]
    assert names == ["anthropic", "mistral", "openai"]


def test_two_processes_cannot_both_get_the_half_open_trial(
    store: Store, reopen: Reopen, clock: FakeClock
) -> None:
    trip(store)
    other = reopen()
    # Both processes have the open circuit in memory.
    assert store.providers.allow_request("openai") is False
    assert other.providers.allow_request("openai") is False
    clock.advance(30)
    # The first takes the trial; the second's append conflicts, it decides again.
    assert store.providers.allow_request("openai") is True
    assert other.providers.allow_request("openai") is False
    types = [e.type for e in other.history.events(limit=100)]
    assert types.count("Provider.TrialStarted") == 1
