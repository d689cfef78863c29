"""Circuit-breaker rules as pure functions of a policy, a state and the time.

closed --(``failure_threshold`` consecutive failures)--> open
open --(first request at or after ``open_until``)--> half_open, with one trial
half_open --(``half_open_successes`` successes)--> closed
half_open --(one failure)--> open
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum
from typing import Literal

from boternity_store.domain.errors import InvalidInput
from boternity_store.domain.validation import MAX_COUNT, check_finite_number, check_int

CircuitState = Literal["closed", "open", "half_open"]
CLOSED: CircuitState = "closed"
OPEN: CircuitState = "open"
HALF_OPEN: CircuitState = "half_open"
CIRCUIT_STATES: tuple[CircuitState, ...] = (CLOSED, OPEN, HALF_OPEN)

MAX_COOLDOWN_SECONDS = 366 * 24 * 3600


@dataclass(frozen=True)
class BreakerPolicy:
    """When a provider's circuit opens, how long it stays open, and how many
    successful trial calls close it again. Invalid values raise InvalidInput."""

    failure_threshold: int = 5
    cooldown_seconds: float = 30.0
    half_open_successes: int = 1

    def __post_init__(self) -> None:
        check_positive_int(self.failure_threshold, "failure_threshold")
        check_positive_int(self.half_open_successes, "half_open_successes")
        cooldown = check_finite_number(
            self.cooldown_seconds, "cooldown_seconds", maximum=MAX_COOLDOWN_SECONDS
        )
        if cooldown == 0:
            raise InvalidInput(
                f"cooldown_seconds must be > 0 and <= {MAX_COOLDOWN_SECONDS} (366 days)"
            )
        object.__setattr__(self, "cooldown_seconds", cooldown)

    @property
    def cooldown(self) -> timedelta:
        return timedelta(seconds=self.cooldown_seconds)


def check_positive_int(value: object, what: str) -> int:
    return check_int(value, what, minimum=1, maximum=MAX_COUNT)


@dataclass(frozen=True)
class BreakerState:
    """The part of a provider's state the breaker rules look at."""

    circuit: CircuitState = CLOSED
    consecutive_failures: int = 0
    trial_successes: int = 0
    open_until: datetime | None = None
    trial_started_at: datetime | None = None
    forced: bool = False


class Admission(Enum):
    ALLOW = "allow"  # closed: go ahead, nothing to record
    REJECT = "reject"
    HALF_OPEN = "half_open"  # cooldown over: go half-open and start the trial
    TRIAL = "trial"  # half-open, no live trial: start one


def admit(state: BreakerState, policy: BreakerPolicy, now: datetime) -> Admission:
    """Whether a request may go to the provider now, and what that starts."""
    if state.circuit == CLOSED:
        return Admission.ALLOW
    if state.circuit == OPEN:
        if state.forced or (state.open_until is not None and now < state.open_until):
            return Admission.REJECT
        return Admission.HALF_OPEN
    if trial_in_flight(state, policy, now):
        return Admission.REJECT
    return Admission.TRIAL


def trial_in_flight(state: BreakerState, policy: BreakerPolicy, now: datetime) -> bool:
    # A trial that never reported back (a crashed caller) stops blocking new
    # trials once a cooldown has passed since it started.
    started = state.trial_started_at
    return started is not None and now < started + policy.cooldown


def success_closes(state: BreakerState, policy: BreakerPolicy) -> bool:
    """Whether one more success closes the circuit."""
    return (
        state.circuit == HALF_OPEN
        and trial_successes_after_success(state) >= policy.half_open_successes
    )


def trial_successes_after_success(state: BreakerState) -> int:
    return state.trial_successes + 1 if state.circuit == HALF_OPEN else 0


def failure_trips(state: BreakerState, policy: BreakerPolicy) -> bool:
    """Whether one more failure opens the circuit."""
    if state.circuit == HALF_OPEN:
        return True
    return (
        state.circuit == CLOSED
        and state.consecutive_failures + 1 >= policy.failure_threshold
    )


def opening_reason(
    state: BreakerState, failures: int, open_until: datetime | None
) -> str:
    """Why a failure opens the circuit, as recorded in ``CircuitOpened``."""
    reason = (
        "trial call failed"
        if state.circuit == HALF_OPEN
        else f"{failures} consecutive failures"
    )
    return reason if open_until is None else f"{reason}; open_until given by caller"


def reopen_at(
    now: datetime, policy: BreakerPolicy, open_until: datetime | None = None
) -> datetime:
    """When an opening circuit may half-open: ``open_until`` if the caller gave
    one (e.g. from Retry-After), else after the policy's cooldown."""
    return open_until if open_until is not None else now + policy.cooldown
