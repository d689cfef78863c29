"""Background mode: writes commit their events alone, a runner projects them,
``store.wait_for`` gives read-your-writes on demand; on both backends (the
``db_url`` fixture is PostgreSQL in the parity run)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from boternity_store.domain import InvalidInput
from boternity_store.infrastructure import (
    ProjectionStopped,
    ProjectionTimeout,
    Store,
    open_store,
)
from boternity_store.infrastructure.background.follower import Follower, RunnerReport
from tests.infrastructure.poison import poison_kv_handler


@contextmanager
def running(url: str, names: list[str] | None = None) -> Iterator[list[RunnerReport]]:
    """A runner in a thread of this process, stopped (and joined) at the end."""
    reports: list[RunnerReport] = []
    failures: list[BaseException] = []
    stop = threading.Event()
    with open_store(url, projections="background") as runner_store:
        follower = Follower(runner_store, names, report=reports.append)

        def run() -> None:
            try:
                follower.run(stop)
            except BaseException as error:
                failures.append(error)

        thread = threading.Thread(target=run)
        thread.start()
        try:
            yield reports
        finally:
            stop.set()
            thread.join(timeout=30)
    assert not thread.is_alive()
    assert failures == []


@pytest.fixture
def background(db_url: str) -> Iterator[Store]:
    with open_store(db_url) as setup:
        setup.bots.register("b")
    with open_store(db_url, projections="background") as store:
        yield store


def test_a_write_in_background_mode_is_in_the_log_before_the_read_tables(
    background: Store,
) -> None:
    entry = background.kv.set("b", "k", "v")
    assert entry.value == "v" and entry.version == 1  # the command's answer
    position = background.last_position
    assert position == background.history.head()
    assert background.kv.get("b", "k") is None  # not projected yet
    lags = {s.name: s.lag for s in background.projections.status()}
    assert lags["kv"] >= 1
    with pytest.raises(ProjectionTimeout) as raised:
        background.wait_for(timeout=0.2)
    assert raised.value.position == position
    assert raised.value.behind["kv"] == position - 1
    assert "projections run" in str(raised.value)


def test_wait_for_returns_once_a_runner_projected_the_write(
    background: Store, db_url: str
) -> None:
    with running(db_url) as reports:
        for n in range(20):
            background.kv.set("b", "k", n)
            background.wait_for(timeout=10)
            assert background.kv.get("b", "k") == n  # read-your-writes
        background.memories.add("b", "m1", actor="t")
        background.wait_for(background.last_position, timeout=10)
        assert background.memories.get("m1") is not None
        assert [str(a.action) for a in background.audit.get_for_bot("b")] == ["add"]
    assert [r.kind for r in reports] == ["running", "stopped"]
    assert reports[-1].position == background.history.head()
    assert background.projections.verify() == []


def test_a_runner_catches_up_with_writes_made_while_none_ran(
    background: Store, db_url: str
) -> None:
    for n in range(30):
        background.kv.set("b", f"k{n}", n)
    with running(db_url) as reports:
        background.wait_for(timeout=10)
    assert reports[0].position < reports[-1].position == background.history.head()
    assert background.kv.list_keys("b") == sorted(f"k{n}" for n in range(30))
    assert background.projections.verify() == []


def test_a_runner_of_some_projections_moves_only_those(
    background: Store, db_url: str
) -> None:
    background.kv.set("b", "k", 1)
    with running(db_url, ["kv"]):
        with pytest.raises(ProjectionTimeout) as raised:
            background.wait_for(timeout=1)
        assert "kv" not in raised.value.behind  # projected...
        assert "memory_audit" in raised.value.behind  # ...the others wait
    assert background.kv.get("b", "k") == 1


def test_last_position_is_per_thread_and_covers_batches(background: Store) -> None:
    assert background.last_position is None or background.last_position >= 0
    with background.batch():
        background.kv.set("b", "x", 1)
        background.kv.set("b", "y", 2)
    batch_end = background.last_position
    assert batch_end == background.history.head()
    seen: list[int | None] = []
    other = threading.Thread(target=lambda: seen.append(background.last_position))
    other.start()
    other.join()
    assert seen == [None]  # that thread has written nothing


def test_inline_mode_needs_no_runner(store: Store) -> None:
    store.bots.register("b")
    store.kv.set("b", "k", 1)
    store.wait_for(timeout=0.01)  # already projected: returns at once
    store.wait_for(0, timeout=0.01)
    assert store.mode == "inline"


def test_wait_for_raises_when_a_projection_it_waits_for_failed(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    with open_store(db_url) as store:
        store.bots.register("b")
        poison_kv_handler(monkeypatch)
        store.kv.set("b", "k", "poison")
        with pytest.raises(ProjectionStopped) as raised:
            store.wait_for(timeout=5)
        assert raised.value.name == "kv"
        assert "projections resume" in str(raised.value)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda url: open_store(url, projections="lazy"), "projections must be"),
        (lambda url: open_store(url, projections=None), "projections must be"),
    ],
)
def test_a_bad_mode_is_refused(
    db_url: str, call: Callable[[str], Any], message: str
) -> None:
    with pytest.raises(InvalidInput, match=message):
        call(db_url)


@pytest.mark.parametrize(
    "args", [{"timeout": 0}, {"timeout": -1}, {"timeout": "1"}, {"position": "3"}]
)
def test_bad_wait_for_arguments_are_refused(
    background: Store, args: dict[str, Any]
) -> None:
    with pytest.raises(InvalidInput):
        background.wait_for(**args)


def test_threads_waiting_at_once_each_keep_their_own_timeout(
    background: Store, db_url: str
) -> None:
    background.kv.set("b", "k", 1)
    position = background.last_position
    assert position is not None
    outcomes: list[str] = []

    def wait(timeout: float) -> None:
        try:
            background.wait_for(position, timeout=timeout)
            outcomes.append("reached")
        except ProjectionTimeout:
            outcomes.append(f"timed out after {timeout}")

    # No runner yet: a long wait and a short one at the same time; the short
    # one must not queue behind the long one.
    long_wait = threading.Thread(target=wait, args=(30,))
    long_wait.start()
    wait(0.3)
    assert outcomes == ["timed out after 0.3"]
    with running(db_url):
        long_wait.join(timeout=30)
    assert outcomes == ["timed out after 0.3", "reached"]


@pytest.mark.postgres
def test_each_runner_step_announces_its_position_when_it_commits(
    pg_url: str,
) -> None:
    """What ``wait_for`` listens for on PostgreSQL: a notification on the
    projected channel, with the position reached, at each step's commit."""
    import psycopg
    from psycopg import sql

    from boternity_store.infrastructure.background.channels import (
        projected_channel,
    )

    dsn = pg_url.replace("postgresql+psycopg://", "postgresql://")
    with open_store(pg_url, projections="background") as store:
        store.bots.register("b")
        store.kv.set("b", "k", 1)
        channel = projected_channel(store.events_channel())
        with psycopg.connect(dsn, autocommit=True) as listener:
            listener.execute(sql.SQL("LISTEN {}").format(sql.Identifier(channel)))
            with running(pg_url):
                store.wait_for(timeout=10)
                (note,) = listener.notifies(timeout=10, stop_after=1)
                assert int(note.payload) == store.history.head()
                store.kv.set("b", "k", 2)
                (note,) = listener.notifies(timeout=10, stop_after=1)
                assert int(note.payload) == store.last_position


