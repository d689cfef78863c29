"""Before a store opens its database: is there a usable one at the URL?

Each check fails fast with the cause in a typed error, before the library or
SQLAlchemy touch anything (so a text file is left as it was, and an unreachable
PostgreSQL answers within the connect timeout with the server's own reason).
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import replace
from typing import TYPE_CHECKING

from boternity_store.domain.errors import (
    DatabaseUnavailable,
    NotAStore,
    ReadOnlyStore,
    StoreNotFound,
)

if TYPE_CHECKING:
    from pathlib import Path

    from boternity_store.infrastructure.config import StoreConfig

SQLITE_HEADER = b"SQLite format 3\x00"


def checked(config: StoreConfig) -> StoreConfig:
    """``config`` if its database can be opened as asked (for a read-only
    SQLite open, decided whether it reads without locks), else a typed error."""
    if config.backend == "sqlite":
        return _check_sqlite(config)
    _check_postgres(config)
    return config


def wal_of(path: Path) -> Path:
    return path.with_name(path.name + "-wal")


def tidy_side_files(path: Path) -> None:
    """After a read-only SQLite store closes: SQLite leaves the -wal and -shm
    files a reader created; a brief connection (which changes nothing) lets
    SQLite remove them, which it does only if no other connection is open."""
    connection = sqlite3.connect(path, timeout=0)
    try:
        connection.execute("SELECT 1 FROM sqlite_master LIMIT 1").fetchall()
    except sqlite3.Error:
        pass  # busy or gone: the files stay, as any SQLite reader leaves them
    finally:
        connection.close()


def _check_sqlite(config: StoreConfig) -> StoreConfig:
    path = config.sqlite_path
    if path.is_dir():
        raise NotAStore(f"{path} is a folder, not a SQLite database")
    if not path.exists():
        if config.read_only:
            raise StoreNotFound(f"no store at {path}")
        if not os.access(path.parent, os.W_OK):
            raise ReadOnlyStore(f"cannot create {path}: its folder is read-only")
        return config
    try:
        with path.open("rb") as file:
            header = file.read(len(SQLITE_HEADER))
    except OSError as error:
        raise DatabaseUnavailable(f"cannot read {path}: {error.strerror}") from None
    if header and header != SQLITE_HEADER:
        raise NotAStore(f"{path} is not a SQLite database")
    writable = os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)
    if not config.read_only and not writable:
        raise ReadOnlyStore(
            f"{path} cannot be written (a read-only file or folder);"
            " open it with read_only=True (the CLI's read commands do) to read it"
        )
    if config.read_only and not writable and not wal_of(path).exists():
        # Nobody is writing it (a writer keeps a -wal file), and SQLite could
        # not create its side files: read it as an immutable file.
        return replace(config, immutable=True)
    return config


def _check_postgres(config: StoreConfig) -> None:
    import psycopg

    dsn = config.postgres_url().render_as_string(hide_password=False)
    try:
        psycopg.connect(dsn, connect_timeout=config.pg_connect_timeout).close()
    except psycopg.Error as error:
        raise DatabaseUnavailable(
            f"PostgreSQL at {config.where} is unavailable: {server_reason(error)}"
        ) from None


def server_reason(error: Exception) -> str:
    """libpq's reason, without its preamble: 'connection failed: connection to
    server at "h", port 1 failed: FATAL:  role "x" does not exist' says
    'role "x" does not exist'."""
    text = " ".join(str(error).split()) or type(error).__name__
    reason = text.rsplit(" failed: ", 1)[-1]
    return reason.removeprefix("FATAL: ").removeprefix("connection failed: ")
