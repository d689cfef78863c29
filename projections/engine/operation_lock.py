"""One rebuild or verify at a time per store, across processes.

Rebuild and verify build shadow tables under fixed names over many
transactions, so two of them on one store must not overlap: the second waits.
The lock also tells an abandoned rebuild (its leftovers are there, nobody holds
the lock) from a running one. The store supplies a lock that works across
processes (infrastructure); :class:`ThreadLock` serves a single process.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Protocol


class OperationLock(Protocol):
    def hold(self) -> AbstractContextManager[None]:
        """Wait for the lock and hold it for the ``with`` block."""

    def busy(self) -> bool:
        """Whether anyone (this process included) holds the lock right now."""


class ThreadLock:
    def __init__(self) -> None:
        self._lock = threading.Lock()

    @contextmanager
    def hold(self) -> Iterator[None]:
        with self._lock:
            yield

    def busy(self) -> bool:
        return self._lock.locked()
