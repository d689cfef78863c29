"""WHEN on the command line: a position, an ISO-8601 time or a relative time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from boternity_store.infrastructure import InvalidInput
from boternity_store.infrastructure.cli.when import parse_when

NOW = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0", 0),
        ("42", 42),
        (" 7 ", 7),
        ("-2h", NOW - timedelta(hours=2)),
        ("-30m", NOW - timedelta(minutes=30)),
        ("-1d", NOW - timedelta(days=1)),
        ("-45s", NOW - timedelta(seconds=45)),
        ("2026-12-01T14:02:00Z", datetime(2026, 12, 1, 14, 2, tzinfo=UTC)),
        ("2026-12-01T14:02:00", datetime(2026, 12, 1, 14, 2, tzinfo=UTC)),
        (
            "2026-12-01T15:02:00+01:00",
            datetime(2026, 12, 1, 15, 2, tzinfo=timezone(timedelta(hours=1))),
        ),
    ],
)
def test_when_parses_positions_times_and_relative_times(
    text: str, expected: int | datetime
) -> None:
    assert parse_when(text, NOW) == expected


@pytest.mark.parametrize("text", ["", "yesterday", "-2", "-2w", "+2h", "1.5", "-h"])
def test_a_malformed_when_is_invalid_input(text: str) -> None:
    with pytest.raises(InvalidInput, match="not a position, an ISO-8601 time"):
        parse_when(text, NOW)
