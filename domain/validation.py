"""Input rules shared by every command: identifiers and JSON values."""

from __future__ import annotations

import json
import math
import unicodedata
from typing import Any

from boternity_store.domain.errors import InvalidInput

MAX_ID_LENGTH = 255
MAX_JSON_DEPTH = 64
DEFAULT_MAX_VALUE_BYTES = 1024 * 1024

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
    if has_control_character(value):
        raise InvalidInput(f"{what} {value!r} contains a control character")
    return value


def has_control_character(text: str) -> bool:
    if text.isprintable():
        return False
    return any(unicodedata.category(ch) == "Cc" for ch in text)


def check_actor(actor: object) -> str:
    return check_identifier(actor, "actor")


def encode_json_value(
    value: object, *, max_bytes: int = DEFAULT_MAX_VALUE_BYTES, what: str = "value"
) -> str:
    """Serialize a JSON value to canonical text, refusing anything that would not
    come back equal (sets, bytes, tuples, objects, NaN, deep nesting, huge sizes)."""
    _check_json(value, 0, what)
    text = _ENCODER.encode(value)
    size = len(text.encode("utf-8"))
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