def test_a_catch_up_asked_to_stop_ends_after_its_batch(background: Store) -> None:
    with background.batch():
        for n in range(30):
            background.kv.set("b", f"k{n}", n)
    runner = background.projection_runner(["kv"], batch_size=4)
    start = runner.states()["kv"].position
    runner.catch_up(to_head=True, stopping=lambda: True)
    assert runner.states()["kv"].position == start + 4
    runner.catch_up(to_head=True)
    assert runner.states()["kv"].position == background.history.head()


@pytest.mark.parametrize("batch_size", [0, -1, 1.5, True, "10"])
def test_a_bad_runner_batch_size_is_refused(background: Store, batch_size: Any) -> None:
    with pytest.raises(InvalidInput, match="batch_size"):
        Follower(background, batch_size=batch_size)
    with pytest.raises(InvalidInput, match="batch_size"):
        background.projection_runner(batch_size=batch_size)


def test_an_unknown_projection_name_is_refused(background: Store) -> None:
    with pytest.raises(InvalidInput, match="unknown projection"):
        Follower(background, ["kv", "nope"])


def test_threads_writing_at_once_each_get_a_position_at_or_after_their_own(
    store: Store,
) -> None:
    """Group commit: each thread's last_position covers its own write (the
    group's last event), so waiting for it shows that write."""
    store.bots.register("b")
    start = threading.Barrier(8)
    positions: dict[int, int | None] = {}

    def write(n: int) -> None:
        start.wait(timeout=30)
        store.kv.set("b", f"t{n}", n)
        positions[n] = store.last_position

    threads = [threading.Thread(target=write, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    head = store.history.head()
    for n, position in positions.items():
        (change,) = store.kv.history("b", f"t{n}")
        assert position is not None and change.position <= position <= head
        store.wait_for(position, timeout=1)
        assert store.kv.get("b", f"t{n}") == n
    assert len(positions) == 8
