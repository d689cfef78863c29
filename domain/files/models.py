"""Public models of file metadata: :class:`StorageFile` and :class:`FileVersion`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from boternity_store.domain.files.rules import DEFAULT_MIME_TYPE, PENDING, IndexStatus
from boternity_store.domain.models import PublicModel, UtcDatetime

if TYPE_CHECKING:
    from datetime import datetime


class StorageFile(PublicModel):
    """A bot's file: the seed's ``bot_files`` columns plus its content hash and
    indexing status.

    ``is_indexed`` is true only when the current ``version`` is indexed. When
    passed to ``save_file``/``update_file``, ``created_at``/``updated_at`` and
    the ``index_*`` fields are ignored (the store decides them).
    """

    id: str
    bot_id: str
    filename: str
    mime_type: str = DEFAULT_MIME_TYPE
    size_bytes: int
    version: int = 1
    is_indexed: bool = False
    created_at: UtcDatetime
    updated_at: UtcDatetime
    sha256: str | None = None
    index_status: IndexStatus = PENDING
    indexed_version: int | None = None
    index_error: str | None = None


class FileVersion(PublicModel):
    """One version of a file (a ``bot_file_versions`` row)."""

    id: str
    file_id: str
    version: int
    size_bytes: int
    created_at: UtcDatetime


class FileFacts(Protocol):
    """What a :class:`StorageFile` is made from: a ``BotFile`` aggregate, or a
    read-table row selected under these names."""

    @property
    def file_id(self) -> str: ...
    @property
    def bot_id(self) -> str: ...
    @property
    def filename(self) -> str: ...
    @property
    def mime_type(self) -> str: ...
    @property
    def size_bytes(self) -> int: ...
    @property
    def file_version(self) -> int: ...
    @property
    def is_indexed(self) -> bool: ...
    @property
    def created_at(self) -> datetime: ...
    @property
    def updated_at(self) -> datetime: ...
    @property
    def sha256(self) -> str | None: ...
    @property
    def index_status(self) -> IndexStatus: ...
    @property
    def indexed_version(self) -> int | None: ...
    @property
    def index_error(self) -> str | None: ...


def storage_file(facts: FileFacts) -> StorageFile:
    return StorageFile(
        id=facts.file_id,
        bot_id=facts.bot_id,
        filename=facts.filename,
        mime_type=facts.mime_type,
        size_bytes=facts.size_bytes,
        version=facts.file_version,
        is_indexed=bool(facts.is_indexed),
        created_at=facts.created_at,
        updated_at=facts.updated_at,
        sha256=facts.sha256,
        index_status=facts.index_status,
        indexed_version=facts.indexed_version,
        index_error=facts.index_error,
    )
