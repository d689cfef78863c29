"""The one commit-and-retry path: groups, batches and single commands share it."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from eventsourcing.persistence import IntegrityError
from sqlalchemy.exc import OperationalError

from boternity_store.domain import Bot
from boternity_store.infrastructure import Store, VersionConflict, open_store
from boternity_store.infrastructure.eventstore import writer as writer_module
from boternity_store.infrastructure.eventstore.write_context import WriteContext
from boternity_store.infrastructure.eventstore.writer import (
    MAX_ATTEMPTS,
    PAUSE_CAP_S,
    WriteConflict,
    jittered_pause,
)


def conflicting(store: Store, times: int) -> list[int]:
    """Make the next ``times`` appends fail as a concurrent append would;
    return the list that counts the aggregates of every append tried."""
    appender = store._writer.appender
    original = appender.append
    tried: list[int] = []

    def append(aggregates: Any, *rest: Any) -> None:
        aggregates = list(aggregates)
        tried.append(len(aggregates))
        if len(tried) <= times:
            raise IntegrityError("a concurrent append")
        original(aggregates, *rest)

    appender.append = append  # type: ignore[method-assign]
    return tried


def no_pauses(store: Store) -> list[int]:
    paused: list[int] = []
    store._writer.pause = paused.append
    return paused


def run_as_one_group(store: Store, writes: list[Callable[[], Any]]) -> list[Any]:
    """Run ``writes`` from threads that all queue before any commits."""
    results: list[Any] = [None] * len(writes)

    def run(i: int) -> None:
        try:
            results[i] = writes[i]()
        except Exception as error:
            results[i] = error

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(writes))]
    writer = store._writer
    with writer._lock:
        for thread in threads:
            thread.start()
        with writer._queued:  # notified whenever a command queues
            assert writer._queued.wait_for(
                lambda: len(writer._queue) == len(writes), 30
            )
    for thread in threads:
        thread.join()
    return results


def test_a_group_with_a_failing_and_a_conflicting_command_gives_each_its_outcome(
    reopen: Callable[[], Store],
) -> None:
    here, there = reopen(), reopen()
    here.bots.register("bot-1")
    here.kv.set("bot-1", "shared", "v1")  # cached here at version 1
    there.kv.set("bot-1", "shared", "v2")  # ...which is now stale
    # The race: the other process commits after the check before deciding.
    here._appender.foreign.maybe_changed = lambda: False  # type: ignore[attr-defined]
    # The failing command evicts what the group loaded, so the group is
    # decided again on fresh state; the append after it meets one more
    # concurrent append.
    tried = conflicting(here, times=1)
    paused = no_pauses(here)
    results = run_as_one_group(
        here,
        [
            lambda: here.kv.set("bot-1", "shared", "v3").version,  # conflicts
            lambda: here.kv.set("bot-1", "cas", "x", expected_version=4),  # fails
            lambda: here.kv.set("bot-1", "other", "y").version,
        ],
    )
    assert isinstance(results[1], VersionConflict)
    assert results[0] == 3 and results[2] == 1
    # Decided together, conflicted together, decided again on fresh state.
    assert tried == [2, 2]
    assert paused == [1]
    assert there.kv.get("bot-1", "shared") == "v3"
    assert here.kv.get("bot-1", "other") == "y"
    assert here.kv.list_keys("bot-1") == ["other", "shared"]


def test_conflicts_retry_with_growing_pauses_then_give_up(
    store: Store, bot: str
) -> None:
    tried = conflicting(store, times=MAX_ATTEMPTS)
    paused = no_pauses(store)
    with pytest.raises(WriteConflict):
        store.kv.set(bot, "k", 1)
    assert len(tried) == MAX_ATTEMPTS
    assert paused == list(range(1, MAX_ATTEMPTS))
    assert store.kv.get(bot, "k") is None
    assert store.kv.set(bot, "k", 2).version == 1  # and the store still works


def test_the_first_try_may_assume_an_uncached_aggregate_is_new_retries_may_not(
    store: Store, bot: str
) -> None:
    conflicting(store, times=2)
    no_pauses(store)
    seen: list[bool] = []

    def command(context: WriteContext) -> None:
        seen.append(context.optimistic)
        context.add(context.live_bot(bot))

    store._writer.execute(command)
    assert seen == [True, False, False]


def test_a_batch_that_conflicts_runs_again_whole_and_commits_whole(
    store: Store, bot: str
) -> None:
    store.kv.set(bot, "a", 0)
    tried = conflicting(store, times=1)
    no_pauses(store)
    with store.batch():
        store.kv.set(bot, "a", 1)
        store.kv.set(bot, "b", 2)
    assert tried == [2, 2]
    assert (store.kv.get(bot, "a"), store.kv.get(bot, "b")) == (1, 2)
    entry = store.kv.get_entry(bot, "a")
    assert entry is not None and entry.version == 2


def test_a_batch_whose_command_fails_when_run_again_records_nothing(
    reopen: Callable[[], Store],
) -> None:
    here, there = reopen(), reopen()
    here.bots.register("bot-1")
    appender = here._writer.appender
    original = appender.append

    def append_after_another_process(aggregates: Any, *rest: Any) -> None:
        appender.append = original  # type: ignore[method-assign]
        there.kv.set("bot-1", "b", "theirs")  # commits first: a conflict
        raise IntegrityError("a concurrent append")

    appender.append = append_after_another_process  # type: ignore[method-assign]
    no_pauses(here)
    with pytest.raises(VersionConflict), here.batch():
        here.kv.set("bot-1", "a", 1)
        here.kv.set("bot-1", "b", 2, expected_version=0)  # true when decided
    assert here.kv.get("bot-1", "a") is None
    assert here.kv.get("bot-1", "b") == "theirs"


def test_jittered_pauses_grow_and_stay_small(monkeypatch: pytest.MonkeyPatch) -> None:
    slept: list[float] = []
    monkeypatch.setattr(writer_module.time, "sleep", slept.append)
    for attempt in range(1, MAX_ATTEMPTS):
        for _ in range(50):
            jittered_pause(attempt)
    bounds = [max(slept[i : i + 50]) for i in range(0, len(slept), 50)]
    assert all(0 <= s <= PAUSE_CAP_S for s in slept)
    assert bounds[0] < bounds[3]
    assert len(set(slept)) > len(slept) // 2  # jittered, not fixed


def test_a_write_that_committed_is_not_failed_by_its_projection(
    any_url: str, monkeypatch: pytest.MonkeyPatch, caplog: Any
) -> None:
    def fail_in_transaction(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("handler failed")

    def fail_after_commit(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("catch-up failed")

    with open_store(any_url) as store:
        store.bots.register("bot-1")
        monkeypatch.setattr(store._runner, "apply_appended", fail_in_transaction)
        monkeypatch.setattr(store._runner, "catch_up", fail_after_commit)
        entry = store.kv.set("bot-1", "k", "committed")
        assert entry.version == 1
        assert "committed but not projected" in caplog.text
        assert store.kv.get("bot-1", "k") is None  # not projected yet
        monkeypatch.undo()
        store.kv.set("bot-1", "other", 1)  # the next write projects it
        assert store.kv.get("bot-1", "k") == "committed"
        assert store.projections.verify() == []


def test_a_transient_error_after_commit_is_retried(
    store: Store, bot: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    runner = store._runner
    original = runner.catch_up
    calls: list[int] = []

    def flaky(*args: Any, **kwargs: Any) -> None:
        calls.append(1)
        if len(calls) == 1:
            raise OperationalError("catch-up", {}, Exception("database is locked"))
        original(*args, **kwargs)

    monkeypatch.setattr(runner, "apply_appended", lambda *a, **k: None)
    monkeypatch.setattr(runner, "catch_up", flaky)
    store.kv.set(bot, "k", "v")
    assert len(calls) == 2
    assert store.kv.get(bot, "k") == "v"


def test_an_unprojected_write_is_projected_on_reopen(
    reopen: Callable[[], Store], monkeypatch: pytest.MonkeyPatch
) -> None:
    store = reopen()
    store.bots.register("bot-1")
    monkeypatch.setattr(store._runner, "apply_appended", lambda *a, **k: None)

    def fail(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("catch-up failed")

    monkeypatch.setattr(store._runner, "catch_up", fail)
    assert store.kv.set("bot-1", "k", "v").version == 1
    store.close()
    with reopen() as again:
        assert again.kv.get("bot-1", "k") == "v"


def test_a_failure_reading_others_writes_after_commit_empties_the_cache(
    store: Store, bot: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = store._app.repository.cache

    def fail(first: int, last: int) -> None:
        raise RuntimeError("log unreadable")

    monkeypatch.setattr(store._appender.foreign, "appended", fail)  # type: ignore[attr-defined]
    assert store.kv.set(bot, "k", 1).version == 1
    assert store._app.repository.cache is not cache
    monkeypatch.undo()
    assert store.kv.set(bot, "k", 2).version == 2
    assert store.bots.get(bot) is not None
    assert isinstance(store._app.repository.get(Bot.create_id(bot)), Bot)


def test_a_batch_after_a_restart_answers_with_the_versions_it_records(
    reopen: Callable[[], Store],
) -> None:
    # Found by the store-against-model machine: a batch decided "this key is
    # new" for a key the restarted process had not cached, handed back
    # version 1, then recorded version 2 on the retry.
    store = reopen()
    store.bots.register("b1")
    store.kv.set("b1", "k", "first")
    store.close()
    store = reopen()
    with store.batch():
        entry = store.kv.set("b1", "k", "second")
    assert entry.version == 2
    assert store.kv.get_entry("b1", "k") == entry
