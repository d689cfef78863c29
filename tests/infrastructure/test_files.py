"""store.files: puts, versions, deletes, rules, persistence and bot cascade."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import Any

import pytest

from boternity_store.infrastructure import (
    BotNotFound,
    FileVersion,
    InvalidInput,
    StorageFile,
    Store,
)
from tests.conftest import FakeClock

SHA_A, SHA_B = "a" * 64, "b" * 64


def rows(store: Store, sql: str, *args: Any) -> list[tuple[Any, ...]]:
    with sqlite3.connect(store.config.sqlite_path) as db:
        return db.execute(sql, args).fetchall()


def test_first_put_creates_version_one(
    store: Store, bot: str, clock: FakeClock
) -> None:
    file = store.files.put(
        bot, "notes.md", size_bytes=120, mime_type="text/markdown", actor="uploader"
    )
    assert isinstance(file, StorageFile)
    assert (file.bot_id, file.filename, file.version, file.size_bytes) == (
        bot,
        "notes.md",
        1,
        120,
    )
    assert (file.mime_type, file.is_indexed, file.index_status) == (
        "text/markdown",
        False,
        "pending",
    )
    assert file.created_at == file.updated_at == clock.now
    assert store.files.get_file(bot, "notes.md") == file
    assert store.files.get_file_by_id(file.id) == file


def test_each_later_put_adds_exactly_one_version(
    store: Store, bot: str, clock: FakeClock
) -> None:
    first = store.files.put(bot, "a.txt", size_bytes=1, actor="u")
    clock.advance(5)
    second = store.files.put(
        bot, "a.txt", size_bytes=2, mime_type="text/plain", actor="u"
    )
    assert (second.id, second.version, second.size_bytes) == (first.id, 2, 2)
    assert second.created_at == first.created_at
    assert second.updated_at == clock.now
    assert store.files.get_file(bot, "a.txt") == second


# The seed's own check: file versions are tracked.
@pytest.mark.sqlite_only  # reads the SQLite file itself
def test_versions_are_tracked_newest_first_one_row_per_version(
    store: Store, bot: str, clock: FakeClock
) -> None:
    file_id = store.files.put(bot, "a.txt", size_bytes=10, actor="u").id
    for size in (20, 30):
        clock.advance(1)
        store.files.put(bot, "a.txt", size_bytes=size, actor="u")
    versions = store.files.get_versions(file_id)
    assert all(isinstance(v, FileVersion) for v in versions)
    assert [(v.version, v.size_bytes) for v in versions] == [(3, 30), (2, 20), (1, 10)]
    assert {v.file_id for v in versions} == {file_id}
    assert len({v.id for v in versions}) == 3
    assert versions[0].created_at == clock.now
    assert rows(store, "SELECT count(*) FROM bot_file_versions") == [(3,)]


def test_put_with_the_current_sha256_writes_nothing(store: Store, bot: str) -> None:
    first = store.files.put(bot, "a.txt", size_bytes=3, sha256=SHA_A, actor="u")
    head = store.history.head()
    again = store.files.put(
        bot, "a.txt", size_bytes=99, sha256=SHA_A.upper(), actor="u"
    )
    assert again == first
    assert store.history.head() == head
    assert (
        store.files.put(bot, "a.txt", size_bytes=4, sha256=SHA_B, actor="u").version
        == 2
    )
    assert store.files.put(bot, "a.txt", size_bytes=4, actor="u").version == 3


def test_list_files_is_ordered_by_filename(store: Store, bot: str) -> None:
    for name in ["b.txt", "A.txt", "a.txt"]:
        store.files.put(bot, name, size_bytes=0, actor="u")
    assert [f.filename for f in store.files.list_files(bot)] == [
        "A.txt",
        "a.txt",
        "b.txt",
    ]
    assert store.files.list_files("other-bot") == []


def test_missing_files_read_as_none_or_empty(store: Store, bot: str) -> None:
    assert store.files.get_file(bot, "nope.txt") is None
    assert store.files.get_file_by_id("nope") is None
    assert store.files.get_versions("nope") == []


def test_delete_then_put_again_starts_a_new_file(store: Store, bot: str) -> None:
    old = store.files.put(bot, "a.txt", size_bytes=1, actor="u")
    store.files.put(bot, "a.txt", size_bytes=2, actor="u")
    assert store.files.delete_file(bot, "a.txt", actor="u") is True
    assert store.files.get_file(bot, "a.txt") is None
    assert store.files.get_file_by_id(old.id) is None
    assert store.files.get_versions(old.id) == []
    assert store.files.delete_file(bot, "a.txt") is False
    new = store.files.put(bot, "a.txt", size_bytes=5, actor="u")
    assert new.id != old.id
    assert (new.version, new.size_bytes) == (1, 5)
    assert [v.version for v in store.files.get_versions(new.id)] == [1]
    old_events = [
        e for e in store.history.events(limit=1000) if e.data.get("file_id") == old.id
    ]
    assert [e.type for e in old_events] == [
        "BotFile.Created",
        "FileName.Assigned",
        "BotFile.VersionAdded",
        "BotFile.Deleted",
        "FileName.Released",
    ]


def test_every_event_records_actor_and_clock_time(
    store: Store, bot: str, clock: FakeClock
) -> None:
    head = store.history.head()
    clock.advance(60)
    store.files.put(bot, "a.txt", size_bytes=1, actor="uploader")
    events = store.history.events(after=head)
    assert {(e.actor, e.timestamp) for e in events} == {("uploader", clock.now)}


def test_a_delete_file_of_an_unknown_bot_raises(store: Store) -> None:
    with pytest.raises(BotNotFound):
        store.files.delete_file("ghost", "a.txt")
    with pytest.raises(BotNotFound):
        store.files.put("ghost", "a.txt", size_bytes=1, actor="u")


@pytest.mark.parametrize(
    "filename",
    ["", ".", "..", "a/b", "a\\b", "a\x00b", "tab\there", "x" * 256, 7, None],
)
def test_rejects_bad_filenames_and_writes_nothing(
    store: Store, bot: str, filename: Any
) -> None:
    head = store.history.head()
    with pytest.raises(InvalidInput):
        store.files.put(bot, filename, size_bytes=1, actor="u")
    assert store.history.head() == head


@pytest.mark.parametrize(
    "kwargs",
    [
        {"size_bytes": -1},
        {"size_bytes": 1.5},
        {"size_bytes": True},
        {"size_bytes": 2**63},
        {"size_bytes": 1, "sha256": "abc"},
        {"size_bytes": 1, "sha256": "g" * 64},
        {"size_bytes": 1, "mime_type": "text"},
        {"size_bytes": 1, "mime_type": ""},
        {"size_bytes": 1, "actor": ""},
    ],
)
def test_rejects_bad_put_arguments_and_writes_nothing(
    store: Store, bot: str, kwargs: dict[str, Any]
) -> None:
    store.files.put(bot, "a.txt", size_bytes=1, actor="u")
    head = store.history.head()
    with pytest.raises(InvalidInput):
        store.files.put(bot, "a.txt", **{"actor": "u", **kwargs})
    assert store.history.head() == head
    current = store.files.get_file(bot, "a.txt")
    assert current is not None and current.version == 1


def test_accepts_edge_names_and_sizes(store: Store, bot: str) -> None:
    for name in ["x" * 255, "...", ".hidden", "ünïcødé 文件.txt", "a b"]:
        file = store.files.put(bot, name, size_bytes=0, actor="u")
        assert store.files.get_file(bot, name) == file
    big = store.files.put(bot, "big.bin", size_bytes=2**63 - 1, actor="u")
    assert store.files.get_file(bot, "big.bin") == big


def test_everything_survives_a_restart(
    store: Store, bot: str, reopen: Callable[[], Store]
) -> None:
    file = store.files.put(bot, "a.txt", size_bytes=1, sha256=SHA_A, actor="u")
    file = store.files.put(bot, "a.txt", size_bytes=2, sha256=SHA_B, actor="u")
    file = store.files.mark_indexed(file.id, version=2)
    versions = store.files.get_versions(file.id)
    store.close()
    again = reopen()
    assert again.files.get_file(bot, "a.txt") == file
    assert again.files.get_versions(file.id) == versions
    head = again.history.head()
    assert again.files.put(bot, "a.txt", size_bytes=2, sha256=SHA_B, actor="u") == file
    assert again.history.head() == head
    assert again.files.put(bot, "a.txt", size_bytes=3, actor="u").version == 3


@pytest.mark.sqlite_only  # reads the SQLite file itself
def test_deleting_the_bot_removes_its_file_rows(
    store: Store, bot: str, reopen: Callable[[], Store]
) -> None:
    store.bots.register("bot-2")
    file = store.files.put(bot, "a.txt", size_bytes=1, actor="u")
    store.files.put(bot, "a.txt", size_bytes=2, actor="u")
    kept = store.files.put("bot-2", "a.txt", size_bytes=1, actor="u")
    store.bots.delete(bot)
    assert rows(store, "SELECT id FROM bot_files") == [(kept.id,)]
    assert rows(store, "SELECT file_id FROM bot_file_versions") == [(kept.id,)]
    assert rows(store, "SELECT file_id FROM bot_file_status") == [(kept.id,)]
    assert store.files.list_files(bot) == []
    # That handler read through SQLAlchemy inside the write's transaction; the
    # next writes on this store still commit (and are projected) normally.
    store.files.put("bot-2", "b.txt", size_bytes=1, actor="u")
    assert len(store.files.list_files("bot-2")) == 2
    store.close()
    again = reopen()
    assert len(again.files.list_files("bot-2")) == 2
    again.bots.register(bot)
    assert again.files.list_files(bot) == []
    assert again.files.get_file_by_id(file.id) is None
    fresh = again.files.put(bot, "a.txt", size_bytes=7, actor="u")
    assert (fresh.version, fresh.id != file.id) == (1, True)
