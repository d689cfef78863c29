"""Public read models of provider health (pydantic, UTC-aware datetimes)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from boternity_store.domain.models import PublicModel, UtcDatetime
from boternity_store.domain.providers.breaker import CircuitState

if TYPE_CHECKING:
    from datetime import datetime

    from boternity_store.domain.providers.state import ProviderState


class ProviderPolicy(PublicModel):
    """A provider's breaker policy: ``failure_threshold`` consecutive failures
    open the circuit for ``cooldown_seconds``; ``half_open_successes`` successful
    trial calls close it again."""

    failure_threshold: int
    cooldown_seconds: float
    half_open_successes: int


class ProviderHealthRow(PublicModel):
    """One row of the seed's ``provider_health`` table."""

    name: str
    circuit_state: CircuitState
    last_error: str | None
    last_success: UtcDatetime | None
    total_calls: int
    total_failures: int
    uptime_since: UtcDatetime | None
    updated_at: UtcDatetime


class ProviderStatus(ProviderHealthRow):
    """A provider's full breaker status: the health row plus why and until when.

    ``circuit_state`` is the recorded state: an ``open`` circuit whose
    ``open_until`` has passed half-opens on the next ``allow_request``.
    ``uptime_since`` is when the circuit last became closed (None unless closed,
    or as set by ``provider_health.save``).
    """

    consecutive_failures: int
    open_until: UtcDatetime | None
    forced: bool
    trial_started_at: UtcDatetime | None
    trial_successes: int
    state_reason: str | None
    state_since: UtcDatetime
    last_error_kind: str | None
    last_latency_ms: float | None
    policy: ProviderPolicy


def provider_status(state: ProviderState, *, updated_at: datetime) -> ProviderStatus:
    """The public status of a provider in ``state``, last changed at ``updated_at``
    (the aggregate's state, or the state its read rows hold)."""
    return ProviderStatus(
        name=state.name,
        circuit_state=state.circuit,
        last_error=state.last_error,
        last_success=state.last_success,
        total_calls=state.total_calls,
        total_failures=state.total_failures,
        uptime_since=state.uptime_since,
        updated_at=updated_at,
        consecutive_failures=state.consecutive_failures,
        open_until=state.open_until,
        forced=state.forced,
        trial_started_at=state.trial_started_at,
        trial_successes=state.trial_successes,
        state_reason=state.state_reason,
        state_since=state.state_since,
        last_error_kind=state.last_error_kind,
        last_latency_ms=state.last_latency_ms,
        policy=ProviderPolicy(
            failure_threshold=state.failure_threshold,
            cooldown_seconds=state.cooldown_seconds,
            half_open_successes=state.half_open_successes,
        ),
    )
