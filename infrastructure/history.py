"""``store.history``: the event log itself, for debugging and audits."""

from __future__ import annotations

import dataclasses
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict

from boternity_store.domain.errors import InvalidInput
from boternity_store.domain.models import UtcDatetime
from boternity_store.domain.providers.input import check_moment
from boternity_store.domain.validation import (
    MAX_INT64,
    check_identifier,
    check_int,
    check_limit,
)
from boternity_store.infrastructure.eventstore.driver_errors import public_api
from boternity_store.projections.engine.timestamps import to_text
from boternity_store.projections.events.queries import EventFilter

if TYPE_CHECKING:
    from collections.abc import Sequence

    from boternity_store.infrastructure.eventstore.event_log import (
        ApplicationEventLog,
    )
    from boternity_store.projections.events.queries import EventIndexQueries


class LoggedEvent(BaseModel):
    """One event as recorded: its log position, type, stream and fields."""

    model_config = ConfigDict(frozen=True)

    position: int
    type: str
    stream_id: str
    stream_version: int
    timestamp: UtcDatetime
    actor: str | None
    bot_id: str | None = None
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

    def __init__(
        self,
        event_log: ApplicationEventLog,
        index: EventIndexQueries,
        *,
        upto: int | None = None,
    ) -> None:
        self._log = event_log
        self._index = index
        self._upto = upto  # a view as of this position sees nothing later

    def events(
        self,
        *,
        bot_id: str | None = None,
        stream: str | None = None,
        types: str | Sequence[str] | None = None,
        actor: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        after: int = 0,
        before: int | None = None,
        limit: int = 100,
    ) -> list[LoggedEvent]:
        """Events in log order. Each given filter narrows them: the bot, one
        stream (``stream_id`` of a LoggedEvent), event types (e.g.
        ``"KvKey.ValueSet"``), the actor, recorded at or after ``since`` and at
        or before ``until``. Paging: the first ``limit`` after position
        ``after``, or with ``before`` alone the last ``limit`` before it.
        Filters read the ``event_index`` projection, not the whole log."""
        where = EventFilter(
            bot_id=None if bot_id is None else check_identifier(bot_id, "bot_id"),
            stream_ids=None if stream is None else [check_identifier(stream, "stream")],
            types=_check_types(types),
            actor=None if actor is None else check_identifier(actor, "actor"),
            since=None if since is None else to_text(check_moment(since, "since")),
            until=None if until is None else to_text(check_moment(until, "until")),
            after=check_int(after, "after"),
            before=None if before is None else check_int(before, "before"),
        )
        limit = check_limit(limit)
        if self._upto is not None:
            cap = self._upto + 1
            where = replace(where, before=min(where.before or cap, cap))
        if where == EventFilter(after=where.after):  # the log itself, in order
            found = self._log.read(after=where.after, limit=limit)
        else:
            found = self._log.read_positions(self._index.positions(where, limit))
        return [self._logged(p, e) for p, e in found]

    def stream(self, stream_id: str) -> list[LoggedEvent]:
        """Every event of one stream, oldest first."""
        cap = None if self._upto is None else self._upto + 1
        where = EventFilter(stream_ids=[stream_id], before=cap)
        positions = self._index.positions(where, limit=MAX_INT64)
        return [self._logged(p, e) for p, e in self._log.read_positions(positions)]

    def head(self) -> int:
        """Position of the newest event (0 when the log is empty)."""
        head = self._log.head()
        return head if self._upto is None else min(head, self._upto)

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
            bot_id=fields.get("bot_id"),
            data={k: v for k, v in fields.items() if k not in _COMMON},
        )


def _check_types(types: object) -> list[str] | None:
    if types is None:
        return None
    names = [types] if isinstance(types, str) else types
    if not isinstance(names, (list, tuple)) or not names:
        raise InvalidInput("types must be an event type name or a non-empty list")
    return [check_identifier(name, "type") for name in names]
