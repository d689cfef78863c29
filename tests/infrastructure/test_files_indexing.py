"""The indexing state machine through store.files, and needing_index."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from boternity_store.infrastructure import (
    FileNotFound,
    InvalidInput,
    InvalidTransition,
    StorageFile,
    Store,
)
from tests.conftest import FakeClock


@pytest.fixture
def file(store: Store, bot: str) -> StorageFile:
    return store.files.put(bot, "a.txt", size_bytes=1, actor="u")


def unchanged_after(
    store: Store, error: type[Exception], call: Callable[[], Any]
) -> None:
    head = store.history.head()
    with pytest.raises(error):
        call()
    assert store.history.head() == head


def test_indexer_moves_pending_to_in_progress_to_completed(
    store: Store, file: StorageFile
) -> None:
    # Start indexing.
    started = store.files.mark_indexing(file.id)
    assert (started.index_status, started.is_indexed) == ("in_progress", False)
    # Finish it.
    done = store.files.mark_indexed(file.id, version=1)
    assert (done.index_status, done.is_indexed, done.indexed_version) == (
        "completed",
        True,
        1,
    )
    assert store.files.get_file_by_id(file.id) == done
    assert store.files.needing_index() == []


def test_events_of_the_indexer_carry_actor_indexer(
    store: Store, file: StorageFile
) -> None:
    head = store.history.head()
    store.files.mark_indexing(file.id)
    store.files.mark_indexed(file.id, version=1, actor="crawler")
    events = store.history.events(after=head)
    assert [(e.type, e.actor, e.data["version"]) for e in events] == [
        ("BotFile.IndexingStarted", "indexer", 1),
        ("BotFile.Indexed", "crawler", 1),
    ]


def test_an_indexer_may_skip_mark_indexing(store: Store, file: StorageFile) -> None:
    assert store.files.mark_indexed(file.id, version=1).is_indexed


def test_a_new_version_makes_an_indexed_file_stale(
    store: Store, bot: str, file: StorageFile, clock: FakeClock
) -> None:
    store.files.mark_indexed(file.id, version=1)
    clock.advance(1)
    newer = store.files.put(bot, "a.txt", size_bytes=2, actor="u")
    assert (newer.index_status, newer.is_indexed, newer.indexed_version) == (
        "stale",
        False,
        1,
    )
    assert store.files.needing_index() == [newer]
    # The old version can no longer be marked; the current one can.
    unchanged_after(
        store, InvalidTransition, lambda: store.files.mark_indexed(file.id, version=1)
    )
    assert store.files.mark_indexed(file.id, version=2).is_indexed


def test_a_new_version_during_indexing_makes_it_stale(
    store: Store, bot: str, file: StorageFile
) -> None:
    store.files.mark_indexing(file.id)
    store.files.put(bot, "a.txt", size_bytes=2, actor="u")
    unchanged_after(
        store, InvalidTransition, lambda: store.files.mark_indexed(file.id, version=1)
    )
    current = store.files.get_file_by_id(file.id)
    assert current is not None and current.index_status == "stale"


def test_failure_keeps_the_error_and_allows_a_retry(
    store: Store, file: StorageFile
) -> None:
    store.files.mark_indexing(file.id)
    failed = store.files.mark_index_failed(file.id, error="parser crashed\nline 2")
    assert (failed.index_status, failed.index_error, failed.is_indexed) == (
        "failed",
        "parser crashed\nline 2",
        False,
    )
    assert store.files.needing_index() == [failed]
    unchanged_after(
        store, InvalidTransition, lambda: store.files.mark_indexed(file.id, version=1)
    )
    retry = store.files.mark_indexing(file.id)
    assert (retry.index_status, retry.index_error) == ("in_progress", None)
    assert store.files.mark_indexed(file.id, version=1).is_indexed


@pytest.mark.parametrize("status", ["in_progress", "completed"])
def test_mark_indexing_is_refused_while_in_progress_or_completed(
    store: Store, file: StorageFile, status: str
) -> None:
    store.files.mark_indexing(file.id)
    if status == "completed":
        store.files.mark_indexed(file.id, version=1)
    unchanged_after(
        store, InvalidTransition, lambda: store.files.mark_indexing(file.id)
    )


def test_completed_files_refuse_indexed_and_failed_again(
    store: Store, file: StorageFile
) -> None:
    store.files.mark_indexed(file.id, version=1)
    unchanged_after(
        store, InvalidTransition, lambda: store.files.mark_indexed(file.id, version=1)
    )
    unchanged_after(
        store,
        InvalidTransition,
        lambda: store.files.mark_index_failed(file.id, error="x"),
    )


def test_mark_indexed_with_a_version_that_is_not_current_raises(
    store: Store, file: StorageFile
) -> None:
    for version in (2, 7):
        unchanged_after(
            store,
            InvalidTransition,
            lambda v=version: store.files.mark_indexed(file.id, version=v),
        )


@pytest.mark.parametrize(
    "call",
    [
        lambda s, f: s.files.mark_indexed(f, version=0),
        lambda s, f: s.files.mark_indexed(f, version="1"),
        lambda s, f: s.files.mark_index_failed(f, error=""),
        lambda s, f: s.files.mark_indexing(f, actor=""),
        lambda s, f: s.files.mark_indexing(""),
    ],
)
def test_rejects_bad_mark_arguments(
    store: Store, file: StorageFile, call: Callable[[Store, str], Any]
) -> None:
    unchanged_after(store, InvalidInput, lambda: call(store, file.id))


@pytest.mark.parametrize(
    "mark",
    [
        lambda s, f: s.files.mark_indexing(f),
        lambda s, f: s.files.mark_indexed(f, version=1),
        lambda s, f: s.files.mark_index_failed(f, error="x"),
    ],
)
def test_marks_on_unknown_deleted_or_orphaned_files_raise_file_not_found(
    store: Store, bot: str, file: StorageFile, mark: Callable[[Store, str], Any]
) -> None:
    unchanged_after(store, FileNotFound, lambda: mark(store, "no-such-file"))
    store.files.delete_file(bot, "a.txt")
    unchanged_after(store, FileNotFound, lambda: mark(store, file.id))
    orphan = store.files.put(bot, "b.txt", size_bytes=1, actor="u")
    store.bots.delete(bot)
    unchanged_after(store, FileNotFound, lambda: mark(store, orphan.id))
    store.bots.register(bot)
    unchanged_after(store, FileNotFound, lambda: mark(store, orphan.id))


def test_needing_index_lists_pending_stale_and_failed_by_bot_and_name(
    store: Store, bot: str
) -> None:
    store.bots.register("bot-0")
    ids = {
        name: store.files.put(b, name, size_bytes=1, actor="u").id
        for b, name in [(bot, "d"), (bot, "c"), (bot, "b"), (bot, "a"), ("bot-0", "z")]
    }
    store.files.mark_index_failed(ids["a"], error="boom")  # failed: listed
    store.files.mark_indexing(ids["b"])  # in progress: not listed
    store.files.mark_indexed(ids["c"], version=1)  # completed: not listed
    store.files.mark_indexed(ids["d"], version=1)
    store.files.put(bot, "d", size_bytes=2, actor="u")  # stale: listed
    listed = store.files.needing_index()
    assert [(f.bot_id, f.filename, f.index_status) for f in listed] == [
        ("bot-0", "z", "pending"),
        (bot, "a", "failed"),
        (bot, "d", "stale"),
    ]
    assert [f.filename for f in store.files.needing_index(bot)] == ["a", "d"]
    assert store.files.needing_index("bot-9") == []


def test_indexing_status_survives_a_restart(
    store: Store, bot: str, file: StorageFile, reopen: Callable[[], Store]
) -> None:
    store.files.mark_indexing(file.id)
    failed = store.files.mark_index_failed(file.id, error="boom")
    store.close()
    again = reopen()
    assert again.files.get_file_by_id(file.id) == failed
    assert again.files.needing_index(bot) == [failed]
    assert again.files.mark_indexing(file.id).index_status == "in_progress"
