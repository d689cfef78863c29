"""Configuration: which database a store URL names, and how each layer reaches it."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from boternity_store.domain.errors import InvalidInput

ENV_URL = "BOTERNITY_STORE_URL"
DEFAULT_URL = "sqlite:///boternity.db"


def resolve_url(url: str | None) -> str:
    """The URL given, else ``$BOTERNITY_STORE_URL``, else ``sqlite:///boternity.db``."""
    return url or os.environ.get(ENV_URL) or DEFAULT_URL


@dataclass(frozen=True)
class StoreConfig:
    url: URL
    read_only: bool = False

    @property
    def backend(self) -> str:
        return self.url.get_backend_name()

    @property
    def sqlite_path(self) -> Path:
        return Path(self.url.database or "").resolve()

    def sqlalchemy_url(self) -> URL:
        if self.backend == "sqlite":
            if self.read_only:  # the driver opens it with mode=ro
                return self.url.set(
                    drivername="sqlite+pysqlite",
                    database=f"file:{self.sqlite_path}",
                    query={"mode": "ro", "uri": "true"},
                )
            return self.url.set(
                drivername="sqlite+pysqlite", database=str(self.sqlite_path)
            )
        return self.url.set(drivername="postgresql+psycopg")

    def eventsourcing_env(self) -> dict[str, str]:
        create = {"CREATE_TABLE": "n"} if self.read_only else {}
        if self.backend == "sqlite":
            path = str(self.sqlite_path)
            return {
                "PERSISTENCE_MODULE": "eventsourcing.sqlite",
                # The library opens SQLite with uri=True.
                "SQLITE_DBNAME": f"file:{path}?mode=ro" if self.read_only else path,
                "SQLITE_LOCK_TIMEOUT": "30",
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
            **create,
        }


def parse_url(url: str) -> StoreConfig:
    try:
        parsed = make_url(url)
    except ArgumentError as error:
        raise InvalidInput(f"not a database URL: {url!r}") from error
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        if not parsed.database or parsed.database == ":memory:":
            raise InvalidInput("a sqlite URL must name a file, e.g. sqlite:///bots.db")
        folder = Path(parsed.database).resolve().parent
        if not folder.is_dir():
            raise InvalidInput(f"folder {str(folder)!r} does not exist")
    elif backend not in ("postgresql", "postgres"):
        raise InvalidInput(
            f"unsupported database {backend!r}: use sqlite:/// or postgresql://"
        )
    return StoreConfig(
        parsed.set(drivername="postgresql") if backend == "postgres" else parsed
    )
