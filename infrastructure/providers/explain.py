"""``providers.explain``: the chain of events behind a breaker's state."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict

from boternity_store.infrastructure.history import LoggedEvent

TRANSITIONS = {
    "Provider.Registered",
    "Provider.CircuitOpened",
    "Provider.CircuitHalfOpened",
    "Provider.CircuitClosed",
    "Provider.ForcedOpen",
    "Provider.ForcedClosed",
    "Provider.Reset",
    "Provider.HealthOverridden",
}


class BreakerExplanation(BaseModel):
    """Why a provider's breaker is in its state: the transition that put it
    there, the events that led to it (and any since), and a sentence."""

    model_config = ConfigDict(frozen=True)

    name: str
    circuit_state: str
    since: datetime
    events: list[LoggedEvent]
    text: str

    def __str__(self) -> str:
        return self.text


def explain(
    name: str, circuit_state: str, history: list[LoggedEvent]
) -> BreakerExplanation:
    """From the provider's whole history (oldest first)."""
    marks = [i for i, e in enumerate(history) if e.type in TRANSITIONS]
    last = marks[-1] if marks else 0
    start = marks[-2] + 1 if len(marks) > 1 else 0
    chain = history[start:]
    transition = history[last]
    return BreakerExplanation(
        name=name,
        circuit_state=circuit_state,
        since=transition.timestamp,
        events=chain,
        text=_sentence(name, transition, history[start:last]),
    )


def _sentence(name: str, transition: LoggedEvent, before: list[LoggedEvent]) -> str:
    when = transition.timestamp.isoformat().replace("+00:00", "Z")
    data, kind = transition.data, transition.type.removeprefix("Provider.")
    successes = [e for e in before if e.type == "Provider.CallSucceeded"]
    in_a_row = before[before.index(successes[-1]) + 1 :] if successes else before
    failures = [e for e in in_a_row if e.type == "Provider.CallFailed"]
    if kind == "CircuitOpened":
        errors = "; ".join(dict.fromkeys(str(e.data.get("error")) for e in failures))
        until = data.get("open_until")
        if isinstance(until, datetime):
            until = until.isoformat().replace("+00:00", "Z")
        again = f"; it may half-open at {until}" if until else ""
        return (
            f"{name} opened at {when} after {len(failures)} consecutive"
            f" failure(s): {errors or 'no errors recorded'}{again}"
        )
    if kind == "CircuitHalfOpened":
        return f"{name} went half-open at {when} (cooldown over): trial calls decide"
    if kind == "CircuitClosed":
        return (
            f"{name} closed at {when} after {len(successes)} successful trial call(s)"
        )
    if kind in ("ForcedOpen", "ForcedClosed", "Reset", "HealthOverridden"):
        reason = data.get("reason")
        why = f": {reason}" if reason else ""
        verb = {
            "ForcedOpen": "was forced open",
            "ForcedClosed": "was forced closed",
            "Reset": "was reset (closed, counters zeroed)",
            "HealthOverridden": "had its health row set",
        }[kind]
        return f"{name} {verb} at {when} by {transition.actor}{why}"
    return f"{name} is closed: registered at {when}, no transition since"
