"""The Provider aggregate's circuit breaker, tested through its events (no db)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from boternity_store.domain import (
    BreakerPolicy,
    InvalidTransition,
    Provider,
)

T0 = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def new_provider(**policy: Any) -> Provider:
    provider = Provider.register(
        "openai", policy=BreakerPolicy(**policy), actor="system", at=T0
    )
    provider.collect_events()
    return provider


def recorded(provider: Provider) -> list[str]:
    return [type(event).__name__ for event in provider.collect_events()]


def fail(provider: Provider, seconds: float = 0, until: datetime | None = None) -> None:
    provider.record_failure(
        error="HTTP 503", error_kind="http", open_until=until, at=at(seconds)
    )


def tripped(**policy: Any) -> Provider:
    provider = new_provider(**policy)
    for _ in range(provider.policy.failure_threshold):
        fail(provider)
    provider.collect_events()
    return provider


def test_closed_circuit_allows_requests_without_recording_anything() -> None:
    provider = new_provider()
    assert provider.allow(at=at(1)) is True
    assert recorded(provider) == []


def test_opens_after_failure_threshold_consecutive_failures() -> None:
    provider = new_provider(failure_threshold=3, cooldown_seconds=10)
    fail(provider)
    fail(provider)
    assert (provider.circuit, recorded(provider)) == ("closed", ["CallFailed"] * 2)
    fail(provider, seconds=5)
    events = provider.collect_events()
    assert [type(e).__name__ for e in events] == ["CallFailed", "CircuitOpened"]
    assert events[1].open_until == at(15)  # type: ignore[attr-defined]
    assert events[1].reason == "3 consecutive failures"  # type: ignore[attr-defined]
    assert (provider.circuit, provider.uptime_since) == ("open", None)


def test_a_success_resets_the_consecutive_failure_count() -> None:
    provider = new_provider(failure_threshold=2)
    fail(provider)
    provider.record_success(latency_ms=12.5, at=at(1))
    fail(provider, seconds=2)
    assert (provider.circuit, provider.consecutive_failures) == ("closed", 1)
    assert (provider.total_calls, provider.total_failures) == (3, 2)
    assert (provider.last_success, provider.last_latency_ms) == (at(1), 12.5)


def test_open_circuit_rejects_until_the_cooldown_is_over_without_recording() -> None:
    provider = tripped(cooldown_seconds=30)
    assert provider.allow(at=at(29.999)) is False
    assert recorded(provider) == []


def test_first_request_after_the_cooldown_half_opens_and_gets_the_only_trial() -> None:
    provider = tripped(cooldown_seconds=30)
    assert provider.allow(at=at(30)) is True
    assert recorded(provider) == ["CircuitHalfOpened", "TrialStarted"]
    assert provider.allow(at=at(31)) is False
    assert (provider.circuit, recorded(provider)) == ("half_open", [])


def test_open_until_given_with_the_tripping_failure_overrides_the_cooldown() -> None:
    provider = new_provider(failure_threshold=1, cooldown_seconds=30)
    fail(provider, until=at(120))
    assert provider.open_until == at(120)
    assert provider.allow(at=at(60)) is False
    assert provider.allow(at=at(120)) is True


def test_open_until_on_a_failure_below_the_threshold_opens_nothing() -> None:
    provider = new_provider(failure_threshold=2)
    fail(provider, until=at(120))
    assert (provider.circuit, provider.open_until) == ("closed", None)


def test_one_successful_trial_closes_the_circuit_by_default() -> None:
    provider = tripped(cooldown_seconds=30)
    provider.allow(at=at(30))
    provider.record_success(latency_ms=None, at=at(31))
    assert recorded(provider) == [
        "CircuitHalfOpened",
        "TrialStarted",
        "CallSucceeded",
        "CircuitClosed",
    ]
    assert (provider.circuit, provider.uptime_since) == ("closed", at(31))
    assert provider.consecutive_failures == 0


def test_half_open_needs_half_open_successes_before_closing() -> None:
    provider = tripped(cooldown_seconds=30, half_open_successes=3)
    for n in range(1, 3):
        assert provider.allow(at=at(30 + n)) is True
        provider.record_success(latency_ms=None, at=at(30 + n))
        assert (provider.circuit, provider.trial_successes) == ("half_open", n)
    provider.allow(at=at(40))
    provider.record_success(latency_ms=None, at=at(40))
    assert provider.circuit == "closed"
    assert provider.state_reason == "3 successful trial call(s)"


def test_a_failed_trial_reopens_the_circuit_for_a_new_cooldown() -> None:
    provider = tripped(cooldown_seconds=30, half_open_successes=2)
    provider.allow(at=at(30))
    provider.record_success(latency_ms=None, at=at(31))
    provider.allow(at=at(32))
    fail(provider, seconds=33)
    events = provider.collect_events()
    assert [type(e).__name__ for e in events][-2:] == ["CallFailed", "CircuitOpened"]
    assert events[-1].reason == "trial call failed"  # type: ignore[attr-defined]
    assert (provider.circuit, provider.open_until) == ("open", at(63))
    assert provider.allow(at=at(62)) is False


def test_a_trial_that_never_reports_back_is_replaced_after_a_cooldown() -> None:
    provider = tripped(cooldown_seconds=30)
    provider.allow(at=at(30))
    provider.collect_events()
    assert provider.allow(at=at(59)) is False
    assert provider.allow(at=at(60)) is True
    assert recorded(provider) == ["TrialStarted"]
    assert provider.trial_started_at == at(60)


def test_outcomes_while_open_count_but_change_no_state() -> None:
    provider = tripped(failure_threshold=2, cooldown_seconds=30)
    fail(provider, seconds=1)
    provider.record_success(latency_ms=None, at=at(2))
    assert recorded(provider) == ["CallFailed", "CallSucceeded"]
    assert (provider.circuit, provider.open_until, provider.total_calls) == (
        "open",
        at(30),
        4,
    )


def test_forced_open_rejects_requests_regardless_of_the_cooldown() -> None:
    provider = new_provider(cooldown_seconds=1)
    provider.force_open(reason="vendor outage", actor="ops", at=at(0))
    assert recorded(provider) == ["ForcedOpen"]
    assert provider.allow(at=at(10_000)) is False
    assert (provider.circuit, provider.forced, provider.state_reason) == (
        "open",
        True,
        "vendor outage",
    )


def test_forcing_open_a_forced_circuit_is_an_invalid_transition() -> None:
    provider = new_provider()
    provider.force_open(reason="outage", actor="ops", at=at(0))
    provider.collect_events()
    with pytest.raises(InvalidTransition):
        provider.force_open(reason="again", actor="ops", at=at(1))
    assert recorded(provider) == []


def test_an_automatically_open_circuit_can_be_forced_open() -> None:
    provider = tripped(cooldown_seconds=30)
    provider.force_open(reason="keep it shut", actor="ops", at=at(1))
    assert (provider.forced, provider.open_until) == (True, None)
    assert provider.allow(at=at(31)) is False


def test_force_close_closes_an_open_circuit() -> None:
    provider = tripped()
    provider.force_close(reason="fixed", actor="ops", at=at(5))
    assert recorded(provider) == ["ForcedClosed"]
    assert (provider.circuit, provider.consecutive_failures) == ("closed", 0)
    assert (provider.uptime_since, provider.total_failures) == (at(5), 5)
    assert provider.allow(at=at(6)) is True


def test_force_closing_a_closed_circuit_is_an_invalid_transition() -> None:
    provider = new_provider()
    with pytest.raises(InvalidTransition):
        provider.force_close(reason="why not", actor="ops", at=at(1))
    assert recorded(provider) == []


def test_reset_closes_and_zeroes_the_counters_but_keeps_the_policy() -> None:
    provider = tripped(failure_threshold=2, cooldown_seconds=7)
    provider.force_open(reason="outage", actor="ops", at=at(1))
    provider.reset(reason="new key", actor="ops", at=at(2))
    assert recorded(provider) == ["ForcedOpen", "Reset"]
    assert (provider.circuit, provider.forced) == ("closed", False)
    assert provider.total_calls == 0
    assert (provider.last_error, provider.uptime_since) == (None, at(2))
    assert provider.policy == BreakerPolicy(2, 7, 1)
