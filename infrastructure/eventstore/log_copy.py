"""The log as portable records, and back: ``export`` writes each stored event
verbatim (stream, version, topic and its serialised state) in log order;
``import`` appends such records to an empty store in the same order, through
the recorder's public ``insert_events``, then the projections catch up.

An import streams: each record is checked as it arrives and set aside in a
temporary file (:class:`~.event_spool.EventSpool`), and only once all of them
passed are they inserted, a batch at a time. Memory stays flat however long
the log; a bad record still leaves the store empty."""

from __future__ import annotations

import base64
import math
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any
from uuid import UUID

from eventsourcing.persistence import StoredEvent

from boternity_store.domain.errors import InvalidInput
from boternity_store.domain.validation import MAX_INT64, check_storable_text
from boternity_store.infrastructure.eventstore.event_spool import EventSpool

if TYPE_CHECKING:
    from eventsourcing.persistence import Notification

    from boternity_store.infrastructure.eventstore.eventsourcing_seam import (
        EventStoreApplication,
    )

IMPORT_BATCH = 1000
# An import's progress: (phase, done, total). "check": records checked so far
# (total None: unknown until the end); "write": events inserted, of all;
# "project" (reported by the store): the projections' position, of the head.
ImportProgress = Callable[[str, int, int | None], None]


def as_record(notification: Notification) -> dict[str, Any]:
    record: dict[str, Any] = {
        "position": notification.id,
        "stream_id": str(notification.originator_id),
        "stream_version": notification.originator_version,
        "topic": notification.topic,
    }
    try:
        record["state"] = notification.state.decode("utf-8")
    except UnicodeDecodeError:  # compressed or encrypted: kept as bytes
        record["state_b64"] = base64.b64encode(notification.state).decode("ascii")
    return record


def records_of(
    app: EventStoreApplication, positions: Sequence[int] | None, head: int
) -> Iterator[dict[str, Any]]:
    """Every record in log order, or those at ``positions``."""
    recorder = app.recorder
    if positions is None:
        after = 0
        while after < head:
            page = recorder.select_notifications(start=after + 1, limit=1000)
            if not page:
                return
            yield from (as_record(n) for n in page)
            after = page[-1].id
        return
    for position in positions:
        for notification in recorder.select_notifications(start=position, limit=1):
            yield as_record(notification)


def stored_event(record: object, line: int) -> StoredEvent:
    if not isinstance(record, dict):
        raise InvalidInput(f"record {line}: not a JSON object")
    try:
        if "state_b64" in record:
            state = base64.b64decode(record["state_b64"], validate=True)
        else:
            state = str(record["state"]).encode("utf-8")
        return StoredEvent(
            originator_id=UUID(str(record["stream_id"])),
            originator_version=int(record["stream_version"]),
            topic=str(record["topic"]),
            state=state,
        )
    except (KeyError, ValueError, TypeError) as error:
        raise InvalidInput(f"record {line}: {type(error).__name__}: {error}") from None


def import_records(
    app: EventStoreApplication,
    records: Iterable[object],
    progress: ImportProgress | None = None,
) -> int:
    """Append the records in order; returns how many. Every record is checked
    before the first is written (it must decode to one of the store's events,
    and its fields must fit every read table: no NUL or lone surrogate, no
    integer beyond 64 bits), so a bad one leaves the store empty. Checked
    records wait in a temporary file, not in memory. The caller checks the
    store is empty and projects them afterwards."""
    with EventSpool(IMPORT_BATCH) as spool:
        for line, record in enumerate(records, 1):
            spool.append(checked_event(app, record, line))
            if progress is not None and line % IMPORT_BATCH == 0:
                progress("check", line, None)
        total = spool.count
        if progress is not None:
            progress("check", total, total)
        written = 0
        for batch in spool.batches():
            app.recorder.insert_events(batch)
            written += len(batch)
            if progress is not None:
                progress("write", written, total)
        return total


def checked_event(app: EventStoreApplication, record: object, line: int) -> StoredEvent:
    """The stored event of ``record``, if it is one of this store's events that
    every read table could hold; InvalidInput naming ``line`` otherwise."""
    event = stored_event(record, line)
    try:
        decoded = app.mapper.to_domain_event(event)
    except Exception as error:
        raise InvalidInput(
            f"record {line}: not an event of this store"
            f" ({type(error).__name__}: {error})"
        ) from None
    _check_fields(vars(decoded), f"record {line}")
    return event


def _check_fields(value: object, where: str) -> None:
    """What an event written by the store could never hold."""
    if isinstance(value, str):
        check_storable_text(value, where)
    elif isinstance(value, bool):
        return
    elif isinstance(value, int):
        if not -MAX_INT64 - 1 <= value <= MAX_INT64:
            raise InvalidInput(f"{where}: an integer beyond 64 bits")
    elif isinstance(value, float):
        if not math.isfinite(value):
            raise InvalidInput(f"{where}: a number that is not finite")
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_fields(key, where)
            _check_fields(item, where)
    elif isinstance(value, (list, tuple, set, frozenset)):
        for item in value:
            _check_fields(item, where)
