"""Provider health rows: ``provider_health`` (exactly the seed's table) plus
``provider_breaker`` (what the seed has no column for: open_until, the trial,
consecutive failures, the policy, why the circuit is in its state).

Every handler assigns values carried by the event; ``updated_at`` is the time
of the provider's latest event.
"""

from __future__ import annotations

from functools import singledispatchmethod
from typing import TYPE_CHECKING, Any

from boternity_store.domain import provider_events as events
from boternity_store.domain.provider import Provider

from .projection import Projection
from .provider_tables import breaker_table, health_table
from .timestamps import to_text

if TYPE_CHECKING:
    from datetime import datetime

    from sqlalchemy import Table

    from .view import View


def _text(moment: datetime | None) -> str | None:
    return None if moment is None else to_text(moment)


class ProvidersProjection(Projection):
    name = "providers"
    version = 1

    def define_tables(self) -> list[Table]:
        self.health = health_table(self.metadata, self.table_name)
        self.breaker = breaker_table(self.metadata, self.table_name)
        return [self.health, self.breaker]

    @singledispatchmethod
    def process_event(self, event: object, view: View) -> None:
        pass

    @process_event.register(Provider.Registered)
    def _registered(self, event: events.Registered, view: View) -> None:
        at = to_text(event.timestamp)
        view.insert(
            self.health,
            name=event.name,
            circuit_state="closed",
            last_error=None,
            last_success=None,
            total_calls=0,
            total_failures=0,
            uptime_since=at,
            updated_at=at,
        )
        view.insert(
            self.breaker,
            name=event.name,
            consecutive_failures=0,
            open_until=None,
            forced=False,
            trial_started_at=None,
            trial_successes=0,
            state_reason=None,
            state_since=at,
            last_error_kind=None,
            last_latency_ms=None,
            failure_threshold=event.failure_threshold,
            cooldown_seconds=event.cooldown_seconds,
            half_open_successes=event.half_open_successes,
        )

    @process_event.register(Provider.CallSucceeded)
    def _succeeded(self, event: events.CallSucceeded, view: View) -> None:
        self._health(
            view,
            event,
            total_calls=event.total_calls,
            last_success=to_text(event.timestamp),
        )
        self._breaker(
            view,
            event,
            consecutive_failures=0,
            trial_started_at=None,
            trial_successes=event.trial_successes,
            last_latency_ms=event.latency_ms,
        )

    @process_event.register(Provider.CallFailed)
    def _failed(self, event: events.CallFailed, view: View) -> None:
        self._health(
            view,
            event,
            total_calls=event.total_calls,
            total_failures=event.total_failures,
            last_error=event.error,
        )
        self._breaker(
            view,
            event,
            consecutive_failures=event.consecutive_failures,
            trial_started_at=None,
            last_error_kind=event.error_kind,
        )

    @process_event.register(Provider.CircuitOpened)
    def _opened(self, event: events.CircuitOpened, view: View) -> None:
        self._health(view, event, circuit_state="open", uptime_since=None)
        self._enter(
            view,
            event,
            event.reason,
            open_until=to_text(event.open_until),
            forced=False,
        )

    @process_event.register(Provider.CircuitHalfOpened)
    def _half_opened(self, event: events.CircuitHalfOpened, view: View) -> None:
        self._health(view, event, circuit_state="half_open")
        self._enter(view, event, event.reason, open_until=None)

    @process_event.register(Provider.TrialStarted)
    def _trial_started(self, event: events.TrialStarted, view: View) -> None:
        self._health(view, event)
        self._breaker(view, event, trial_started_at=to_text(event.timestamp))

    @process_event.register(Provider.CircuitClosed)
    @process_event.register(Provider.ForcedClosed)
    def _closed(
        self, event: events.CircuitClosed | events.ForcedClosed, view: View
    ) -> None:
        self._health(
            view, event, circuit_state="closed", uptime_since=to_text(event.timestamp)
        )
        self._enter(
            view,
            event,
            event.reason,
            consecutive_failures=0,
            open_until=None,
            forced=False,
        )

    @process_event.register(Provider.ForcedOpen)
    def _forced_open(self, event: events.ForcedOpen, view: View) -> None:
        self._health(view, event, circuit_state="open", uptime_since=None)
        self._enter(view, event, event.reason, open_until=None, forced=True)

    @process_event.register(Provider.Reset)
    def _reset(self, event: events.Reset, view: View) -> None:
        self._health(
            view,
            event,
            circuit_state="closed",
            last_error=None,
            last_success=None,
            total_calls=0,
            total_failures=0,
            uptime_since=to_text(event.timestamp),
        )
        self._enter(
            view,
            event,
            event.reason,
            consecutive_failures=0,
            open_until=None,
            forced=False,
            last_error_kind=None,
            last_latency_ms=None,
        )

    @process_event.register(Provider.HealthOverridden)
    def _overridden(self, event: events.HealthOverridden, view: View) -> None:
        self._health(
            view,
            event,
            circuit_state=event.circuit_state,
            last_error=event.last_error,
            last_success=_text(event.last_success),
            total_calls=event.total_calls,
            total_failures=event.total_failures,
            uptime_since=_text(event.uptime_since),
        )
        self._enter(
            view,
            event,
            "health overridden",
            consecutive_failures=0,
            open_until=_text(event.open_until),
            forced=False,
            last_error_kind=None,
        )

    @process_event.register(Provider.PolicyChanged)
    def _policy_changed(self, event: events.PolicyChanged, view: View) -> None:
        self._health(view, event)
        self._breaker(
            view,
            event,
            failure_threshold=event.failure_threshold,
            cooldown_seconds=event.cooldown_seconds,
            half_open_successes=event.half_open_successes,
        )

    def _health(self, view: View, event: events.ProviderEvent, **values: Any) -> None:
        view.update(
            self.health,
            {"name": event.name},
            updated_at=to_text(event.timestamp),
            **values,
        )

    def _breaker(self, view: View, event: events.ProviderEvent, **values: Any) -> None:
        view.update(self.breaker, {"name": event.name}, **values)

    def _enter(
        self, view: View, event: events.ProviderEvent, reason: str, **values: Any
    ) -> None:
        self._breaker(
            view,
            event,
            state_reason=reason,
            state_since=to_text(event.timestamp),
            trial_started_at=None,
            trial_successes=0,
            **values,
        )
