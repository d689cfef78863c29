"""``bench --url postgresql://...``: the PostgreSQL figures (1, 2, 4 and 8
writer processes, the store inline and in background mode beside plain CRUD,
the background runner's lag and events/s, and SQLite's single writer) in
databases the bench creates and drops. Timings are printed, never judged."""

from __future__ import annotations

import json
from typing import Any

import pytest

from boternity_store.infrastructure.bench.postgres import (
    PostgresReport,
    scaling_figure,
    writer_figure,
)
from boternity_store.infrastructure.bench.runner_lag import RunnerFigure
from boternity_store.infrastructure.bench.scratch_databases import (
    PREFIX,
    scratch_database,
)
from boternity_store.infrastructure.cli.bench import print_postgres
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
    result = json.loads(out)
    assert set(result) == {"writers", "scaling", "runners"}
    figures = result["writers"]
    assert [(f["backend"], f["processes"]) for f in figures] == [
        ("postgresql", 1), ("postgresql", 2), ("postgresql", 4), ("postgresql", 8),
        ("sqlite", 1),
    ]  # fmt: skip
    for figure in figures:
        assert figure["inline"] > 0 and figure["crud"] > 0
        assert (figure["target"] != "") == (figure["processes"] == 1)
        assert (figure["met"] is None) == (figure["processes"] != 1)
        if figure["backend"] == "postgresql":
            assert figure["background"] > 0
        else:
            assert figure["background"] is None  # not measured on SQLite
    assert_background_figures(result)
    assert bench_databases(pg_admin_url) <= before  # every one dropped


def assert_background_figures(result: dict[str, Any]) -> None:
    """Present and consistent; their values are never judged."""
    writers = {f["processes"]: f for f in result["writers"][:4]}
    scaling = result["scaling"]
    assert (scaling["processes"], scaling["baseline_processes"]) == (8, 1)
    assert scaling["ratio"] == pytest.approx(
        writers[8]["background"] / writers[1]["background"]
    )
    assert scaling["target"] == ">= 3x" and isinstance(scaling["met"], bool)
    runners = result["runners"]
    assert [r["processes"] for r in runners] == [1, 2, 4, 8]
    for runner in runners:
        assert runner["events_per_s"] > 0
        assert runner["lag_p99_ms"] >= runner["lag_p50_ms"] >= 0
        assert runner["writes"] == 25 * runner["processes"]  # every write timed
        judged = runner["processes"] == 8
        assert (runner["target"] == "p99 <= 100 ms") == judged
        assert isinstance(runner["met"], bool) if judged else runner["met"] is None


def test_the_table_shows_the_background_figures_and_missed_targets(
    capsys: pytest.CaptureFixture[str],
) -> None:
    writers = [writer_figure("postgresql", n, 100.0, 1000.0, 50.0 * n) for n in (1, 8)]
    result = PostgresReport(
        [*writers, writer_figure("sqlite", 1, 600.0, 1000.0)],
        scaling_figure(writers),
        [
            RunnerFigure(1, 210.0, 12.5, 30.0, 25, "", None),
            RunnerFigure(8, 420.0, 40.0, 150.0, 200, "p99 <= 100 ms", False),
        ],
    )
    print_postgres(result, "bench")
    out = capsys.readouterr().out
    assert "not built yet" not in out
    assert "400" in out and "150.0 ms" in out and "420" in out  # 8 writers
    (scaling,) = [line for line in out.splitlines() if "8 / 1 writers" in line]
    assert "x8.00" in scaling and ">= 3x" in scaling and "yes" in scaling
    (lag,) = [line for line in out.splitlines() if "runner lag p99" in line]
    assert "150.0 ms" in lag and "p99 <= 100 ms" in lag and "NO" in lag  # missed


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
