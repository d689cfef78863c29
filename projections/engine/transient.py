"""Telling a passing database fault from a broken handler.

A deadlock, a serialization failure, a lock timeout or a lost connection says
nothing about the event being applied: the transaction is retried. Anything
else a handler raises is the event's fault (a poison event) and stops only its
projection. Hot paths run statements on the DBAPI cursor, so the driver's own
exceptions arrive here unwrapped; PEP 249 names the transient family
``OperationalError`` (psycopg's ``DeadlockDetected`` and
``SerializationFailure`` are subclasses, as is sqlite3's "database is locked").
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy import exc

T = TypeVar("T")

TRANSIENT_ATTEMPTS = 8
_PEP_249_TRANSIENT = ("OperationalError", "InterfaceError")


def is_transient(error: BaseException) -> bool:
    if isinstance(error, exc.OperationalError | exc.InterfaceError):
        return True
    if isinstance(error, exc.DBAPIError):
        if error.connection_invalidated:
            return True
        error = error.orig if error.orig is not None else error
    return any(cls.__name__ in _PEP_249_TRANSIENT for cls in type(error).__mro__)


def retry_transient(work: Callable[[], T], attempts: int = TRANSIENT_ATTEMPTS) -> T:
    """Run ``work`` (one whole transaction) again after a transient fault,
    with jittered, growing pauses; the last fault propagates."""
    for attempt in range(attempts):
        try:
            return work()
        except Exception as error:
            if not is_transient(error) or attempt == attempts - 1:
                raise
            time.sleep(random.uniform(0, 0.002 * 2**attempt))
    raise AssertionError("unreachable")  # pragma: no cover
