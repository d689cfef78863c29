"""Input rules shared by every command: identifiers and JSON values."""

from __future__ import annotations

import json
import math
import unicodedata
from typing import Any

from boternity_store.domain.errors import InvalidInput

MAX_ID_LENGTH = 255
MAX_NAME_LENGTH = 255
MAX_JSON_DEPTH = 64
DEFAULT_MAX_VALUE_BYTES = 1024 * 1024
# The read tables hold integers in 64-bit columns on every backend.
MAX_INT64 = 2**63 - 1
# Counters and thresholds a caller may set: far below MAX_INT64, so that the
# increments the projections add to them can never overflow a column.
MAX_COUNT = 2**53 - 1
REPLACEMENT_CHARACTER = "\ufffd"

JsonValue = Any  # any value json.loads can return
# One encoder for every value: json.dumps builds a new one per call when given
# options.
_ENCODER = json.JSONEncoder(ensure_ascii=False, allow_nan=False, separators=(",", ":"))


def check_identifier(value: object, what: str) -> str:
    """Return ``value`` if it is a usable id or key, else raise InvalidInput."""
    if not isinstance(value, str):
        raise InvalidInput(f"{what} must be a string, got {type(value).__name__}")
    if not value:
        raise InvalidInput(f"{what} must not be empty")
    if len(value) > MAX_ID_LENGTH:
        raise InvalidInput(f"{what} is longer than {MAX_ID_LENGTH} characters")
    if not value.isprintable():  # the quick test; the full one is rarely needed
        _check_characters(value, what, control=True)
    return value


def check_name(value: object, what: str) -> str | None:
    """A display name: None, or one line of at most MAX_NAME_LENGTH characters."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise InvalidInput(
            f"{what} must be a string or None, got {type(value).__name__}"
        )
    if len(value) > MAX_NAME_LENGTH:
        raise InvalidInput(f"{what} is longer than {MAX_NAME_LENGTH} characters")
    if not value.isprintable():
        _check_characters(value, what, control=True)
    return value


def check_storable_text(value: str, what: str) -> str:
    """Refuse what no backend can store in a text column: NUL (PostgreSQL) and
    lone surrogates (not encodable as UTF-8). Other control characters pass."""
    if not value.isprintable():
        _check_characters(value, what, control=False)
    return value


def storable_text(value: str) -> str:
    """``value`` with NUL and lone surrogates replaced by U+FFFD: for text the
    caller does not choose (an error message from a third party)."""
    if value.isprintable():
        return value
    return "".join(
        REPLACEMENT_CHARACTER if ch == "\x00" or _is_surrogate(ch) else ch
        for ch in value
    )


def has_control_character(text: str) -> bool:
    if text.isprintable():
        return False
    return any(unicodedata.category(ch) == "Cc" for ch in text)


def _is_surrogate(ch: str) -> bool:
    return "\ud800" <= ch <= "\udfff"


def _check_characters(value: str, what: str, *, control: bool) -> None:
    for ch in value:
        if _is_surrogate(ch):
            raise InvalidInput(
                f"{what} contains a lone surrogate {ch!r}, which UTF-8 cannot encode"
            )
        if ch == "\x00":
            raise InvalidInput(f"{what} contains a NUL character")
        if control and unicodedata.category(ch) == "Cc":
            raise InvalidInput(f"{what} {value!r} contains a control character")


def check_int(
    value: object, what: str, *, minimum: int = 0, maximum: int = MAX_INT64
) -> int:
    """An int (not a bool) in ``minimum..maximum``."""
    if type(value) is not int:
        raise InvalidInput(f"{what} must be an int, got {type(value).__name__}")
    if not minimum <= value <= maximum:
        raise InvalidInput(
            f"{what} must be between {minimum} and {maximum}, got {value!r}"
        )
    return value


def check_limit(value: object) -> int:
    """A page size: an int of at least 1 (a negative one would mean 'all')."""
    return check_int(value, "limit", minimum=1)


def check_finite_number(value: object, what: str, *, maximum: float) -> float:
    """A real number (int or float, not bool) in ``0..maximum``, as a float."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise InvalidInput(f"{what} must be a number, got {type(value).__name__}")
    try:
        number = float(value)
    except OverflowError:
        raise InvalidInput(f"{what} is too large: at most {maximum}") from None
    if not (math.isfinite(number) and 0 <= number <= maximum):
        raise InvalidInput(
            f"{what} must be finite, >= 0 and <= {maximum}, got {value!r}"
        )
    return number


def check_actor(actor: object) -> str:
    return check_identifier(actor, "actor")


def encode_json_value(
    value: object, *, max_bytes: int = DEFAULT_MAX_VALUE_BYTES, what: str = "value"
) -> str:
    """Serialize a JSON value to canonical text, refusing anything that would not
    come back equal (sets, bytes, tuples, objects, NaN, deep nesting, huge sizes)."""
    _check_json(value, 0, what)
    try:
        text = _ENCODER.encode(value)
        size = len(text.encode("utf-8"))
    except ValueError as error:  # an int too long to print; UnicodeEncodeError
        raise InvalidInput(f"{what} cannot be stored as JSON: {error}") from None
    if size > max_bytes:
        raise InvalidInput(
            f"{what} is {size} bytes serialized; the limit is {max_bytes}"
        )
    return text


def decode_json_value(text: str) -> JsonValue:
    return json.loads(text)


def _check_json(value: object, depth: int, what: str) -> None:
    if value is None or isinstance(value, (str, bool, int)):
        return
    if isinstance(value, float):
        if not math.isfinite(value):
            raise InvalidInput(f"{what} contains {value!r}, which JSON cannot hold")
        return
    if isinstance(value, (list, dict)) and depth >= MAX_JSON_DEPTH:
        raise InvalidInput(f"{what} is nested deeper than {MAX_JSON_DEPTH} levels")
    if isinstance(value, list):
        for item in value:
            _check_json(item, depth + 1, what)
        return
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise InvalidInput(f"{what} has a non-string object key {key!r}")
            _check_json(item, depth + 1, what)
        return
    raise InvalidInput(f"{what} contains a {type(value).__name__}, which is not JSON")
