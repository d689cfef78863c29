"""The one place where a driver's, the library's or the system's exception
becomes the store's own (a :class:`StoreError` with the cause in its message).

What can escape from below, and what it becomes:

===============================================  =========================
raised by                                        becomes
===============================================  =========================
sqlite3 "file is not a database", "encrypted"    NotAStore
sqlite3 "database is locked" (busy timeout)      StoreBusy
sqlite3 "attempt to write a readonly database"   ReadOnlyStore
sqlite3 "unable to open database file"           DatabaseUnavailable
psycopg OperationalError (connect, server gone)  DatabaseUnavailable
psycopg_pool PoolTimeout                         DatabaseUnavailable
psycopg LockNotAvailable, QueryCanceled          StoreBusy
psycopg ReadOnlySqlTransaction                   ReadOnlyStore
any other sqlite3 / psycopg error                DatabaseFailure
eventsourcing PersistenceError family            by its cause, as above
SQLAlchemy DBAPIError family                     by its cause, as above
OSError (disk full, permissions, I/O)            DatabaseFailure
===============================================  =========================

The translation happens at the public edge only (:func:`public_api`), never
below it: retry loops inside the store see the driver's own exceptions.
Anything else (a TypeError from a bug) is not a database failure and is left
alone.
"""

from __future__ import annotations

import errno
import functools
import inspect
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from eventsourcing.domain import EventSourcingError
from eventsourcing.persistence import PersistenceError
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from boternity_store.domain.errors import (
    DatabaseFailure,
    DatabaseUnavailable,
    NotAStore,
    ReadOnlyStore,
    StoreBusy,
    StoreError,
)

C = TypeVar("C", bound=type)
F = TypeVar("F", bound=Callable[..., Any])

_SQLITE_MESSAGES: tuple[tuple[str, type[StoreError]], ...] = (
    ("file is not a database", NotAStore),
    ("file is encrypted", NotAStore),
    ("database is locked", StoreBusy),
    ("database table is locked", StoreBusy),
    ("readonly database", ReadOnlyStore),
    ("unable to open database file", DatabaseUnavailable),
)
_PG_BUSY = ("LockNotAvailable", "QueryCanceled")
_PG_READ_ONLY = ("ReadOnlySqlTransaction",)


def store_error(error: BaseException) -> StoreError | None:
    """The store's error for ``error``, or None if it is not a database,
    library or system failure (a bug is not translated)."""
    if isinstance(error, StoreError):
        return error
    cause = _root_cause(error)
    message = _first_line(cause)
    if isinstance(cause, sqlite3.Error):
        lowered = message.lower()
        for fragment, kind in _SQLITE_MESSAGES:
            if fragment in lowered:
                return kind(_sqlite_message(kind, message))
        return DatabaseFailure(f"SQLite: {message}")
    module = type(cause).__module__
    if module.startswith("psycopg_pool"):
        return DatabaseUnavailable(f"PostgreSQL: {message}")
    if module.startswith("psycopg"):
        names = {cls.__name__ for cls in type(cause).__mro__}
        if names & set(_PG_BUSY):
            return StoreBusy(f"PostgreSQL: {message}")
        if names & set(_PG_READ_ONLY):
            return ReadOnlyStore(f"PostgreSQL: {message}")
        if "OperationalError" in names and getattr(cause, "sqlstate", None) is None:
            return DatabaseUnavailable(f"PostgreSQL: {message}")
        return DatabaseFailure(f"PostgreSQL: {message}")
    if isinstance(cause, OSError):
        if cause.errno == errno.EROFS:
            return ReadOnlyStore(f"read-only file system: {message}")
        return DatabaseFailure(f"{type(cause).__name__}: {message}")
    if isinstance(cause, (EventSourcingError, SQLAlchemyError)):
        return DatabaseFailure(f"{type(cause).__name__}: {message}")
    return None


@contextmanager
def translated() -> Iterator[None]:
    """Raise the store's error in place of a driver's, library's or system's."""
    try:
        yield
    except Exception as error:
        mapped = store_error(error)
        if mapped is None or mapped is error:
            raise
        raise mapped from error


def translating(method: F) -> F:
    @functools.wraps(method)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return method(*args, **kwargs)
        except StoreError:
            raise
        except Exception as error:
            mapped = store_error(error)
            if mapped is None:
                raise
            raise mapped from error

    return wrapper  # type: ignore[return-value]


def public_api(cls: C) -> C:
    """Class decorator: every public method of ``cls`` raises only the store's
    errors for database failures (see the module's table)."""
    for name in dir(cls):
        member = inspect.getattr_static(cls, name)
        if not name.startswith("_") and inspect.isfunction(member):
            setattr(cls, name, translating(member))
    return cls


def _root_cause(error: BaseException) -> BaseException:
    seen: set[int] = set()
    while id(error) not in seen:
        seen.add(id(error))
        if isinstance(error, DBAPIError) and error.orig is not None:
            error = error.orig
        elif isinstance(error, PersistenceError) and error.__cause__ is not None:
            error = error.__cause__
        elif (
            isinstance(error, PersistenceError)
            and error.args
            and isinstance(error.args[0], BaseException)
        ):
            error = error.args[0]
        else:
            break
    return error


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


def _sqlite_message(kind: type[StoreError], message: str) -> str:
    if kind is StoreBusy:
        return (
            f"SQLite: {message}: another process held the write lock for longer"
            " than the busy timeout (open_store(..., busy_timeout=S))"
        )
    if kind is ReadOnlyStore:
        return f"SQLite: {message}: the file or its folder cannot be written"
    return f"SQLite: {message}"
