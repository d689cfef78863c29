"""Several OS processes writing to one PostgreSQL store at once: every
acknowledged write is present, no projection fails, verify is clean in every
process, and opening a new store from all of them at the same moment works."""

from __future__ import annotations

from typing import Any

import pytest

from boternity_store.infrastructure import open_store
from tests.infrastructure.multiprocess_workload import run_processes, run_writer

pytestmark = pytest.mark.postgres

WORKERS = 4


def run_round(url: str, writes: int, round_: int = 0) -> list[dict[str, Any]]:
    return run_processes(
        run_writer, [(url, f"bot-{n}", writes, round_) for n in range(WORKERS)]
    )


def check_round(url: str, reports: list[dict[str, Any]]) -> None:
    assert [r.get("error") for r in reports] == [None] * WORKERS
    for report in reports:
        assert set(report["status"].values()) == {"live"}, report["status"]
        assert report["differences"] == 0
        own = {key: n for key, (_, n) in report["acknowledged"].items()}
        assert report["own_reads"] == own  # read-your-writes in each process
    with open_store(url) as store:
        assert {s.state for s in store.projections.status()} == {"live"}
        for report in reports:
            bot_id = report["bot"]
            for key, (version, n) in report["acknowledged"].items():
                entry = store.kv.get_entry(bot_id, key)
                assert entry is not None and (entry.version, entry.value) == (
                    version,
                    n,
                )
            for memory_id in report["memories"]:
                assert store.memories.get(memory_id) is not None
        assert store.projections.verify() == []


@pytest.mark.parametrize("round_", range(2))
def test_four_writer_processes_on_postgres_lose_nothing(
    pg_url: str, round_: int
) -> None:
    check_round(pg_url, run_round(pg_url, writes=60))


@pytest.mark.slow
def test_four_writer_processes_on_postgres_ten_rounds(pg_url: str) -> None:
    for round_ in range(10):  # on the same database, round after round
        check_round(pg_url, run_round(pg_url, writes=60, round_=round_))
