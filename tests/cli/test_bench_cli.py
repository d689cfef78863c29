"""``bench --url postgresql://...``: the PostgreSQL figures (1, 2, 4 and 8
writer processes, the store beside plain CRUD, and SQLite's single writer) in
databases the bench creates and drops. Timings are printed, never judged."""

from __future__ import annotations

import json

import pytest

from boternity_store.infrastructure.bench.scratch_databases import (
    PREFIX,
    scratch_database,
)
from boternity_store.infrastructure.config import parse_url
from tests.cli.cli_run import run

pytestmark = pytest.mark.postgres


def bench_databases(admin_url: str) -> set[str]:
    import psycopg

    dsn = parse_url(admin_url).postgres_url().render_as_string(hide_password=False)
    with psycopg.connect(dsn) as db:
        rows = db.execute(
            "SELECT datname FROM pg_database WHERE datname LIKE %s", (PREFIX + "%",)
        ).fetchall()
    return {name for (name,) in rows}


def test_quick_bench_on_postgresql(
    capsys: pytest.CaptureFixture[str], pg_admin_url: str
) -> None:
    before = bench_databases(pg_admin_url)
    code, out, err = run(
        capsys, pg_admin_url, "bench", "--quick", "--url", pg_admin_url, "--json"
    )
    assert code == 0, err
    figures = json.loads(out)
    assert [(f["backend"], f["processes"]) for f in figures] == [
        ("postgresql", 1), ("postgresql", 2), ("postgresql", 4), ("postgresql", 8),
        ("sqlite", 1),
    ]  # fmt: skip
    for figure in figures:
        assert figure["inline"] > 0 and figure["crud"] > 0
        assert figure["background"] is None  # that mode is not built yet
        assert (figure["target"] != "") == (figure["processes"] == 1)
        assert (figure["met"] is None) == (figure["processes"] != 1)
    assert bench_databases(pg_admin_url) <= before  # every one dropped


def test_a_scratch_database_is_dropped_when_the_bench_fails(pg_admin_url: str) -> None:
    admin = parse_url(pg_admin_url)
    with pytest.raises(RuntimeError), scratch_database(admin, "failing") as url:
        created = parse_url(url).url.database
        assert created in bench_databases(pg_admin_url)
        raise RuntimeError("the bench failed")
    assert created not in bench_databases(pg_admin_url)


def test_the_sqlite_options_are_refused_on_postgresql(
    capsys: pytest.CaptureFixture[str],
) -> None:
    url = "postgresql://nobody@127.0.0.1:1/none"
    for option in ("--debug", "--events=5000"):
        code, _, err = run(capsys, url, "bench", option, "--url", url)
        assert code == 2 and "SQLite bench" in err
