"""The seed's ``SqliteFileMetadataStore`` writes (``save_file``, ``update_file``,
``save_version``), as thin commands over the same aggregates as ``put``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from boternity_store.domain import (
    AlreadyExists,
    BotFile,
    InvalidInput,
    InvalidTransition,
    VersionIdClaim,
)
from boternity_store.domain.files.models import FileVersion, StorageFile, storage_file
from boternity_store.domain.files.rules import (
    can_mark_indexed,
    check_filename,
    check_mime_type,
    check_sha256,
    check_size,
    check_version_number,
)
from boternity_store.domain.files.version_ids import needs_claim
from boternity_store.domain.validation import check_actor, check_identifier
from boternity_store.infrastructure.files.commands import (
    create_file,
    current_file,
    live_file,
)

if TYPE_CHECKING:
    from datetime import datetime

    from boternity_store.infrastructure.eventstore.writer import WriteContext, Writer
    from boternity_store.infrastructure.history import History
    from boternity_store.projections.files.queries import FileQueries


class FilesCompat:
    def __init__(self, writer: Writer, queries: FileQueries, history: History) -> None:
        self._writer = writer
        self._queries = queries
        self._history = history

    def save_file(self, file: StorageFile, *, actor: str = "system") -> StorageFile:
        """Create a new file with ``file.id`` at version 1 (a higher version is a
        gap: InvalidTransition); AlreadyExists if the name or the id is taken."""
        _check_file(file)
        check_actor(actor)
        if file.version != 1:
            raise InvalidTransition(
                f"a new file starts at version 1, not {file.version}"
            )

        def command(ctx: WriteContext) -> StorageFile:
            bot = ctx.live_bot(file.bot_id)
            name, current = current_file(ctx, bot, file.filename)
            if current is not None:
                raise AlreadyExists(
                    f"file {file.filename!r} already exists for bot {file.bot_id!r}"
                )
            if ctx.get(BotFile, BotFile.create_id(file.id)) is not None:
                raise AlreadyExists(f"file id {file.id!r} is already used")
            at = ctx.now()
            created = create_file(
                ctx,
                bot,
                name,
                file.id,
                file.filename,
                mime_type=file.mime_type,
                size_bytes=file.size_bytes,
                sha256=check_sha256(file.sha256),
                actor=actor,
                at=at,
            )
            if file.is_indexed:
                created.mark_indexed(version=1, actor=actor, at=at)
            return storage_file(created)

        return self._writer.execute(command)

    def update_file(self, file: StorageFile, *, actor: str = "system") -> StorageFile:
        """Write ``file``'s metadata at its current version, or add the next version
        (``version`` + 1); ``is_indexed`` marks the version indexed, or stale."""
        _check_file(file)
        check_actor(actor)

        def command(ctx: WriteContext) -> StorageFile:
            current = live_file(ctx, file.id)
            _apply_update(current, file, actor, ctx.now())
            if current.pending_events:
                ctx.add(current)
            return storage_file(current)

        return self._writer.execute(command)

    def save_version(self, version: FileVersion, *, actor: str = "system") -> None:
        """Record the next version of a file (its current version + 1). Saving an
        existing version again with the same size is a no-op (the row keeps its
        id); other versions raise InvalidTransition."""
        _check_version(version)
        check_actor(actor)

        def command(ctx: WriteContext) -> None:
            current = live_file(ctx, version.file_id)
            if current.has_version(version.version, version.size_bytes):
                return
            if version.version != current.file_version + 1:
                raise InvalidTransition(
                    f"file {version.file_id!r} is at version {current.file_version}; "
                    f"version {version.version} does not follow or differs in size"
                )
            at = ctx.now()
            if needs_claim(version.id, version.file_id, version.version):
                existing = ctx.get(VersionIdClaim, VersionIdClaim.create_id(version.id))
                ctx.add(
                    VersionIdClaim.claim(
                        existing,
                        version.id,
                        version.file_id,
                        version.version,
                        actor=actor,
                        at=at,
                    )
                )
            current.add_version(
                mime_type=current.mime_type,
                size_bytes=version.size_bytes,
                sha256=None,
                actor=actor,
                at=at,
                version_id=version.id,
            )
            ctx.add(current)

        self._writer.execute(command)


def _apply_update(
    current: BotFile, file: StorageFile, actor: str, at: datetime
) -> None:
    if (file.bot_id, file.filename) != (current.bot_id, current.filename):
        raise InvalidTransition(f"file {file.id!r}: bot_id and filename cannot change")
    bump = file.version == current.file_version + 1
    if not bump and file.version != current.file_version:
        raise InvalidTransition(
            f"file {file.id!r} is at version {current.file_version}; "
            f"version {file.version} must stay or grow by one"
        )
    index = file.is_indexed and (bump or not current.is_indexed)
    if index and not bump and not can_mark_indexed(current.index_status):
        raise InvalidTransition(
            f"cannot mark file {file.id!r} indexed: status is {current.index_status!r}"
        )
    sha256 = check_sha256(file.sha256)
    metadata = (file.mime_type, file.size_bytes, sha256)
    if bump:
        current.add_version(
            mime_type=file.mime_type,
            size_bytes=file.size_bytes,
            sha256=sha256,
            actor=actor,
            at=at,
        )
    elif metadata != (current.mime_type, current.size_bytes, current.sha256):
        current.update_metadata(
            mime_type=file.mime_type,
            size_bytes=file.size_bytes,
            sha256=sha256,
            actor=actor,
            at=at,
        )
    if index:
        current.mark_indexed(version=file.version, actor=actor, at=at)
    elif not file.is_indexed and current.is_indexed:
        current.invalidate_index(actor=actor, at=at)


def _check_file(file: object) -> None:
    if not isinstance(file, StorageFile):
        raise InvalidInput(f"expected a StorageFile, got {type(file).__name__}")
    check_identifier(file.id, "file id")
    check_identifier(file.bot_id, "bot_id")
    check_filename(file.filename)
    check_mime_type(file.mime_type)
    check_size(file.size_bytes)
    check_sha256(file.sha256)
    check_version_number(file.version)


def _check_version(version: object) -> None:
    if not isinstance(version, FileVersion):
        raise InvalidInput(f"expected a FileVersion, got {type(version).__name__}")
    check_identifier(version.id, "version id")
    check_identifier(version.file_id, "file_id")
    check_version_number(version.version)
    check_size(version.size_bytes)
