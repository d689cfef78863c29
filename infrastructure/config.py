"""Configuration: which database a store URL names, and how each layer reaches it."""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from boternity_store.domain.errors import InvalidInput
from boternity_store.domain.validation import check_finite_number

if TYPE_CHECKING:
    from sqlalchemy.engine import URL

ENV_URL = "BOTERNITY_STORE_URL"
DEFAULT_URL = "sqlite:///boternity.db"


DEFAULT_CONNECT_TIMEOUT_S = 5.0
DEFAULT_BUSY_TIMEOUT_S = 30.0


def resolve_url(url: str | None) -> str:
    """The URL given, else ``$BOTERNITY_STORE_URL``, else ``sqlite:///boternity.db``.
    An empty URL is refused rather than taken for the default."""
    if url is None:
        return os.environ.get(ENV_URL) or DEFAULT_URL
    if not isinstance(url, str):
        raise InvalidInput(f"the store URL must be a string, got {type(url).__name__}")
    if not url.strip():
        raise InvalidInput("the store URL is empty (e.g. sqlite:///bots.db)")
    return url


def check_timeout(value: object, what: str) -> float:
    """Seconds: a finite number > 0 (at most a day)."""
    seconds = check_finite_number(value, what, maximum=86_400)
    if seconds == 0:
        raise InvalidInput(f"{what} must be > 0 seconds")
    return seconds


@dataclass(frozen=True)
class StoreConfig:
    url: URL
    read_only: bool = False
    # How long to wait for a PostgreSQL connection.
    connect_timeout: float = DEFAULT_CONNECT_TIMEOUT_S
    # How long a SQLite write waits for another process's write lock.
    busy_timeout: float = DEFAULT_BUSY_TIMEOUT_S
    # A read-only SQLite open of a file nobody can be writing (a read-only file
    # or file system, no write-ahead log): read without locks or side files.
    immutable: bool = False

    @property
    def where(self) -> str:
        """The store's location for messages (no password)."""
        if self.backend == "sqlite":
            return str(self.url.database)
        return self.postgres_url().render_as_string(hide_password=True)

    def postgres_url(self) -> URL:
        """The PostgreSQL URL without the store's own query options."""
        return self.url.set(drivername="postgresql").difference_update_query(
            ["connect_timeout"]
        )

    @property
    def backend(self) -> str:
        return self.url.get_backend_name()

    @property
    def sqlite_path(self) -> Path:
        return Path(self.url.database or "").resolve()

    def sqlalchemy_url(self) -> URL:
        if self.backend == "sqlite":
            if self.read_only:  # the driver opens it with mode=ro
                query = {"mode": "ro", "uri": "true"}
                if self.immutable:
                    query["immutable"] = "1"
                return self.url.set(
                    drivername="sqlite+pysqlite",
                    database=f"file:{self.sqlite_path}",
                    query=query,
                )
            return self.url.set(
                drivername="sqlite+pysqlite", database=str(self.sqlite_path)
            )
        return self.postgres_url().set(drivername="postgresql+psycopg")

    def eventsourcing_env(self) -> dict[str, str]:
        create = {"CREATE_TABLE": "n"} if self.read_only else {}
        if self.backend == "sqlite":
            path = str(self.sqlite_path)
            if self.read_only:  # the library opens SQLite with uri=True
                path = f"file:{path}?mode=ro" + (
                    "&immutable=1" if self.immutable else ""
                )
            return {
                "PERSISTENCE_MODULE": "eventsourcing.sqlite",
                "SQLITE_DBNAME": path,
                "SQLITE_LOCK_TIMEOUT": str(math.ceil(self.busy_timeout)),
                **create,
            }
        url = self.url
        return {
            "PERSISTENCE_MODULE": "eventsourcing.postgres",
            "POSTGRES_DBNAME": url.database or "",
            "POSTGRES_HOST": url.host or "127.0.0.1",
            "POSTGRES_PORT": str(url.port or 5432),
            "POSTGRES_USER": url.username or "",
            "POSTGRES_PASSWORD": url.password or "",
            "POSTGRES_CONNECT_TIMEOUT": str(self.pg_connect_timeout),
            **create,
        }

    @property
    def pg_connect_timeout(self) -> int:
        """libpq's connect_timeout: whole seconds, at least 2 (libpq's minimum)."""
        return max(2, math.ceil(self.connect_timeout))


def parse_url(url: str) -> StoreConfig:
    from sqlalchemy.engine import make_url  # not needed for --help
    from sqlalchemy.exc import ArgumentError

    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError) as error:
        raise InvalidInput(f"not a database URL: {url!r} ({error})") from None
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        if not parsed.database or parsed.database == ":memory:":
            raise InvalidInput("a sqlite URL must name a file, e.g. sqlite:///bots.db")
        folder = Path(parsed.database).resolve().parent
        if not folder.is_dir():
            raise InvalidInput(f"folder {str(folder)!r} does not exist")
        return StoreConfig(parsed)
    if backend not in ("postgresql", "postgres"):
        raise InvalidInput(
            f"unsupported database {backend!r}: use sqlite:/// or postgresql://"
        )
    parsed = parsed.set(drivername="postgresql")
    timeout = parsed.query.get("connect_timeout")
    if timeout is None:
        return StoreConfig(parsed)
    try:
        seconds = float(str(timeout))
    except ValueError:
        raise InvalidInput(
            f"connect_timeout in the URL must be seconds, got {timeout!r}"
        ) from None
    return StoreConfig(
        parsed, connect_timeout=check_timeout(seconds, "connect_timeout")
    )
