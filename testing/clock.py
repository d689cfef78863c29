"""A clock for tests: the same instant until you move it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

DEFAULT_START = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)


class FakeClock:
    """A settable clock for ``open_store(clock=...)`` and ``ModelStore(clock=...)``:
    it returns the same aware UTC instant until advanced, so times in answers
    are predictable.

    >>> clock = FakeClock()
    >>> clock.advance(90).isoformat()
    '2026-01-01T12:01:30+00:00'
    >>> clock() == clock.now
    True
    """

    def __init__(self, start: datetime = DEFAULT_START) -> None:
        if start.tzinfo is None:
            raise ValueError("FakeClock needs an aware datetime")
        self.now = start.astimezone(UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> datetime:
        """Move the clock forward by ``seconds`` and return the new instant."""
        if seconds < 0:
            raise ValueError("a clock never goes back")
        self.now += timedelta(seconds=seconds)
        return self.now
