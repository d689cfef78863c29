"""The effect of each provider event is written once (its ``changes()``): folding
any event sequence over a ProviderState equals what the aggregate becomes."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from hypothesis import given

from boternity_store.domain import BreakerPolicy, Provider
from boternity_store.domain.providers.state import (
    STATE_FIELDS,
    ProviderState,
    fold,
    registered,
)
from tests.domain.provider_event_strategies import provider_histories

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def initial_state(created: Any) -> ProviderState:
    return registered(
        created.name,
        failure_threshold=created.failure_threshold,
        cooldown_seconds=created.cooldown_seconds,
        half_open_successes=created.half_open_successes,
        at=created.timestamp,
    )


def replay(history: list[Any]) -> Provider:
    aggregate = None
    for event in history:
        aggregate = event.mutate(aggregate)
    assert isinstance(aggregate, Provider)
    return aggregate


@given(provider_histories())
def test_folding_any_events_equals_the_aggregate_state(history: list[Any]) -> None:
    folded = fold(initial_state(history[0]), history[1:])
    assert folded == replay(history).state


@given(provider_histories())
def test_the_aggregate_holds_exactly_the_state_fields(history: list[Any]) -> None:
    aggregate = replay(history)
    own = {key for key in vars(aggregate) if not key.startswith("_")}
    assert own == set(STATE_FIELDS)


def test_a_registered_provider_is_closed_with_no_history() -> None:
    provider = Provider.register(
        "p", policy=BreakerPolicy(3, 10.0, 2), actor="ops", at=T0
    )
    assert provider.state == ProviderState(
        name="p",
        failure_threshold=3,
        cooldown_seconds=10.0,
        half_open_successes=2,
        circuit="closed",
        state_reason=None,
        state_since=T0,
        open_until=None,
        trial_started_at=None,
        trial_successes=0,
        forced=False,
        consecutive_failures=0,
        total_calls=0,
        total_failures=0,
        last_error=None,
        last_error_kind=None,
        last_success=None,
        last_latency_ms=None,
        uptime_since=T0,
    )


def test_a_reset_clears_the_history_and_closes() -> None:
    provider = Provider.register("p", policy=BreakerPolicy(1), actor="ops", at=T0)
    provider.record_failure(error="boom", error_kind="http", open_until=None, at=T0)
    provider.force_open(reason="ops", actor="ops", at=T0)
    provider.reset(reason="fresh", actor="ops", at=T0)
    state = provider.state
    assert (state.circuit, state.forced, state.state_reason) == (
        "closed",
        False,
        "fresh",
    )
    assert (state.total_calls, state.total_failures, state.last_error) == (0, 0, None)
