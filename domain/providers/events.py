"""The events of a provider's stream (nested into :class:`Provider` there).

Each event carries the values it sets (counters after the call, ``open_until``),
so its effect, ``changes()``, only assigns and never re-decides or raises. The
aggregate applies it here; the providers projection writes the same changes.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from eventsourcing.domain import Aggregate

from boternity_store.domain.providers.breaker import HALF_OPEN, OPEN
from boternity_store.domain.providers.state import (
    Changes,
    cleared_history,
    closing,
    entering,
)


class Registered(Aggregate.Created):
    class_version = 1
    name: str
    actor: str
    failure_threshold: int
    cooldown_seconds: float
    half_open_successes: int


class ProviderEvent(Aggregate.Event):
    class_version = 1
    name: str
    actor: str

    def changes(self) -> Changes:
        return {}

    def apply(self, aggregate: Any) -> None:
        vars(aggregate).update(self.changes())


class CallSucceeded(ProviderEvent):
    class_version = 1
    latency_ms: float | None
    total_calls: int
    trial_successes: int

    def changes(self) -> Changes:
        return {
            "total_calls": self.total_calls,
            "last_success": self.timestamp,
            "last_latency_ms": self.latency_ms,
            "consecutive_failures": 0,
            "trial_successes": self.trial_successes,
            "trial_started_at": None,
        }


class CallFailed(ProviderEvent):
    class_version = 1
    error: str
    error_kind: str | None
    total_calls: int
    total_failures: int
    consecutive_failures: int

    def changes(self) -> Changes:
        return {
            "total_calls": self.total_calls,
            "total_failures": self.total_failures,
            "consecutive_failures": self.consecutive_failures,
            "last_error": self.error,
            "last_error_kind": self.error_kind,
            "trial_started_at": None,
        }


class CircuitOpened(ProviderEvent):
    class_version = 1
    reason: str
    open_until: datetime

    def changes(self) -> Changes:
        return {
            **entering(OPEN, self.reason, self.timestamp),
            "open_until": self.open_until,
            "uptime_since": None,
        }


class CircuitHalfOpened(ProviderEvent):
    class_version = 1
    reason: str

    def changes(self) -> Changes:
        return {**entering(HALF_OPEN, self.reason, self.timestamp), "open_until": None}


class TrialStarted(ProviderEvent):
    class_version = 1

    def changes(self) -> Changes:
        return {"trial_started_at": self.timestamp}


class CircuitClosed(ProviderEvent):
    class_version = 1
    reason: str

    def changes(self) -> Changes:
        return closing(self.reason, self.timestamp)


class ForcedOpen(ProviderEvent):
    class_version = 1
    reason: str

    def changes(self) -> Changes:
        return {
            **entering(OPEN, self.reason, self.timestamp),
            "forced": True,
            "open_until": None,
            "uptime_since": None,
        }


class ForcedClosed(ProviderEvent):
    class_version = 1
    reason: str

    def changes(self) -> Changes:
        return closing(self.reason, self.timestamp)


class Reset(ProviderEvent):
    class_version = 1
    reason: str

    def changes(self) -> Changes:
        return {**closing(self.reason, self.timestamp), **cleared_history()}


class HealthOverridden(ProviderEvent):
    class_version = 1
    circuit_state: str
    last_error: str | None
    last_success: datetime | None
    total_calls: int
    total_failures: int
    uptime_since: datetime | None
    open_until: datetime | None

    def changes(self) -> Changes:
        return {
            **entering(self.circuit_state, "health overridden", self.timestamp),
            "last_error": self.last_error,
            "last_error_kind": None,
            "last_success": self.last_success,
            "total_calls": self.total_calls,
            "total_failures": self.total_failures,
            "uptime_since": self.uptime_since,
            "open_until": self.open_until,
            "consecutive_failures": 0,
            "forced": False,
        }


class PolicyChanged(ProviderEvent):
    class_version = 1
    failure_threshold: int
    cooldown_seconds: float
    half_open_successes: int

    def changes(self) -> Changes:
        return {
            "failure_threshold": self.failure_threshold,
            "cooldown_seconds": self.cooldown_seconds,
            "half_open_successes": self.half_open_successes,
        }
