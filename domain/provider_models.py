"""Public read models of provider health (pydantic, UTC-aware datetimes)."""

from __future__ import annotations

from .breaker import CircuitState
from .models import PublicModel, UtcDatetime


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
