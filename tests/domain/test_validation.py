from __future__ import annotations

import json
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from boternity_store.domain import InvalidInput
from boternity_store.domain.validation import (
    MAX_JSON_DEPTH,
    check_identifier,
    decode_json_value,
    encode_json_value,
)

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=20,
)


def nested(depth: int) -> object:
    value: object = 0
    for _ in range(depth):
        value = [value]
    return value


@given(json_values)
def test_json_values_come_back_equal_with_types_and_key_order(value: object) -> None:
    back = decode_json_value(encode_json_value(value))
    assert back == value
    assert json.dumps(back) == json.dumps(value)  # floats stay floats, order kept


@pytest.mark.parametrize(
    "value",
    [
        {1, 2},
        b"bytes",
        object(),
        (1, 2),
        {"a": {1, 2}},
        [math.nan],
        {"x": math.inf},
        -math.inf,
        {1: "int key"},
    ],
)
def test_rejects_values_that_are_not_json(value: object) -> None:
    with pytest.raises(InvalidInput):
        encode_json_value(value)


def test_accepts_64_levels_of_nesting_and_rejects_65() -> None:
    encode_json_value(nested(MAX_JSON_DEPTH))
    with pytest.raises(InvalidInput, match="deeper"):
        encode_json_value(nested(MAX_JSON_DEPTH + 1))


def test_rejects_values_over_the_size_limit() -> None:
    encode_json_value("x" * 98, max_bytes=100)  # 100 bytes with quotes
    with pytest.raises(InvalidInput, match="limit"):
        encode_json_value("x" * 99, max_bytes=100)


@pytest.mark.parametrize(
    "name", ["", "x" * 256, "a\x00b", "tab\there", "new\nline", "del\x7f", "c1\x85"]
)
def test_rejects_bad_identifiers(name: str) -> None:
    with pytest.raises(InvalidInput):
        check_identifier(name, "key")


@pytest.mark.parametrize("name", ["a", "x" * 255, "bot-1", "ключ", "emoji 🎉", "a b"])
def test_accepts_good_identifiers(name: str) -> None:
    assert check_identifier(name, "key") == name


def test_rejects_identifiers_that_are_not_strings() -> None:
    with pytest.raises(InvalidInput):
        check_identifier(42, "bot_id")
