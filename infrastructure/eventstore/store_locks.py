"""Locks that several processes opening one store agree on.

- **Schema**: opening a store creates the library's tables and functions and
  the read tables when they are missing. On PostgreSQL, two processes doing
  that at the same moment collide (``CREATE OR REPLACE FUNCTION`` fails with
  "tuple concurrently updated"), so opens hold an advisory lock around schema
  creation: one process creates, the others wait and then find it done. SQLite
  serialises DDL with its own write lock.
- **Operations** (rebuild, verify): one at a time per store. PostgreSQL: a
  session-level advisory lock; SQLite: a lock file beside the database
  (``<file>.lock``, through the ``filelock`` package).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from typing import TYPE_CHECKING

from boternity_store.projections.engine.operation_lock import OperationLock

if TYPE_CHECKING:
    from contextlib import AbstractContextManager
    from pathlib import Path

    from boternity_store.infrastructure.config import StoreConfig

# pg_advisory_lock takes a bigint; these spell "bo-schem" and "bo-opera".
SCHEMA_LOCK_KEY = 0x626F2D736368656D
OPERATIONS_LOCK_KEY = 0x626F2D6F70657261


class AdvisoryLock:
    """A PostgreSQL session-level advisory lock, on a connection of its own."""

    def __init__(self, dsn: str, key: int) -> None:
        self.dsn = dsn
        self.key = key

    @contextmanager
    def hold(self) -> Iterator[None]:
        import psycopg

        with psycopg.connect(self.dsn, autocommit=True) as conn:
            conn.execute("SELECT pg_advisory_lock(%s)", (self.key,))
            try:
                yield
            finally:
                conn.execute("SELECT pg_advisory_unlock(%s)", (self.key,))

    def busy(self) -> bool:
        import psycopg

        with psycopg.connect(self.dsn, autocommit=True) as conn:
            row = conn.execute("SELECT pg_try_advisory_lock(%s)", (self.key,))
            got = bool(row.fetchone()[0])  # type: ignore[index]
            if got:
                conn.execute("SELECT pg_advisory_unlock(%s)", (self.key,))
            return not got


class LockFile:
    """An exclusive lock on ``<database>.lock`` (released if the process dies)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    @contextmanager
    def hold(self) -> Iterator[None]:
        from filelock import FileLock

        # A lock object per use: threads of one process exclude each other too.
        with FileLock(self.path, thread_local=False, is_singleton=False):
            yield

    def busy(self) -> bool:
        from filelock import FileLock, Timeout

        if not self.path.exists():  # never taken: a read leaves no file behind
            return False
        lock = FileLock(self.path, thread_local=False, is_singleton=False)
        try:
            lock.acquire(timeout=0)
        except Timeout:
            return True
        lock.release()
        return False


def libpq_dsn(config: StoreConfig) -> str:
    return config.url.set(drivername="postgresql").render_as_string(hide_password=False)


def schema_lock(config: StoreConfig) -> AbstractContextManager[None]:
    if config.backend != "postgresql":
        return nullcontext()
    return AdvisoryLock(libpq_dsn(config), SCHEMA_LOCK_KEY).hold()


def operations_lock(config: StoreConfig) -> OperationLock:
    if config.backend == "postgresql":
        return AdvisoryLock(libpq_dsn(config), OPERATIONS_LOCK_KEY)
    path = config.sqlite_path
    return LockFile(path.with_name(path.name + ".lock"))
