"""The model's providers: a circuit breaker per provider, written out plainly
from the documented rules (closed -> open after ``failure_threshold``
consecutive failures; open until ``open_until``; the first request after it
half-opens and gets one trial; ``half_open_successes`` successes close it; a
trial failure opens it again)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from boternity_store.domain.errors import InvalidTransition, ProviderNotFound
from boternity_store.domain.providers.breaker import BreakerPolicy
from boternity_store.domain.providers.input import (
    check_latency,
    check_optional_moment,
    check_text,
    error_text,
)
from boternity_store.domain.providers.models import ProviderPolicy, ProviderStatus
from boternity_store.domain.providers.state import cleared_history
from boternity_store.domain.validation import check_actor, check_identifier

if TYPE_CHECKING:
    from boternity_store.testing.model.store import ModelStore

ProviderState = dict[str, ProviderStatus]


class ModelProviders:
    """``store.providers`` without a database."""

    def __init__(self, store: ModelStore) -> None:
        self._store = store

    @property
    def _statuses(self) -> ProviderState:
        return self._store.state.providers

    def allow_request(self, name: str) -> bool:
        check_identifier(name, "provider name")
        status = self._statuses.get(name)
        if status is None or status.circuit_state == "closed":
            return True
        now = self._store.now()
        cooldown = timedelta(seconds=status.policy.cooldown_seconds)
        if status.circuit_state == "open":
            if status.forced or (status.open_until and now < status.open_until):
                return False
            status = _entering(status, "half_open", "cooldown over", now)
            status = status.model_copy(update={"open_until": None})
        elif status.trial_started_at and now < status.trial_started_at + cooldown:
            return False
        self._save(status.model_copy(update={"trial_started_at": now}), now)
        return True

    def record_success(
        self, name: str, *, latency_ms: float | None = None
    ) -> ProviderStatus:
        check_identifier(name, "provider name")
        latency = check_latency(latency_ms)
        status, now = self._get_or_register(name), self._store.now()
        trial = status.circuit_state == "half_open"
        successes = status.trial_successes + 1 if trial else 0
        status = status.model_copy(
            update={
                "total_calls": status.total_calls + 1,
                "last_success": now,
                "last_latency_ms": latency,
                "consecutive_failures": 0,
                "trial_successes": successes,
                "trial_started_at": None,
            }
        )
        needed = status.policy.half_open_successes
        if trial and successes >= needed:
            status = _closing(status, f"{needed} successful trial call(s)", now)
        return self._save(status, now)

    def record_failure(
        self,
        name: str,
        *,
        error: str,
        error_kind: str | None = None,
        open_until: datetime | None = None,
    ) -> ProviderStatus:
        check_identifier(name, "provider name")
        error = error_text(error)
        if error_kind is not None:
            check_identifier(error_kind, "error_kind")
        until = check_optional_moment(open_until, "open_until")
        status, now = self._get_or_register(name), self._store.now()
        failures = status.consecutive_failures + 1
        circuit = status.circuit_state
        trips = circuit == "half_open" or (
            circuit == "closed" and failures >= status.policy.failure_threshold
        )
        reason = (
            "trial call failed"
            if circuit == "half_open"
            else f"{failures} consecutive failures"
        )
        status = status.model_copy(
            update={
                "total_calls": status.total_calls + 1,
                "total_failures": status.total_failures + 1,
                "consecutive_failures": failures,
                "last_error": error,
                "last_error_kind": error_kind,
                "trial_started_at": None,
            }
        )
        if trips:
            if until is not None:
                reason += "; open_until given by caller"
            status = _entering(status, "open", reason, now).model_copy(
                update={
                    "open_until": until
                    or now + timedelta(seconds=status.policy.cooldown_seconds),
                    "uptime_since": None,
                }
            )
        return self._save(status, now)

    def force_open(self, name: str, *, actor: str, reason: str) -> ProviderStatus:
        _check_operator(name, actor, reason)
        status, now = self._get_or_register(name, actor), self._store.now()
        if status.forced:
            raise InvalidTransition(f"provider {name!r} is already forced open")
        status = _entering(status, "open", reason, now).model_copy(
            update={"forced": True, "open_until": None, "uptime_since": None}
        )
        return self._save(status, now)

    def force_close(self, name: str, *, actor: str, reason: str) -> ProviderStatus:
        _check_operator(name, actor, reason)
        status, now = self._get_or_register(name, actor), self._store.now()
        if status.circuit_state == "closed":
            raise InvalidTransition(f"provider {name!r} is already closed")
        return self._save(_closing(status, reason, now), now)

    def reset(self, name: str, *, actor: str, reason: str) -> ProviderStatus:
        _check_operator(name, actor, reason)
        status, now = self._statuses.get(name), self._store.now()
        if status is None:
            raise ProviderNotFound(name)
        status = _closing(status, reason, now).model_copy(update=_CLEARED)
        return self._save(status, now)

    def configure(
        self,
        name: str,
        *,
        failure_threshold: int | None = None,
        cooldown_seconds: float | None = None,
        half_open_successes: int | None = None,
        actor: str = "system",
    ) -> ProviderStatus:
        check_identifier(name, "provider name")
        check_actor(actor)
        given: dict[str, Any] = {
            key: value
            for key, value in {
                "failure_threshold": failure_threshold,
                "cooldown_seconds": cooldown_seconds,
                "half_open_successes": half_open_successes,
            }.items()
            if value is not None
        }
        replace(BreakerPolicy(), **given)  # InvalidInput for a bad value
        status = self._get_or_register(name, actor)
        policy = BreakerPolicy(**{**status.policy.model_dump(), **given})
        if _policy(policy) == status.policy:
            self._statuses[name] = status  # a new provider is recorded anyway
            return status
        return self._save(
            status.model_copy(update={"policy": _policy(policy)}), self._store.now()
        )

    def status(self, name: str) -> ProviderStatus | None:
        return self._statuses.get(check_identifier(name, "provider name"))

    def list(self) -> list[ProviderStatus]:
        return [self._statuses[name] for name in sorted(self._statuses)]

    def _get_or_register(self, name: str, actor: str = "system") -> ProviderStatus:
        status = self._statuses.get(name)
        if status is not None:
            return status
        now = self._store.now()
        return ProviderStatus(
            name=name,
            circuit_state="closed",
            last_error=None,
            last_success=None,
            total_calls=0,
            total_failures=0,
            uptime_since=now,
            updated_at=now,
            consecutive_failures=0,
            open_until=None,
            forced=False,
            trial_started_at=None,
            trial_successes=0,
            state_reason=None,
            state_since=now,
            last_error_kind=None,
            last_latency_ms=None,
            policy=_policy(BreakerPolicy()),
        )

    def _save(self, status: ProviderStatus, now: datetime) -> ProviderStatus:
        status = status.model_copy(update={"updated_at": now})
        self._statuses[status.name] = status
        return status


_CLEARED = cleared_history()


def _policy(policy: BreakerPolicy) -> ProviderPolicy:
    return ProviderPolicy(
        failure_threshold=policy.failure_threshold,
        cooldown_seconds=policy.cooldown_seconds,
        half_open_successes=policy.half_open_successes,
    )


def _entering(
    status: ProviderStatus, circuit: str, reason: str | None, at: datetime
) -> ProviderStatus:
    return status.model_copy(
        update={
            "circuit_state": circuit,
            "state_reason": reason,
            "state_since": at,
            "trial_started_at": None,
            "trial_successes": 0,
        }
    )


def _closing(status: ProviderStatus, reason: str, at: datetime) -> ProviderStatus:
    return _entering(status, "closed", reason, at).model_copy(
        update={
            "consecutive_failures": 0,
            "open_until": None,
            "forced": False,
            "uptime_since": at,
        }
    )


def _check_operator(name: str, actor: str, reason: str) -> None:
    check_identifier(name, "provider name")
    check_actor(actor)
    check_text(reason, "reason")
