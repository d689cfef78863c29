"""Input rules of the provider-health commands (names use check_identifier)."""

from __future__ import annotations

from datetime import UTC, datetime

from boternity_store.domain.errors import InvalidInput
from boternity_store.domain.providers.breaker import CIRCUIT_STATES, CircuitState
from boternity_store.domain.validation import (
    MAX_COUNT,
    check_finite_number,
    check_int,
    check_storable_text,
    storable_text,
)

MAX_TEXT_LENGTH = 10_000
MAX_LATENCY_MS = 366 * 24 * 3600 * 1000.0  # a year
# Moments are kept one year inside datetime's range, so that adding a cooldown
# (at most 366 days) to one never overflows.
EARLIEST_MOMENT = datetime(2, 1, 1, tzinfo=UTC)
LATEST_MOMENT = datetime(9998, 12, 31, tzinfo=UTC)


def check_text(value: object, what: str) -> str:
    """A non-empty string of at most MAX_TEXT_LENGTH characters (newlines allowed)."""
    if not isinstance(value, str):
        raise InvalidInput(f"{what} must be a string, got {type(value).__name__}")
    if not value.strip():
        raise InvalidInput(f"{what} must not be empty")
    if len(value) > MAX_TEXT_LENGTH:
        raise InvalidInput(f"{what} is longer than {MAX_TEXT_LENGTH} characters")
    return check_storable_text(value, what)


def error_text(value: object) -> str:
    """A failure's error message: like check_text, but NUL and lone surrogates
    (common in third-party messages) become U+FFFD rather than refusing the
    failure, and an over-long message is cut, so a failure is always recorded."""
    if not isinstance(value, str):
        raise InvalidInput(f"error must be a string, got {type(value).__name__}")
    return check_text(storable_text(value)[:MAX_TEXT_LENGTH], "error")


def check_optional_text(value: object, what: str) -> str | None:
    return None if value is None else check_text(value, what)


def check_moment(value: object, what: str) -> datetime:
    """An aware datetime, returned in UTC."""
    if not isinstance(value, datetime) or value.tzinfo is None:
        raise InvalidInput(f"{what} must be an aware datetime, got {value!r}")
    try:
        moment = value.astimezone(UTC)
    except OverflowError:
        moment = None
    if moment is None or not EARLIEST_MOMENT <= moment <= LATEST_MOMENT:
        raise InvalidInput(
            f"{what} must be between {EARLIEST_MOMENT:%Y-%m-%d} and"
            f" {LATEST_MOMENT:%Y-%m-%d} (UTC), got {value!r}"
        )
    return moment


def check_optional_moment(value: object, what: str) -> datetime | None:
    return None if value is None else check_moment(value, what)


def check_latency(value: object) -> float | None:
    if value is None:
        return None
    return check_finite_number(value, "latency_ms", maximum=MAX_LATENCY_MS)


def check_count(value: object, what: str) -> int:
    return check_int(value, what, maximum=MAX_COUNT)


def check_circuit_state(value: object) -> CircuitState:
    for state in CIRCUIT_STATES:
        if value == state and isinstance(value, str):
            return state
    raise InvalidInput(f"circuit_state must be one of {CIRCUIT_STATES}, got {value!r}")
