"""The bench's ear on the projected channel: when the runner's steps commit.

A runner notifies the projected channel (:mod:`..background.channels`) with
the position it reached, inside each catch-up step's transaction, so the
notification is delivered when the step's rows commit. A thread of the
bench's main process ``LISTEN``\\ s there and records each as ``(position
reached, time.monotonic() on receipt)``. It listens before the runner starts
(``with`` returns once ``LISTEN`` has run), and stops on a notification of
its own sent on leaving the block: notifications are delivered in commit
order, so every step committed before that one has been recorded."""

from __future__ import annotations

import threading
import time
from types import TracebackType
from typing import Any

from boternity_store.domain.errors import StoreError

Receipt = tuple[int, float]  # (position reached, time.monotonic() on receipt)
END = "bench-end"
LISTENER_STUCK_S = 120.0  # failure detection only


class ProjectedListener:
    def __init__(self, dsn: str, channel: str) -> None:
        self._dsn, self._channel = dsn, channel
        self._conn: Any = None
        self._thread: threading.Thread | None = None
        self._error: BaseException | None = None
        self.receipts: list[Receipt] = []

    def __enter__(self) -> ProjectedListener:
        import psycopg
        from psycopg import sql

        self._conn = psycopg.connect(self._dsn, autocommit=True)
        try:
            self._conn.execute(
                sql.SQL("LISTEN {}").format(sql.Identifier(self._channel))
            )
            self._thread = threading.Thread(target=self._listen, daemon=True)
            self._thread.start()
        except BaseException:
            self._conn.close()
            raise
        return self

    def _listen(self) -> None:
        try:
            for notify in self._conn.notifies():
                received = time.monotonic()
                if notify.payload == END:
                    return
                self.receipts.append((int(notify.payload), received))
        except BaseException as error:
            self._error = error

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        import psycopg

        try:
            with psycopg.connect(self._dsn, autocommit=True) as conn:
                conn.execute("SELECT pg_notify(%s, %s)", (self._channel, END))
            if self._thread is not None:
                self._thread.join(timeout=LISTENER_STUCK_S)
        finally:
            if self._thread is None or not self._thread.is_alive():
                self._conn.close()
        if exc is not None:
            return
        if self._thread is not None and self._thread.is_alive():
            raise StoreError("the bench's listener on the projected channel hung")
        if self._error is not None:
            raise StoreError(
                f"the bench's listener on the projected channel failed: {self._error}"
            ) from self._error
