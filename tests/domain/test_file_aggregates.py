"""BotFile, FileName and VersionIdClaim: commands decide, events record."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from boternity_store.domain import (
    AlreadyExists,
    BotFile,
    FileName,
    FileNotFound,
    InvalidInput,
    InvalidTransition,
    VersionIdClaim,
)
from boternity_store.domain.files.rules import (
    check_filename,
    check_mime_type,
    check_sha256,
)
from boternity_store.domain.files.version_ids import derived_version_id, needs_claim

AT = datetime(2026, 1, 1, tzinfo=UTC)


def new_file(**kwargs: Any) -> BotFile:
    fields: dict[str, Any] = {
        "mime_type": "text/plain",
        "size_bytes": 3,
        "sha256": None,
        "actor": "u",
        "at": AT,
        **kwargs,
    }
    return BotFile.create("f1", "bot-1", 1, "a.txt", **fields)


def test_create_records_the_first_version_and_its_row_id() -> None:
    file = new_file()
    (created,) = file.collect_events()
    assert isinstance(created, BotFile.Created)
    assert (created.file_id, created.bot_id, created.filename, created.actor) == (
        "f1",
        "bot-1",
        "a.txt",
        "u",
    )
    assert created.version_id == derived_version_id("f1", 1)
    assert created.timestamp == AT
    assert (file.file_version, file.index_status, file.is_indexed) == (
        1,
        "pending",
        False,
    )


def test_add_version_bumps_by_one_and_makes_the_file_stale() -> None:
    file = new_file()
    file.mark_indexed(version=1, actor="i", at=AT)
    later = AT + timedelta(seconds=5)
    file.add_version(
        mime_type="text/csv", size_bytes=9, sha256="a" * 64, actor="u", at=later
    )
    event = file.collect_events()[-1]
    assert isinstance(event, BotFile.VersionAdded)
    assert (event.version, event.size_bytes, event.version_id) == (
        2,
        9,
        derived_version_id("f1", 2),
    )
    assert (file.file_version, file.index_status, file.indexed_version) == (
        2,
        "stale",
        1,
    )
    assert file.updated_at == later and file.version_sizes == [3, 9]


def test_commands_raise_before_recording_anything() -> None:
    file = new_file()
    file.collect_events()
    with pytest.raises(InvalidTransition):
        file.mark_indexed(version=2, actor="i", at=AT)
    file.delete(actor="u", at=AT)
    file.collect_events()
    with pytest.raises(FileNotFound):
        file.start_indexing(actor="i", at=AT)
    with pytest.raises(FileNotFound):
        file.add_version(mime_type="a/b", size_bytes=1, sha256=None, actor="u", at=AT)
    assert file.collect_events() == []


def test_replaying_the_events_rebuilds_the_same_state() -> None:
    file = new_file()
    file.start_indexing(actor="i", at=AT)
    file.mark_failed(error="boom", actor="i", at=AT)
    file.add_version(mime_type="a/b", size_bytes=4, sha256=None, actor="u", at=AT)
    events = file.collect_events()
    replayed: Any = None
    for event in events:
        replayed = event.mutate(replayed)
    assert replayed.__dict__ == file.__dict__


def test_a_file_name_points_at_one_file_at_a_time() -> None:
    name = FileName.assign(None, "bot-1", 1, "a.txt", "f1", actor="u", at=AT)
    with pytest.raises(AlreadyExists):
        FileName.assign(name, "bot-1", 1, "a.txt", "f2", actor="u", at=AT)
    name.release(actor="u", at=AT)
    FileName.assign(name, "bot-1", 1, "a.txt", "f2", actor="u", at=AT)
    assert [type(e).__name__ for e in name.collect_events()] == [
        "Assigned",
        "Released",
        "Reassigned",
    ]
    assert name.file_id == "f2"


def test_version_ids_are_claimed_once_and_derived_ids_are_reserved() -> None:
    assert needs_claim(derived_version_id("f1", 2), "f1", 2) is False
    assert needs_claim("my-row", "f1", 2) is True
    with pytest.raises(InvalidInput):
        needs_claim(derived_version_id("f1", 1), "f1", 2)
    claim = VersionIdClaim.claim(None, "my-row", "f1", 2, actor="u", at=AT)
    with pytest.raises(AlreadyExists):
        VersionIdClaim.claim(claim, "my-row", "f9", 2, actor="u", at=AT)


@pytest.mark.parametrize(
    "name", ["", ".", "..", "a/b", "a\\b", "nul\x00", "\x7f", "x" * 256]
)
def test_check_filename_refuses(name: str) -> None:
    with pytest.raises(InvalidInput):
        check_filename(name)


@given(
    st.text(min_size=1, max_size=255).filter(
        lambda s: (
            s not in (".", "..")
            and not set(s) & {"/", "\\"}
            and all(ord(c) >= 32 and not 127 <= ord(c) < 160 for c in s)
        )
    )
)
def test_check_filename_accepts_other_names(name: str) -> None:
    assert check_filename(name) == name


def test_sha256_is_normalised_and_mime_types_need_a_slash() -> None:
    assert check_sha256("AB" * 32) == "ab" * 32
    assert check_sha256(None) is None
    assert check_mime_type("text/plain; charset=utf-8") == "text/plain; charset=utf-8"
    for bad in ["text", "/plain", "text/", " text/plain"]:
        with pytest.raises(InvalidInput):
            check_mime_type(bad)
