"""``store.wait_for(position)``: read-your-writes on demand in background mode.

It returns once every projection of the store stands at ``position`` or past
it. How it waits for the runners:

- **PostgreSQL**: on a connection of its own that ``LISTEN``\\ s on the
  projected channel (:mod:`.channels`); each notification, delivered when a
  runner's step commits, makes it read the tracking rows again. It also reads
  them every :data:`RECHECK_S` (a store in inline mode projects without
  notifying). The connection is opened at the first wait that has to wait,
  and kept until the store closes; a thread that waits while another thread
  of the store waits on it listens on a connection of its own meanwhile.
- **SQLite**: it reads the tracking rows again after a pause that doubles
  from 1 ms to :data:`SQLITE_MAX_PAUSE_S` (SQLite has no notifications).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from boternity_store.domain.errors import ProjectionStopped, ProjectionTimeout
from boternity_store.projections.engine.projection import FAILED

if TYPE_CHECKING:
    from boternity_store.projections.engine.projection import Projection
    from boternity_store.projections.engine.tracking import TrackingState

RECHECK_S = 0.5
SQLITE_MAX_PAUSE_S = 0.02
Pause = Callable[[float], None]


class PostgresWake:
    """Waits for a notification on the projected channel (at most ``seconds``)."""

    def __init__(self, dsn: str, channel: str, connect_timeout: float) -> None:
        self._dsn, self._channel = dsn, channel
        self._connect_timeout = max(1, round(connect_timeout))
        self._conn: Any = None
        self._lock = threading.Lock()  # one waiting thread per connection

    @contextmanager
    def listening(self) -> Iterator[Pause]:
        if not self._lock.acquire(blocking=False):
            with self._connect() as own:  # another thread waits on the kept one
                yield lambda seconds: _next_notification(own, seconds)
            return
        try:
            if self._conn is None:
                self._conn = self._connect()
            conn = self._conn
            yield lambda seconds: _next_notification(conn, seconds)
        except BaseException:
            self.close()  # a lost connection: the next wait opens another
            raise
        finally:
            self._lock.release()

    def _connect(self) -> Any:
        import psycopg
        from psycopg import sql

        conn = psycopg.connect(
            self._dsn, autocommit=True, connect_timeout=self._connect_timeout
        )
        conn.execute(sql.SQL("LISTEN {}").format(sql.Identifier(self._channel)))
        return conn

    def close(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            conn.close()


def _next_notification(conn: Any, seconds: float) -> None:
    for _ in conn.notifies(timeout=seconds, stop_after=1):
        pass


class SqliteWake:
    """Pauses 1 ms, then twice as long each time, up to a cap."""

    @contextmanager
    def listening(self) -> Iterator[Pause]:
        pause = 0.001

        def wait(seconds: float) -> None:
            nonlocal pause
            time.sleep(min(seconds, pause))
            pause = min(pause * 2, SQLITE_MAX_PAUSE_S)

        yield wait

    def close(self) -> None:
        pass


class ProjectionWaiter:
    def __init__(
        self,
        states: Callable[[], dict[str, TrackingState]],
        projections: Sequence[Projection],
        wake: PostgresWake | SqliteWake,
    ) -> None:
        self._states = states
        self._projections = list(projections)
        self._wake = wake

    def wait_for(self, position: int, timeout: float) -> None:
        """Return once every projection reached ``position``; else raise
        ``ProjectionTimeout`` after ``timeout`` seconds, or ``ProjectionStopped``
        as soon as one it waits for has failed."""
        deadline = time.monotonic() + timeout
        if not self._behind(position):
            return
        with self._wake.listening() as pause:
            while behind := self._behind(position):
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise ProjectionTimeout(position, behind, timeout)
                pause(min(remaining, RECHECK_S))

    def _behind(self, position: int) -> dict[str, int]:
        states = self._states()
        behind = {}
        for projection in self._projections:
            state = states[projection.tracking_name]
            if state.position >= position:
                continue
            if state.state == FAILED:
                raise ProjectionStopped(
                    projection.name, state.error_position or 0, state.error or ""
                )
            behind[projection.name] = state.position
        return behind

    def close(self) -> None:
        self._wake.close()
