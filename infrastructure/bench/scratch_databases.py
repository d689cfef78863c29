"""Fresh PostgreSQL databases for the bench: created through an admin URL and
dropped afterwards, also when the bench fails."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from boternity_store.infrastructure.config import StoreConfig

PREFIX = "boternity_bench_"


def dsn_of(config: StoreConfig, database: str | None = None) -> str:
    """A libpq connection string for ``config``'s server (and ``database``)."""
    url = config.postgres_url()
    if database is not None:
        url = url.set(database=database)
    return url.render_as_string(hide_password=False)


@contextmanager
def scratch_database(admin: StoreConfig, label: str) -> Iterator[str]:
    """The URL of a new, empty database on ``admin``'s server (which names a
    database the role may connect to, and may create databases), dropped when
    the block ends, however it ends. ``label``: letters, digits and _."""
    import psycopg

    name = f"{PREFIX}{label}_{uuid.uuid4().hex[:10]}"
    timeout = admin.pg_connect_timeout
    with psycopg.connect(dsn_of(admin), autocommit=True, connect_timeout=timeout) as db:
        db.execute(f'CREATE DATABASE "{name}"')
    try:
        yield dsn_of(admin, name)
    finally:
        with psycopg.connect(
            dsn_of(admin), autocommit=True, connect_timeout=timeout
        ) as db:
            db.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
