from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from boternity_store.infrastructure import Store, open_store

settings.register_profile(
    "ci",
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    print_blob=True,  # a failure prints the line that reproduces it
)
settings.register_profile(
    "dev", max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    "thorough",
    max_examples=500,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    print_blob=True,
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


class FakeClock:
    """A settable clock: returns the same instant until advanced."""

    def __init__(
        self, start: datetime = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
    ) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> datetime:
        self.now += timedelta(seconds=seconds)
        return self.now


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'store.db'}"


@pytest.fixture
def reopen(db_url: str, clock: FakeClock) -> Iterator[Callable[[], Store]]:
    """Open the same database again (as a restarted process would)."""
    opened: list[Store] = []

    def _open() -> Store:
        store = open_store(db_url, clock=clock)
        opened.append(store)
        return store

    yield _open
    for store in opened:
        store.close()


@pytest.fixture
def store(reopen: Callable[[], Store]) -> Store:
    return reopen()


@pytest.fixture
def bot(store: Store) -> str:
    store.bots.register("bot-1", name="Helper", actor="admin")
    return "bot-1"


PG_ENV = "BOTERNITY_TEST_POSTGRES_URL"


@pytest.fixture(params=["sqlite", "postgresql"])
def any_url(request: pytest.FixtureRequest, db_url: str) -> str:
    """A fresh, empty database on each backend in turn."""
    if request.param == "sqlite":
        return db_url
    return str(request.getfixturevalue("pg_url"))


@pytest.fixture
def pg_admin_url() -> str:
    """The PostgreSQL server's admin URL (``$BOTERNITY_TEST_POSTGRES_URL``),
    once it answers. Without it the test is skipped, except under ``CI=true``
    where that is a failure, as for an unreachable server."""
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


@pytest.fixture
def pg_url(pg_admin_url: str) -> Iterator[str]:
    """A fresh, empty PostgreSQL database for one test (dropped afterwards)."""
    import uuid

    import psycopg
    from sqlalchemy.engine import make_url

    admin = make_url(pg_admin_url)
    name = f"bs_test_{uuid.uuid4().hex[:12]}"
    dsn = admin.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield admin.set(database=name).render_as_string(hide_password=False)
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
