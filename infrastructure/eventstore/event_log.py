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

    def head(self) -> int:
        return self.recorder.max_notification_id() or 0
