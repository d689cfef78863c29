from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from boternity_store.infrastructure import Store, open_store
from boternity_store.testing import FakeClock
from boternity_store.testing.pytest_plugin import (
    fresh_postgres_database,
    postgres_admin_url,
)

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
PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "ci")
settings.load_profile(PROFILE)


def examples(n: int) -> int:
    """``n`` examples for a test that sets its own count (a slow one), twenty
    times as many under the thorough profile."""
    return n * 20 if PROFILE == "thorough" else n


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def db_url(tmp_path: Path, request: pytest.FixtureRequest) -> str:
    """The test's database: a SQLite file, or with
    ``BOTERNITY_TEST_BACKEND=postgresql`` a fresh PostgreSQL database (the
    public-API suite runs on both: see .ci/run). Tests marked ``sqlite_only``
    are about SQLite itself (its file, its locks) and keep the file."""
    if (
        os.environ.get("BOTERNITY_TEST_BACKEND") == "postgresql"
        and request.node.get_closest_marker("sqlite_only") is None
    ):
        return str(request.getfixturevalue("pg_url"))
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


@pytest.fixture(params=["sqlite", "postgresql"])
def any_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh, empty database on each backend in turn."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.db'}"
    return str(request.getfixturevalue("pg_url"))


@pytest.fixture
def pg_admin_url() -> str:
    """The PostgreSQL server's admin URL (``$BOTERNITY_TEST_POSTGRES_URL``),
    once it answers (skipped without it; under ``CI=true`` a failure)."""
    return postgres_admin_url()


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A fresh, empty PostgreSQL database for one test (dropped afterwards)."""
    url, drop = fresh_postgres_database()
    yield url
    drop()
