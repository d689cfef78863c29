"""Public models of file metadata: :class:`StorageFile` and :class:`FileVersion`."""

from __future__ import annotations

from .file_rules import DEFAULT_MIME_TYPE, PENDING, IndexStatus
from .models import PublicModel, UtcDatetime


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
