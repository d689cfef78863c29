"""``boternity-store projections run`` as operators run it: a child process
that follows the log, stops cleanly on SIGTERM/SIGINT, and a second runner
that stands by and takes over when the first is killed; on both backends."""

from __future__ import annotations

import signal
import time

import pytest

from boternity_store.infrastructure import Store, open_store
from boternity_store.infrastructure.bench.runner_process import RunnerChild

TAKEOVER_LIMIT_S = 5.0


def background_store(url: str) -> Store:
    store = open_store(url, projections="background")
    store.bots.register("b")
    return store


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_a_runner_follows_the_log_and_stops_on_a_signal(
    any_url: str, sig: signal.Signals
) -> None:
    with background_store(any_url) as store, RunnerChild(any_url) as runner:
        runner.expect("running bots, kv, providers, memory_audit, files, event_index")
        for n in range(10):
            store.kv.set("b", "k", n)
            store.wait_for(timeout=30)
            assert store.kv.get("b", "k") == n
        runner.signal(sig)
        runner.expect(f"stopped at position {store.history.head()}")
        assert runner.wait() == 0
        assert store.projections.verify() == []


def test_a_second_runner_stands_by_and_takes_over_when_the_first_is_killed(
    any_url: str,
) -> None:
    with background_store(any_url) as store, RunnerChild(any_url) as first:
        first.expect("running")
        second = RunnerChild(any_url)  # started once the first holds the locks
        second.expect("standing by: another runner holds")
        for n in range(20):
            store.memories.add("b", f"m{n}", actor="t")
        store.wait_for(timeout=30)
        killed = time.monotonic()
        first.signal(signal.SIGKILL)
        second.expect("running", timeout=30)
        assert time.monotonic() - killed < TAKEOVER_LIMIT_S
        for n in range(20, 40):
            store.memories.add("b", f"m{n}", actor="t")
        store.wait_for(timeout=30)
        # Each event applied once: the audit log has one row per action.
        assert len(store.audit.get_for_bot("b", limit=1000)) == 40
        assert store.projections.verify() == []
        second.signal(signal.SIGTERM)
        assert second.wait() == 0
        with second:
            pass
    assert first.proc.returncode == -signal.SIGKILL


def test_a_runner_killed_mid_catch_up_leaves_nothing_half_applied(
    any_url: str,
) -> None:
    with background_store(any_url) as store:
        for chunk in range(4):
            with store.batch():
                for n in range(500):
                    store.kv.set("b", f"k{chunk}-{n}", n)
        with RunnerChild(any_url, "--batch-size", "20") as first:
            first.expect("running")
            first.signal(signal.SIGKILL)  # somewhere inside the catch-up
            first.wait()
        with open_store(any_url, read_only=True) as reader:
            stopped_at = {s.name: s.position for s in reader.projections.status()}
        with RunnerChild(any_url) as second:
            second.expect("running")
            store.wait_for(timeout=60)
            assert len(store.kv.list_keys("b")) == 2000
            assert store.projections.verify() == []
            second.signal(signal.SIGTERM)
            assert second.wait() == 0
        assert max(stopped_at.values()) < store.history.head()  # it was cut short


def test_runners_with_overlapping_names_exclude_each_other_and_disjoint_ones_run(
    any_url: str,
) -> None:
    with background_store(any_url) as store, RunnerChild(any_url, "kv", "files") as kv:
        kv.expect("running kv, files")
        with (
            RunnerChild(any_url, "files", "bots") as overlapping,
            RunnerChild(any_url, "memory_audit") as disjoint,
        ):
            overlapping.expect("standing by: another runner holds files, bots")
            disjoint.expect("running memory_audit")
            store.kv.set("b", "k", 1)
            store.memories.add("b", "m", actor="t")
            kv.stop()  # its locks go: the overlapping runner takes them all
            overlapping.expect("running files, bots")
            # Every projection is now run by someone except the two left over.
            with RunnerChild(any_url, "kv", "providers", "event_index") as rest:
                rest.running()
                store.wait_for(timeout=30)
                rest.stop()
            assert store.kv.get("b", "k") == 1
            assert store.memories.get("m") is not None
            assert overlapping.stop() == disjoint.stop() == store.history.head()
        assert store.projections.verify() == []


@pytest.mark.postgres
def test_a_runner_that_loses_its_database_connection_exits_5(pg_url: str) -> None:
    import psycopg

    dsn = pg_url.replace("postgresql+psycopg://", "postgresql://")
    with background_store(pg_url), RunnerChild(pg_url) as runner:
        runner.running()
        with psycopg.connect(dsn, autocommit=True) as admin:
            admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        assert runner.wait() == 5
        assert runner.expect("error: ").startswith("error: DatabaseUnavailable")
