"""One runner per projection: the lock a runner holds while it follows.

Two runners started for one projection never both apply its events (the
tracking rows' lock already makes that impossible: :mod:`boternity_store.
projections.engine.runner`); this lock keeps the second from even trying, so
it stands by instead and takes over when the first stops or dies.

- **PostgreSQL**: a session-level advisory lock per projection
  (``pg_try_advisory_lock(class, crc32(name))``), on the runner's own
  connection; the server releases it the moment that session ends, however
  the process ended (SIGKILL included).
- **SQLite**: a lock file per projection beside the database
  (``<file>.runner-<name>.lock``), released by the kernel when the process
  dies.

A runner takes the locks of all its projections or none (it gives back what
it got and tries again every :data:`TAKEOVER_POLL_S`), so two runners with
overlapping names cannot each hold a part.
"""

from __future__ import annotations

import threading
import time
import zlib
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from pathlib import Path

TAKEOVER_POLL_S = 0.5
# pg_advisory_lock(int, int): the class spells "boru" (runner).
RUNNER_LOCK_CLASS = 0x626F7275


class RunnerLocks(Protocol):
    def try_all(self) -> bool:
        """Take every projection's lock, or none of them."""
        ...

    def release(self) -> None: ...


def acquire(locks: RunnerLocks, stop: threading.Event) -> bool:
    """Wait until ``locks`` are all held (True) or ``stop`` is set (False)."""
    while not stop.is_set():
        if locks.try_all():
            return True
        sleep_unless(stop, TAKEOVER_POLL_S)
    return False


def sleep_unless(stop: threading.Event, seconds: float) -> None:
    """Sleep ``seconds``, or less once ``stop`` is set. (Not ``stop.wait``: a
    signal handler sets ``stop``, and ``Event.wait`` in the thread the
    handler interrupts can hold the lock ``set`` takes.)"""
    deadline = time.monotonic() + seconds
    while not stop.is_set() and (left := deadline - time.monotonic()) > 0:
        time.sleep(min(left, 0.05))


def lock_key(name: str) -> tuple[int, int]:
    """The advisory lock for a projection: (class, a signed 32-bit hash)."""
    digest = zlib.crc32(name.encode())
    return RUNNER_LOCK_CLASS, digest - 2**32 if digest >= 2**31 else digest


class AdvisoryRunnerLocks:
    """On ``conn`` (an autocommit ``psycopg`` connection the runner keeps)."""

    def __init__(self, conn: Any, names: Sequence[str]) -> None:
        self._conn = conn
        self._keys = [lock_key(name) for name in sorted(names)]
        self._held: list[tuple[int, int]] = []

    def try_all(self) -> bool:
        for key in self._keys:
            row = self._conn.execute("SELECT pg_try_advisory_lock(%s, %s)", key)
            if not row.fetchone()[0]:
                self.release()
                return False
            self._held.append(key)
        return True

    def release(self) -> None:
        held, self._held = self._held, []
        for key in held:
            self._conn.execute("SELECT pg_advisory_unlock(%s, %s)", key)


class FileRunnerLocks:
    def __init__(self, database: Path, names: Sequence[str]) -> None:
        from filelock import FileLock

        self._locks = [
            FileLock(
                database.with_name(f"{database.name}.runner-{name}.lock"),
                thread_local=False,
                is_singleton=False,
            )
            for name in sorted(names)
        ]

    def try_all(self) -> bool:
        from filelock import Timeout

        taken: list[Any] = []
        for lock in self._locks:
            try:
                lock.acquire(timeout=0)
            except Timeout:
                for got in taken:
                    got.release()
                return False
            taken.append(lock)
        return True

    def release(self) -> None:
        for lock in self._locks:
            if lock.is_locked:
                lock.release()
