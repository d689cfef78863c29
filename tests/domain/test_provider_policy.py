"""Breaker policy rules, seed-style health overrides and replay (no db)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from boternity_store.domain import BreakerPolicy, InvalidInput, Provider
from boternity_store.domain.providers.breaker import (
    BreakerState,
    admit,
    trial_in_flight,
)

T0 = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def new_provider(**policy: Any) -> Provider:
    policy_ = BreakerPolicy(**policy)
    provider = Provider.register("p", policy=policy_, actor="ops", at=T0)
    provider.collect_events()
    return provider


def test_the_default_policy_is_five_failures_thirty_seconds_one_success() -> None:
    assert BreakerPolicy() == BreakerPolicy(5, 30.0, 1)


@pytest.mark.parametrize(
    "policy",
    [
        {"failure_threshold": 0},
        {"failure_threshold": -1},
        {"failure_threshold": 1.5},
        {"failure_threshold": True},
        {"half_open_successes": 0},
        {"cooldown_seconds": 0},
        {"cooldown_seconds": -1},
        {"cooldown_seconds": float("nan")},
        {"cooldown_seconds": float("inf")},
        {"cooldown_seconds": "30"},
        {"cooldown_seconds": 10**9},
    ],
)
def test_rejects_an_invalid_policy(policy: dict[str, Any]) -> None:
    with pytest.raises(InvalidInput):
        BreakerPolicy(**policy)


def test_a_policy_change_is_recorded_only_when_something_changes() -> None:
    provider = new_provider()
    assert provider.change_policy(BreakerPolicy(), actor="ops", at=at(1)) is False
    assert provider.collect_events() == []
    assert provider.change_policy(BreakerPolicy(2, 5, 3), actor="ops", at=at(1)) is True
    [changed] = provider.collect_events()
    assert type(changed).__name__ == "PolicyChanged"
    assert provider.policy == BreakerPolicy(2, 5.0, 3)


def test_a_lower_threshold_trips_on_the_next_failure() -> None:
    provider = new_provider(failure_threshold=5)
    for _ in range(3):
        provider.record_failure(error="e", error_kind=None, open_until=None, at=at(0))
    provider.change_policy(BreakerPolicy(failure_threshold=2), actor="ops", at=at(1))
    assert provider.circuit == "closed"
    provider.record_failure(error="e", error_kind=None, open_until=None, at=at(2))
    assert provider.circuit == "open"


def test_a_health_override_sets_the_seed_columns() -> None:
    provider = new_provider(cooldown_seconds=10)
    provider.override_health(
        circuit_state="open",
        actor="ops",
        at=at(5),
        last_error="boom",
        last_success=at(1),
        total_calls=9,
        total_failures=4,
        uptime_since=None,
    )
    [event] = provider.collect_events()
    assert (type(event).__name__, event.actor) == ("HealthOverridden", "ops")  # type: ignore[attr-defined]
    assert (provider.circuit, provider.open_until) == ("open", at(15))
    assert (provider.total_calls, provider.total_failures) == (9, 4)
    assert (provider.last_error, provider.last_success) == ("boom", at(1))
    assert provider.allow(at=at(14)) is False
    assert provider.allow(at=at(15)) is True


def test_a_closed_override_keeps_the_given_uptime() -> None:
    provider = new_provider()
    provider.force_open(reason="x", actor="ops", at=at(1))
    provider.override_health(
        circuit_state="closed",
        actor="ops",
        at=at(2),
        last_error=None,
        last_success=None,
        total_calls=0,
        total_failures=0,
        uptime_since=at(-100),
    )
    assert (provider.circuit, provider.forced, provider.uptime_since) == (
        "closed",
        False,
        at(-100),
    )


def test_replaying_the_events_rebuilds_the_same_state() -> None:
    policy = BreakerPolicy(2, 10, 2)
    provider = Provider.register("p", policy=policy, actor="ops", at=T0)
    provider.record_failure(error="a", error_kind="k", open_until=None, at=at(1))
    provider.record_failure(error="b", error_kind=None, open_until=at(4), at=at(2))
    provider.allow(at=at(5))
    provider.record_success(latency_ms=3.0, at=at(6))
    provider.force_open(reason="ops", actor="ops", at=at(7))
    provider.force_close(reason="ops", actor="ops", at=at(8))
    replayed = None
    for event in provider.collect_events():
        replayed = event.mutate(replayed)
    assert vars(replayed) == vars(provider)


def test_a_trial_is_in_flight_for_one_cooldown_after_it_started() -> None:
    policy = BreakerPolicy(cooldown_seconds=10)
    state = BreakerState(circuit="half_open", trial_started_at=at(0))
    assert trial_in_flight(state, policy, at(9.999)) is True
    assert trial_in_flight(state, policy, at(10)) is False
    assert admit(BreakerState(circuit="half_open"), policy, at(0)).value == "trial"
