"""StorageFile is built in one place, from a BotFile or anything shaped like one."""

from __future__ import annotations

from datetime import UTC, datetime

from boternity_store.domain import BotFile
from boternity_store.domain.files.models import StorageFile, storage_file

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def test_a_new_file_becomes_a_pending_version_one_storage_file() -> None:
    file = BotFile.create(
        "f-1",
        "bot-1",
        1,
        "notes.txt",
        mime_type="text/plain",
        size_bytes=12,
        sha256=None,
        actor="alice",
        at=T0,
    )
    assert storage_file(file) == StorageFile(
        id="f-1",
        bot_id="bot-1",
        filename="notes.txt",
        mime_type="text/plain",
        size_bytes=12,
        version=1,
        is_indexed=False,
        created_at=T0,
        updated_at=T0,
        sha256=None,
        index_status="pending",
        indexed_version=None,
        index_error=None,
    )
