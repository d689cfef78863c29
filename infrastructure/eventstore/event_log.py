"""The application's notification log, read and decoded for projections."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from boternity_store.projections.engine.projection import Positioned

if TYPE_CHECKING:
    from eventsourcing.application import Application


class ApplicationEventLog:
    def __init__(self, app: Application) -> None:  # type: ignore[type-arg]
        self.recorder = app.recorder
        self.mapper = app.mapper

    def read(self, after: int, limit: int) -> Sequence[Positioned]:
        notifications = self.recorder.select_notifications(start=after + 1, limit=limit)
        to_event = self.mapper.to_domain_event
        return [(n.id, to_event(n)) for n in notifications]

    def read_positions(self, positions: Sequence[int]) -> list[Positioned]:
        """The events at these positions (ascending), one query per run of
        consecutive positions."""
        found: list[Positioned] = []
        for start, count in _runs(positions):
            found.extend(self.read(after=start - 1, limit=count))
        return found

    def head(self) -> int:
        return self.recorder.max_notification_id() or 0


def _runs(positions: Sequence[int]) -> list[tuple[int, int]]:
    """(first, length) of each run of consecutive positions."""
    runs: list[tuple[int, int]] = []
    for position in positions:
        if runs and runs[-1][0] + runs[-1][1] == position:
            runs[-1] = (runs[-1][0], runs[-1][1] + 1)
        else:
            runs.append((position, 1))
    return runs
