"""WHEN on the command line: a log position (``42``), an ISO-8601 time
(``2026-12-01T14:02:00Z``; without an offset it is UTC) or a time relative to
now (``-2h``, ``-30m``, ``-1d``, ``-45s``)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from boternity_store.domain.errors import InvalidInput

_RELATIVE = re.compile(r"^-(\d+)([smhd])$")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}


def parse_when(text: str, now: datetime) -> int | datetime:
    """A position (int) or an aware UTC time."""
    text = text.strip()
    if text.isdigit():
        return int(text)
    relative = _RELATIVE.match(text)
    if relative:
        amount, unit = int(relative[1]), _UNITS[relative[2]]
        return now - timedelta(**{unit: amount})
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise InvalidInput(
            f"WHEN {text!r} is not a position, an ISO-8601 time or a relative"
            " time such as -2h"
        ) from None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment
