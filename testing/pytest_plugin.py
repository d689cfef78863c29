"""The kit's pytest plugin, registered through the ``pytest11`` entry point
when ``boternity-store[testing]`` is installed. Fixtures:

- ``fake_clock``: a :class:`~boternity_store.testing.FakeClock`;
- ``store``: a fresh SQLite store in a temporary folder, on ``fake_clock``;
- ``store_factory``: ``store_factory(url=None, **open_store_options)`` opens a
  fresh store: SQLite by default, or a new PostgreSQL database (dropped after
  the test) when ``url="postgresql"`` and ``BOTERNITY_TEST_POSTGRES_URL`` is
  set (skips with the reason otherwise; fails under ``CI=true``).

Loading it imports no database code: the store is opened inside the fixtures.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from boternity_store.testing.clock import FakeClock

if TYPE_CHECKING:
    from boternity_store.infrastructure import Store

PG_ENV = "BOTERNITY_TEST_POSTGRES_URL"
StoreFactory = Callable[..., "Store"]


@pytest.fixture
def fake_clock() -> FakeClock:
    """A clock that stands still until advanced."""
    return FakeClock()


@pytest.fixture
def store_factory(tmp_path: Path, fake_clock: FakeClock) -> Iterator[StoreFactory]:
    """Open fresh stores (all closed, and their databases removed, afterwards)."""
    from boternity_store.infrastructure import open_store

    opened: list[Store] = []
    databases: list[Callable[[], None]] = []

    def factory(url: str | None = None, **options: Any) -> Store:
        options.setdefault("clock", fake_clock)
        if url is None or url == "sqlite":
            url = f"sqlite:///{tmp_path / f'store-{len(opened)}.db'}"
        elif url == "postgresql":
            url, drop = fresh_postgres_database()
            databases.append(drop)
        store = open_store(url, **options)
        opened.append(store)
        return store

    yield factory
    for store in opened:
        store.close()
    for drop in databases:
        drop()


@pytest.fixture
def store(store_factory: StoreFactory) -> Store:
    """A fresh, empty SQLite store on ``fake_clock``."""
    return store_factory()


def postgres_admin_url() -> str:
    """``$BOTERNITY_TEST_POSTGRES_URL``, once the server answers. Skips the
    test when it is unset or unreachable; under ``CI=true`` fails instead."""
    import psycopg
    from sqlalchemy.engine import make_url

    base = os.environ.get(PG_ENV)
    if not base:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true but {PG_ENV} is not set: PostgreSQL tests must run")
        pytest.skip(f"set {PG_ENV} (e.g. postgresql://postgres@127.0.0.1/postgres)")
    dsn = make_url(base).set(drivername="postgresql")
    try:
        psycopg.connect(dsn.render_as_string(hide_password=False)).close()
    except psycopg.OperationalError as error:
        if os.environ.get("CI") == "true":
            raise
        pytest.skip(f"PostgreSQL at {PG_ENV} is not reachable: {error}")
    return base


def fresh_postgres_database() -> tuple[str, Callable[[], None]]:
    """A new, empty database on the server at ``$BOTERNITY_TEST_POSTGRES_URL``,
    and a function that drops it (see :func:`postgres_admin_url` for when it
    skips)."""
    import uuid

    import psycopg
    from sqlalchemy.engine import make_url

    admin = make_url(postgres_admin_url())
    name = f"bs_test_{uuid.uuid4().hex[:12]}"
    dsn = admin.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return admin.set(database=name).render_as_string(hide_password=False), drop
