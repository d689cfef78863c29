"""Input rules of the provider-health commands (names use check_identifier)."""

from __future__ import annotations

import math
from datetime import UTC, datetime

from boternity_store.domain.errors import InvalidInput
from boternity_store.domain.providers.breaker import CIRCUIT_STATES, CircuitState

MAX_TEXT_LENGTH = 10_000


def check_text(value: object, what: str) -> str:
    """A non-empty string of at most MAX_TEXT_LENGTH characters (newlines allowed)."""
    if not isinstance(value, str):
        raise InvalidInput(f"{what} must be a string, got {type(value).__name__}")
    if not value.strip():
        raise InvalidInput(f"{what} must not be empty")
    if len(value) > MAX_TEXT_LENGTH:
        raise InvalidInput(f"{what} is longer than {MAX_TEXT_LENGTH} characters")
    return value


def check_optional_text(value: object, what: str) -> str | None:
    return None if value is None else check_text(value, what)


def check_moment(value: object, what: str) -> datetime:
    """An aware datetime, returned in UTC."""
    if not isinstance(value, datetime) or value.tzinfo is None:
        raise InvalidInput(f"{what} must be an aware datetime, got {value!r}")
    return value.astimezone(UTC)


def check_optional_moment(value: object, what: str) -> datetime | None:
    return None if value is None else check_moment(value, what)


def check_latency(value: object) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise InvalidInput("latency_ms must be a number or None")
    if not math.isfinite(value) or value < 0:
        raise InvalidInput(f"latency_ms must be finite and >= 0, got {value!r}")
    return float(value)


def check_count(value: object, what: str) -> int:
    if type(value) is not int or value < 0:
        raise InvalidInput(f"{what} must be an int >= 0, got {value!r}")
    return value


def check_circuit_state(value: object) -> CircuitState:
    for state in CIRCUIT_STATES:
        if value == state and isinstance(value, str):
            return state
    raise InvalidInput(f"circuit_state must be one of {CIRCUIT_STATES}, got {value!r}")
