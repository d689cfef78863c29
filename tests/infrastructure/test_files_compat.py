"""The seed's writes: save_file, update_file and save_version."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from boternity_store.infrastructure import (
    AlreadyExists,
    BotNotFound,
    FileNotFound,
    FileVersion,
    InvalidInput,
    InvalidTransition,
    StorageFile,
    Store,
)
from tests.conftest import FakeClock

LONG_AGO = datetime(2000, 1, 1, tzinfo=UTC)


def new_file(bot: str, **fields: Any) -> StorageFile:
    values: dict[str, Any] = {
        "id": "file-1",
        "bot_id": bot,
        "filename": "a.txt",
        "size_bytes": 10,
        "created_at": LONG_AGO,
        "updated_at": LONG_AGO,
        **fields,
    }
    return StorageFile(**values)


def version_of(file_id: str, version: int, size: int, id_: str) -> FileVersion:
    return FileVersion(
        id=id_, file_id=file_id, version=version, size_bytes=size, created_at=LONG_AGO
    )


def unchanged_after(
    store: Store, error: type[Exception], call: Callable[[], Any]
) -> None:
    head = store.history.head()
    with pytest.raises(error):
        call()
    assert store.history.head() == head


@pytest.fixture
def saved(store: Store, bot: str) -> StorageFile:
    return store.files.save_file(new_file(bot, mime_type="text/plain"))


def test_save_file_creates_the_file_with_its_id_at_clock_time(
    store: Store, bot: str, saved: StorageFile, clock: FakeClock
) -> None:
    assert (saved.id, saved.version, saved.mime_type) == ("file-1", 1, "text/plain")
    assert saved.created_at == saved.updated_at == clock.now
    assert store.files.get_file(bot, "a.txt") == saved
    assert [(v.version, v.size_bytes) for v in store.files.get_versions("file-1")] == [
        (1, 10)
    ]


def test_save_file_may_create_an_indexed_file(store: Store, bot: str) -> None:
    file = store.files.save_file(new_file(bot, is_indexed=True))
    assert (file.is_indexed, file.index_status) == (True, "completed")
    assert store.files.needing_index() == []


def test_save_file_refuses_taken_names_ids_and_version_gaps(
    store: Store, bot: str, saved: StorageFile
) -> None:
    unchanged_after(
        store, AlreadyExists, lambda: store.files.save_file(new_file(bot, id="file-2"))
    )
    unchanged_after(
        store,
        AlreadyExists,
        lambda: store.files.save_file(new_file(bot, filename="b.txt")),
    )
    store.files.delete_file(bot, "a.txt")
    # Ids are never reused, even after a delete.
    unchanged_after(store, AlreadyExists, lambda: store.files.save_file(new_file(bot)))
    unchanged_after(
        store,
        InvalidTransition,
        lambda: store.files.save_file(new_file(bot, id="f3", version=2)),
    )
    unchanged_after(
        store,
        InvalidInput,
        lambda: store.files.save_file(new_file(bot, id="f3", version=0)),
    )
    unchanged_after(
        store, BotNotFound, lambda: store.files.save_file(new_file("ghost", id="f3"))
    )
    unchanged_after(
        store,
        InvalidInput,
        lambda: store.files.save_file(new_file(bot, filename="a/b")),
    )
    unchanged_after(store, InvalidInput, lambda: store.files.save_file("a.txt"))  # type: ignore[arg-type]


def test_update_file_at_the_same_version_updates_metadata(
    store: Store, saved: StorageFile, clock: FakeClock
) -> None:
    clock.advance(3)
    head = store.history.head()
    changed = saved.model_copy(update={"size_bytes": 11, "sha256": "c" * 64})
    updated = store.files.update_file(changed)
    assert (updated.version, updated.size_bytes, updated.sha256) == (1, 11, "c" * 64)
    assert updated.updated_at == clock.now
    assert [e.type for e in store.history.events(after=head)] == [
        "BotFile.MetadataUpdated"
    ]
    assert store.files.get_versions(saved.id)[0].size_bytes == 11
    assert store.files.get_file_by_id(saved.id) == updated
    head = store.history.head()
    assert store.files.update_file(updated) == updated
    assert store.history.head() == head


def test_update_file_with_the_next_version_adds_it(
    store: Store, saved: StorageFile
) -> None:
    bumped = store.files.update_file(
        saved.model_copy(update={"version": 2, "size_bytes": 20, "is_indexed": True})
    )
    assert (bumped.version, bumped.size_bytes, bumped.is_indexed) == (2, 20, True)
    assert [v.version for v in store.files.get_versions(saved.id)] == [2, 1]


def test_update_file_sets_and_clears_is_indexed(
    store: Store, saved: StorageFile
) -> None:
    indexed = store.files.update_file(saved.model_copy(update={"is_indexed": True}))
    assert (indexed.is_indexed, indexed.index_status) == (True, "completed")
    cleared = store.files.update_file(indexed.model_copy(update={"is_indexed": False}))
    assert (cleared.is_indexed, cleared.index_status) == (False, "stale")
    assert store.files.needing_index() == [cleared]


def test_update_file_refuses_version_jumps_renames_and_unknown_files(
    store: Store, bot: str, saved: StorageFile
) -> None:
    for version in (3, 7):
        unchanged_after(
            store,
            InvalidTransition,
            lambda v=version: store.files.update_file(
                saved.model_copy(update={"version": v})
            ),
        )
    store.files.update_file(saved.model_copy(update={"version": 2}))
    unchanged_after(store, InvalidTransition, lambda: store.files.update_file(saved))
    unchanged_after(
        store,
        InvalidTransition,
        lambda: store.files.update_file(
            saved.model_copy(update={"version": 2, "filename": "b.txt"})
        ),
    )
    unchanged_after(
        store,
        FileNotFound,
        lambda: store.files.update_file(saved.model_copy(update={"id": "nope"})),
    )
    store.files.delete_file(bot, "a.txt")
    unchanged_after(
        store,
        FileNotFound,
        lambda: store.files.update_file(saved.model_copy(update={"version": 2})),
    )


def test_update_file_to_indexed_from_failed_changes_nothing(
    store: Store, saved: StorageFile
) -> None:
    store.files.mark_index_failed(saved.id, error="boom")
    unchanged_after(
        store,
        InvalidTransition,
        lambda: store.files.update_file(
            saved.model_copy(update={"is_indexed": True, "size_bytes": 99})
        ),
    )
    current = store.files.get_file_by_id(saved.id)
    assert current is not None and current.size_bytes == 10


def test_save_version_adds_the_next_version_with_the_callers_id(
    store: Store, saved: StorageFile
) -> None:
    store.files.save_version(version_of(saved.id, 2, 25, "v2-row"))
    versions = store.files.get_versions(saved.id)
    assert [(v.id, v.version) for v in versions] == [("v2-row", 2), (versions[1].id, 1)]
    assert versions[0].size_bytes == 25
    current = store.files.get_file_by_id(saved.id)
    assert current is not None
    assert (current.version, current.size_bytes, current.index_status) == (
        2,
        25,
        "stale",
    )


def test_save_version_again_with_the_same_data_is_a_no_op(
    store: Store, saved: StorageFile
) -> None:
    store.files.save_version(version_of(saved.id, 2, 25, "v2-row"))
    head = store.history.head()
    store.files.save_version(version_of(saved.id, 2, 25, "v2-row"))
    store.files.save_version(version_of(saved.id, 1, 10, "any-id"))
    assert store.history.head() == head


def test_save_version_refuses_gaps_other_sizes_and_taken_ids(
    store: Store, bot: str, saved: StorageFile
) -> None:
    v1_id = store.files.get_versions(saved.id)[0].id
    store.files.save_version(version_of(saved.id, 2, 25, "v2-row"))
    other = store.files.put(bot, "b.txt", size_bytes=1, actor="u")
    for bad in [
        version_of(saved.id, 4, 1, "x"),
        version_of(saved.id, 2, 26, "x"),
        version_of(saved.id, 1, 11, "x"),
    ]:
        unchanged_after(
            store, InvalidTransition, lambda b=bad: store.files.save_version(b)
        )
    unchanged_after(
        store,
        AlreadyExists,
        lambda: store.files.save_version(version_of(other.id, 2, 5, "v2-row")),
    )
    # Another row's derived id, copied over: refused before it could collide.
    unchanged_after(
        store,
        InvalidInput,
        lambda: store.files.save_version(version_of(other.id, 2, 5, v1_id)),
    )
    unchanged_after(
        store,
        InvalidInput,
        lambda: store.files.save_version(version_of(other.id, 0, 5, "y")),
    )
    unchanged_after(
        store,
        FileNotFound,
        lambda: store.files.save_version(version_of("nope", 2, 5, "y")),
    )


def test_the_seed_flow_of_update_file_then_save_version_works(
    store: Store, bot: str, saved: StorageFile
) -> None:
    store.files.save_version(version_of(saved.id, 1, 10, "row-1"))
    store.files.update_file(saved.model_copy(update={"version": 2, "size_bytes": 30}))
    store.files.save_version(version_of(saved.id, 2, 30, "row-2"))
    assert [(v.version, v.size_bytes) for v in store.files.get_versions(saved.id)] == [
        (2, 30),
        (1, 10),
    ]
    assert store.files.list_files(bot)[0].version == 2
