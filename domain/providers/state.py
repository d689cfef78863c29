"""A provider's state as one immutable value, and the effects of its events.

Each provider event's effect is written once, as the changes it makes to this
value (see ``changes()`` on the events). The aggregate assigns those changes to
itself; the projection writes them to its rows; :func:`fold` applies them to a
:class:`ProviderState`. None of them reads the previous state.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol, get_args, get_type_hints

from boternity_store.domain.providers.breaker import CLOSED, CircuitState

if TYPE_CHECKING:
    from collections.abc import Iterable

Changes = dict[str, Any]  # ProviderState field name -> new value


@dataclass(frozen=True)
class ProviderState:
    """Everything a provider's events set; the aggregate holds these attributes
    and the provider read tables hold these columns."""

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


STATE_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(ProviderState))
MOMENT_FIELDS = frozenset(
    name
    for name, hint in get_type_hints(ProviderState).items()
    if datetime in (hint, *get_args(hint))
)


class Transition(Protocol):
    def changes(self) -> Changes: ...


def registered(
    name: str,
    *,
    failure_threshold: int,
    cooldown_seconds: float,
    half_open_successes: int,
    at: datetime,
) -> ProviderState:
    """A newly registered provider: closed, no history, up since ``at``."""
    return ProviderState(
        name=name,
        failure_threshold=failure_threshold,
        cooldown_seconds=cooldown_seconds,
        half_open_successes=half_open_successes,
        **entering(CLOSED, None, at),
        **cleared_history(),
        forced=False,
        open_until=None,
        uptime_since=at,
    )


def entering(circuit: str, reason: str | None, at: datetime) -> Changes:
    """Entering a circuit state: why and since when; any trial ends."""
    return {
        "circuit": circuit,
        "state_reason": reason,
        "state_since": at,
        "trial_started_at": None,
        "trial_successes": 0,
    }


def closing(reason: str, at: datetime) -> Changes:
    return {
        **entering(CLOSED, reason, at),
        "consecutive_failures": 0,
        "open_until": None,
        "forced": False,
        "uptime_since": at,
    }


def cleared_history() -> Changes:
    return {
        "consecutive_failures": 0,
        "total_calls": 0,
        "total_failures": 0,
        "last_error": None,
        "last_error_kind": None,
        "last_success": None,
        "last_latency_ms": None,
    }


def fold(state: ProviderState, events: Iterable[Transition]) -> ProviderState:
    for event in events:
        state = replace(state, **event.changes())
    return state


def state_of(holder: object) -> ProviderState:
    """The state held as attributes by ``holder`` (the aggregate)."""
    return ProviderState(**{name: getattr(holder, name) for name in STATE_FIELDS})
