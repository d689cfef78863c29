"""The Provider aggregate: one LLM provider's circuit breaker and call counters.

Every call outcome and every state transition is an event, so "why is this
provider open?" is answered by its stream. Commands decide with the pure rules
of :mod:`.breaker`, then record; a failure that trips the breaker records two
events (``CallFailed`` + ``CircuitOpened``), saved together.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate

from boternity_store.domain.errors import InvalidTransition
from boternity_store.domain.ids import stream_id
from boternity_store.domain.providers import events
from boternity_store.domain.providers.breaker import (
    CLOSED,
    OPEN,
    Admission,
    BreakerPolicy,
    BreakerState,
    CircuitState,
    admit,
    failure_trips,
    opening_reason,
    reopen_at,
    success_closes,
    trial_successes_after_success,
)
from boternity_store.domain.providers.state import ProviderState, registered, state_of

SYSTEM = "system"  # actor of call outcomes and automatic transitions


class Provider(Aggregate):
    class_version = 1
    # The attributes of a ProviderState, assigned by the events' changes().
    name: str
    failure_threshold: int
    cooldown_seconds: float
    half_open_successes: int
    circuit: CircuitState
    state_reason: str | None
    state_since: datetime
    open_until: datetime | None
    trial_started_at: datetime | None
    trial_successes: int
    forced: bool
    consecutive_failures: int
    total_calls: int
    total_failures: int
    last_error: str | None
    last_error_kind: str | None
    last_success: datetime | None
    last_latency_ms: float | None
    uptime_since: datetime | None

    Registered = events.Registered
    CallSucceeded = events.CallSucceeded
    CallFailed = events.CallFailed
    CircuitOpened = events.CircuitOpened
    CircuitHalfOpened = events.CircuitHalfOpened
    TrialStarted = events.TrialStarted
    CircuitClosed = events.CircuitClosed
    ForcedOpen = events.ForcedOpen
    ForcedClosed = events.ForcedClosed
    Reset = events.Reset
    HealthOverridden = events.HealthOverridden
    PolicyChanged = events.PolicyChanged

    def __init__(
        self,
        name: str,
        actor: str,
        failure_threshold: int,
        cooldown_seconds: float,
        half_open_successes: int,
    ) -> None:
        state = registered(
            name,
            failure_threshold=failure_threshold,
            cooldown_seconds=cooldown_seconds,
            half_open_successes=half_open_successes,
            at=self.created_on,
        )
        vars(self).update(asdict(state))

    @property
    def state(self) -> ProviderState:
        return state_of(self)

    @staticmethod
    def create_id(name: str) -> UUID:
        return stream_id("provider", name)

    @property
    def policy(self) -> BreakerPolicy:
        return BreakerPolicy(
            self.failure_threshold, self.cooldown_seconds, self.half_open_successes
        )

    @property
    def breaker(self) -> BreakerState:
        return BreakerState(
            self.circuit,
            self.consecutive_failures,
            self.trial_successes,
            self.open_until,
            self.trial_started_at,
            self.forced,
        )

    @classmethod
    def register(
        cls, name: str, *, policy: BreakerPolicy, actor: str, at: datetime
    ) -> Provider:
        return cls._create(
            cls.Registered,
            id=cls.create_id(name),
            timestamp=at,
            name=name,
            actor=actor,
            failure_threshold=policy.failure_threshold,
            cooldown_seconds=policy.cooldown_seconds,
            half_open_successes=policy.half_open_successes,
        )

    def allow(self, *, at: datetime) -> bool:
        """Whether a call may go out now; a granted half-open trial is recorded."""
        admission = admit(self.breaker, self.policy, at)
        if admission is Admission.HALF_OPEN:
            self._record(self.CircuitHalfOpened, at, reason="cooldown over")
        if admission in (Admission.HALF_OPEN, Admission.TRIAL):
            self._record(self.TrialStarted, at)
        return admission is not Admission.REJECT

    def record_success(self, *, latency_ms: float | None, at: datetime) -> None:
        state, policy = self.breaker, self.policy
        self._record(
            self.CallSucceeded,
            at,
            latency_ms=latency_ms,
            total_calls=self.total_calls + 1,
            trial_successes=trial_successes_after_success(state),
        )
        if success_closes(state, policy):
            reason = f"{policy.half_open_successes} successful trial call(s)"
            self._record(self.CircuitClosed, at, reason=reason)

    def record_failure(
        self,
        *,
        error: str,
        error_kind: str | None,
        open_until: datetime | None,
        at: datetime,
    ) -> None:
        state, policy = self.breaker, self.policy
        failures = self.consecutive_failures + 1
        self._record(
            self.CallFailed,
            at,
            error=error,
            error_kind=error_kind,
            total_calls=self.total_calls + 1,
            total_failures=self.total_failures + 1,
            consecutive_failures=failures,
        )
        if failure_trips(state, policy):
            reason = opening_reason(state, failures, open_until)
            self._record(
                self.CircuitOpened,
                at,
                reason=reason,
                open_until=reopen_at(at, policy, open_until),
            )

    def force_open(self, *, reason: str, actor: str, at: datetime) -> None:
        if self.forced:
            raise InvalidTransition(f"provider {self.name!r} is already forced open")
        self._record(self.ForcedOpen, at, actor=actor, reason=reason)

    def force_close(self, *, reason: str, actor: str, at: datetime) -> None:
        if self.circuit == CLOSED:
            raise InvalidTransition(f"provider {self.name!r} is already closed")
        self._record(self.ForcedClosed, at, actor=actor, reason=reason)

    def reset(self, *, reason: str, actor: str, at: datetime) -> None:
        self._record(self.Reset, at, actor=actor, reason=reason)

    def override_health(
        self, *, circuit_state: CircuitState, actor: str, at: datetime, **values: Any
    ) -> None:
        """Set the seed's health columns as given (``values``: last_error,
        last_success, total_calls, total_failures, uptime_since); an overridden
        ``open`` circuit may half-open after one cooldown from now."""
        open_until = at + self.policy.cooldown if circuit_state == OPEN else None
        self._record(
            self.HealthOverridden,
            at,
            actor=actor,
            circuit_state=circuit_state,
            open_until=open_until,
            **values,
        )

    def change_policy(self, policy: BreakerPolicy, *, actor: str, at: datetime) -> bool:
        if policy == self.policy:
            return False
        self._record(
            self.PolicyChanged,
            at,
            actor=actor,
            failure_threshold=policy.failure_threshold,
            cooldown_seconds=policy.cooldown_seconds,
            half_open_successes=policy.half_open_successes,
        )
        return True

    def _record(
        self, event_class: type[Any], at: datetime, actor: str = SYSTEM, **fields: Any
    ) -> None:
        self.trigger_event(
            event_class, timestamp=at, name=self.name, actor=actor, **fields
        )
