"""A temporary file of stored events, written once and read back in batches,
so that an import can check every record before writing the first without
holding the log in memory."""

from __future__ import annotations

import pickle
import tempfile
from collections.abc import Iterator
from types import TracebackType
from typing import IO
from uuid import UUID

from eventsourcing.persistence import StoredEvent

_Row = tuple[bytes, int, str, bytes]  # originator id, version, topic, state


class EventSpool:
    """Events appended in order, then read back in batches of ``batch_size``
    (in the same order). The file is deleted when the spool closes."""

    def __init__(self, batch_size: int) -> None:
        self.batch_size = batch_size
        self.count = 0
        # Closed (and so deleted) by close().
        self._file: IO[bytes] = tempfile.TemporaryFile(  # noqa: SIM115
            prefix="boternity-import-"
        )
        self._pending: list[_Row] = []

    def append(self, event: StoredEvent) -> None:
        stream = event.originator_id
        if not isinstance(stream, UUID):
            stream = UUID(str(stream))
        self._pending.append(
            (stream.bytes, event.originator_version, event.topic, event.state)
        )
        self.count += 1
        if len(self._pending) == self.batch_size:
            self._flush()

    def _flush(self) -> None:
        if self._pending:
            pickle.dump(self._pending, self._file, protocol=pickle.HIGHEST_PROTOCOL)
            self._pending = []

    def batches(self) -> Iterator[list[StoredEvent]]:
        """Every event appended so far, in order, ``batch_size`` at a time."""
        self._flush()
        self._file.seek(0)
        while True:
            try:
                rows: list[_Row] = pickle.load(self._file)
            except EOFError:
                return
            yield [
                StoredEvent(
                    originator_id=UUID(bytes=stream),
                    originator_version=version,
                    topic=topic,
                    state=state,
                )
                for stream, version, topic, state in rows
            ]

    def close(self) -> None:
        self._file.close()

    def __enter__(self) -> EventSpool:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
