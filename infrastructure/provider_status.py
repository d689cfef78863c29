"""A provider aggregate's state as the public :class:`ProviderStatus`."""

from __future__ import annotations

from boternity_store.domain.provider import Provider
from boternity_store.domain.provider_models import ProviderPolicy, ProviderStatus


def to_status(provider: Provider) -> ProviderStatus:
    policy = provider.policy
    return ProviderStatus(
        name=provider.name,
        circuit_state=provider.circuit,
        last_error=provider.last_error,
        last_success=provider.last_success,
        total_calls=provider.total_calls,
        total_failures=provider.total_failures,
        uptime_since=provider.uptime_since,
        updated_at=provider.modified_on,
        consecutive_failures=provider.consecutive_failures,
        open_until=provider.open_until,
        forced=provider.forced,
        trial_started_at=provider.trial_started_at,
        trial_successes=provider.trial_successes,
        state_reason=provider.state_reason,
        state_since=provider.state_since,
        last_error_kind=provider.last_error_kind,
        last_latency_ms=provider.last_latency_ms,
        policy=ProviderPolicy(
            failure_threshold=policy.failure_threshold,
            cooldown_seconds=policy.cooldown_seconds,
            half_open_successes=policy.half_open_successes,
        ),
    )
