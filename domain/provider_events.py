"""The events of a provider's stream (nested into :class:`Provider` there).

Each event carries the values it sets (counters after the call, ``open_until``),
so applying one only assigns and never re-decides or raises.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from eventsourcing.domain import Aggregate

from .breaker import CLOSED, HALF_OPEN, OPEN


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


class CallSucceeded(ProviderEvent):
    class_version = 1
    latency_ms: float | None
    total_calls: int
    trial_successes: int

    def apply(self, aggregate: Any) -> None:
        aggregate.total_calls = self.total_calls
        aggregate.last_success = self.timestamp
        aggregate.last_latency_ms = self.latency_ms
        aggregate.consecutive_failures = 0
        aggregate.trial_successes = self.trial_successes
        aggregate.trial_started_at = None


class CallFailed(ProviderEvent):
    class_version = 1
    error: str
    error_kind: str | None
    total_calls: int
    total_failures: int
    consecutive_failures: int

    def apply(self, aggregate: Any) -> None:
        aggregate.total_calls = self.total_calls
        aggregate.total_failures = self.total_failures
        aggregate.consecutive_failures = self.consecutive_failures
        aggregate.last_error = self.error
        aggregate.last_error_kind = self.error_kind
        aggregate.trial_started_at = None


class CircuitOpened(ProviderEvent):
    class_version = 1
    reason: str
    open_until: datetime

    def apply(self, aggregate: Any) -> None:
        enter(aggregate, OPEN, self.reason, self.timestamp)
        aggregate.open_until = self.open_until
        aggregate.uptime_since = None


class CircuitHalfOpened(ProviderEvent):
    class_version = 1
    reason: str

    def apply(self, aggregate: Any) -> None:
        enter(aggregate, HALF_OPEN, self.reason, self.timestamp)
        aggregate.open_until = None


class TrialStarted(ProviderEvent):
    class_version = 1

    def apply(self, aggregate: Any) -> None:
        aggregate.trial_started_at = self.timestamp


class CircuitClosed(ProviderEvent):
    class_version = 1
    reason: str

    def apply(self, aggregate: Any) -> None:
        close(aggregate, self.reason, self.timestamp)


class ForcedOpen(ProviderEvent):
    class_version = 1
    reason: str

    def apply(self, aggregate: Any) -> None:
        enter(aggregate, OPEN, self.reason, self.timestamp)
        aggregate.forced = True
        aggregate.open_until = None
        aggregate.uptime_since = None


class ForcedClosed(ProviderEvent):
    class_version = 1
    reason: str

    def apply(self, aggregate: Any) -> None:
        close(aggregate, self.reason, self.timestamp)


class Reset(ProviderEvent):
    class_version = 1
    reason: str

    def apply(self, aggregate: Any) -> None:
        close(aggregate, self.reason, self.timestamp)
        clear_history(aggregate)


class HealthOverridden(ProviderEvent):
    class_version = 1
    circuit_state: str
    last_error: str | None
    last_success: datetime | None
    total_calls: int
    total_failures: int
    uptime_since: datetime | None
    open_until: datetime | None

    def apply(self, aggregate: Any) -> None:
        enter(aggregate, self.circuit_state, "health overridden", self.timestamp)
        aggregate.last_error, aggregate.last_error_kind = self.last_error, None
        aggregate.last_success = self.last_success
        aggregate.total_calls = self.total_calls
        aggregate.total_failures = self.total_failures
        aggregate.uptime_since = self.uptime_since
        aggregate.open_until = self.open_until
        aggregate.consecutive_failures, aggregate.forced = 0, False


class PolicyChanged(ProviderEvent):
    class_version = 1
    failure_threshold: int
    cooldown_seconds: float
    half_open_successes: int

    def apply(self, aggregate: Any) -> None:
        aggregate.failure_threshold = self.failure_threshold
        aggregate.cooldown_seconds = self.cooldown_seconds
        aggregate.half_open_successes = self.half_open_successes


def enter(provider: Any, circuit: str, reason: str | None, at: datetime) -> None:
    provider.circuit = circuit
    provider.state_reason = reason
    provider.state_since = at
    provider.trial_started_at = None
    provider.trial_successes = 0


def close(provider: Any, reason: str, at: datetime) -> None:
    enter(provider, CLOSED, reason, at)
    provider.consecutive_failures = 0
    provider.open_until = None
    provider.forced = False
    provider.uptime_since = at


def clear_history(provider: Any) -> None:
    provider.consecutive_failures = 0
    provider.total_calls = 0
    provider.total_failures = 0
    provider.last_error = None
    provider.last_error_kind = None
    provider.last_success = None
    provider.last_latency_ms = None
