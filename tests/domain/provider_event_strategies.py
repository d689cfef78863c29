"""Hypothesis strategies for arbitrary provider event sequences: any event type
in any order with any values, not only what the commands would decide."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from hypothesis import strategies as st

from boternity_store.domain import BreakerPolicy, Provider
from boternity_store.domain.providers import events
from boternity_store.domain.providers.breaker import CIRCUIT_STATES

T0 = datetime(2026, 1, 1, tzinfo=UTC)

moments = st.datetimes(
    min_value=datetime(2025, 1, 1),
    max_value=datetime(2028, 1, 1),
    timezones=st.just(UTC),
)
counts = st.integers(0, 1000)
words = st.text(max_size=8)
reason = {"reason": words}

FIELDS: dict[type[events.ProviderEvent], dict[str, st.SearchStrategy[Any]]] = {
    events.CallSucceeded: {
        "latency_ms": st.none() | st.floats(0, 1e5),
        "total_calls": counts,
        "trial_successes": counts,
    },
    events.CallFailed: {
        "error": words,
        "error_kind": st.none() | words,
        "total_calls": counts,
        "total_failures": counts,
        "consecutive_failures": counts,
    },
    events.CircuitOpened: {**reason, "open_until": moments},
    events.CircuitHalfOpened: reason,
    events.TrialStarted: {},
    events.CircuitClosed: reason,
    events.ForcedOpen: reason,
    events.ForcedClosed: reason,
    events.Reset: reason,
    events.HealthOverridden: {
        "circuit_state": st.sampled_from(CIRCUIT_STATES),
        "last_error": st.none() | words,
        "last_success": st.none() | moments,
        "total_calls": counts,
        "total_failures": counts,
        "uptime_since": st.none() | moments,
        "open_until": st.none() | moments,
    },
    events.PolicyChanged: {
        "failure_threshold": st.integers(1, 9),
        "cooldown_seconds": st.floats(0.5, 1e4),
        "half_open_successes": st.integers(1, 9),
    },
}

steps = st.one_of(
    *(
        st.tuples(st.just(kind), st.fixed_dictionaries(spec))
        for kind, spec in FIELDS.items()
    )
)


@st.composite
def provider_histories(draw: st.DrawFn) -> list[Any]:
    """A Registered event followed by any provider events, one second apart."""
    policy = BreakerPolicy(
        draw(st.integers(1, 9)), draw(st.floats(0.5, 1e4)), draw(st.integers(1, 9))
    )
    provider = Provider.register("p", policy=policy, actor="ops", at=T0)
    history: list[Any] = provider.collect_events()
    for version, (kind, values) in enumerate(draw(st.lists(steps)), start=2):
        history.append(
            kind(
                originator_id=provider.id,
                originator_version=version,
                timestamp=T0 + timedelta(seconds=version),
                name="p",
                actor="ops",
                **values,
            )
        )
    return history
