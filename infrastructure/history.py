"""``store.history``: the event log itself, for debugging and audits."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict

from boternity_store.domain.models import UtcDatetime
from boternity_store.domain.validation import check_int, check_limit
from boternity_store.infrastructure.eventstore.driver_errors import public_api

if TYPE_CHECKING:
    from boternity_store.projections.engine.projection import EventLog


class LoggedEvent(BaseModel):
    """One event as recorded: its log position, type, stream and fields."""

    model_config = ConfigDict(frozen=True)

    position: int
    type: str
    stream_id: str
    stream_version: int
    timestamp: UtcDatetime
    actor: str | None
    data: dict[str, Any]


_COMMON = {
    "originator_id",
    "originator_version",
    "timestamp",
    "originator_topic",
    "actor",
}


@public_api
class History:
    """``store.history``: the event log itself, in order, page by page."""

    def __init__(self, event_log: EventLog) -> None:
        self._log = event_log

    def events(self, *, after: int = 0, limit: int = 100) -> list[LoggedEvent]:
        """Events in log order, starting after position ``after`` (an int >= 0);
        at most ``limit`` (an int >= 1) of them."""
        after = check_int(after, "after")
        limit = check_limit(limit)
        return [self._logged(p, e) for p, e in self._log.read(after=after, limit=limit)]

    def head(self) -> int:
        """Position of the newest event (0 when the log is empty)."""
        return self._log.head()

    @staticmethod
    def _logged(position: int, event: Any) -> LoggedEvent:
        fields = {f.name: getattr(event, f.name) for f in dataclasses.fields(event)}
        timestamp: datetime = fields["timestamp"]
        return LoggedEvent(
            position=position,
            type=type(event).__qualname__,
            stream_id=str(event.originator_id),
            stream_version=event.originator_version,
            timestamp=timestamp,
            actor=fields.get("actor"),
            data={k: v for k, v in fields.items() if k not in _COMMON},
        )
