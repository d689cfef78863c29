"""``store.files``: file metadata with versions and indexing status."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING
from uuid import uuid4

from boternity_store.domain.files.models import FileVersion, StorageFile, storage_file
from boternity_store.domain.files.rules import (
    DEFAULT_MIME_TYPE,
    check_error_text,
    check_filename,
    check_mime_type,
    check_sha256,
    check_size,
    check_version_number,
)
from boternity_store.domain.validation import check_actor, check_identifier
from boternity_store.infrastructure.eventstore.driver_errors import public_api
from boternity_store.infrastructure.files.commands import (
    create_file,
    current_file,
    live_file,
)
from boternity_store.infrastructure.files.compat import FilesCompat
from boternity_store.infrastructure.stream_history import file_history

if TYPE_CHECKING:
    from datetime import datetime

    from boternity_store.domain import BotFile
    from boternity_store.infrastructure.eventstore.writer import WriteContext
    from boternity_store.infrastructure.history import LoggedEvent

INDEXER = "indexer"


@public_api
class Files(FilesCompat):
    """Per-bot file metadata: versions, content hashes and indexing status."""

    def put(
        self,
        bot_id: str,
        filename: str,
        *,
        size_bytes: int,
        mime_type: str = DEFAULT_MIME_TYPE,
        sha256: str | None = None,
        actor: str,
    ) -> StorageFile:
        """Create the file at version 1, or add its next version (which makes it
        stale for indexing). With ``sha256`` equal to the current version's,
        nothing is written and the current file is returned."""
        check_identifier(bot_id, "bot_id")
        check_filename(filename)
        size, mime = check_size(size_bytes), check_mime_type(mime_type)
        digest, actor = check_sha256(sha256), check_actor(actor)

        def command(ctx: WriteContext) -> StorageFile:
            bot = ctx.live_bot(bot_id)
            name, file = current_file(ctx, bot, filename)
            at = ctx.now()
            if file is None:
                file = create_file(
                    ctx,
                    bot,
                    name,
                    str(uuid4()),
                    filename,
                    mime_type=mime,
                    size_bytes=size,
                    sha256=digest,
                    actor=actor,
                    at=at,
                )
            elif digest is None or digest != file.sha256:
                file.add_version(
                    mime_type=mime, size_bytes=size, sha256=digest, actor=actor, at=at
                )
                ctx.add(file)
            return storage_file(file)

        return self._writer.execute(command)

    def delete_file(self, bot_id: str, filename: str, *, actor: str = "system") -> bool:
        """Delete the file (its rows go, its events stay); False if there was none.
        The name can then be put again as a new file (new id, version 1)."""
        check_identifier(bot_id, "bot_id")
        check_filename(filename)
        check_actor(actor)

        def command(ctx: WriteContext) -> bool:
            name, file = current_file(ctx, ctx.live_bot(bot_id), filename)
            if name is None or file is None:
                return False
            at = ctx.now()
            file.delete(actor=actor, at=at)
            name.release(actor=actor, at=at)
            ctx.add(file)
            ctx.add(name)
            return True

        return self._writer.execute(command)

    def mark_indexing(self, file_id: str, *, actor: str = INDEXER) -> StorageFile:
        """pending, stale or failed -> in_progress; else InvalidTransition."""
        return self._change(
            file_id, actor, lambda f, a, at: f.start_indexing(actor=a, at=at)
        )

    def mark_indexed(
        self, file_id: str, *, version: int, actor: str = INDEXER
    ) -> StorageFile:
        """pending, stale or in_progress -> completed for the current ``version``;
        another version or status raises InvalidTransition."""
        check_version_number(version)
        return self._change(
            file_id,
            actor,
            lambda f, a, at: f.mark_indexed(version=version, actor=a, at=at),
        )

    def mark_index_failed(
        self, file_id: str, *, error: str, actor: str = INDEXER
    ) -> StorageFile:
        """pending, stale or in_progress -> failed, keeping ``error``."""
        error = check_error_text(error)
        return self._change(
            file_id, actor, lambda f, a, at: f.mark_failed(error=error, actor=a, at=at)
        )

    def _change(
        self,
        file_id: str,
        actor: str,
        change: Callable[[BotFile, str, datetime], None],
    ) -> StorageFile:
        check_identifier(file_id, "file_id")
        check_actor(actor)

        def command(ctx: WriteContext) -> StorageFile:
            file = live_file(ctx, file_id)
            change(file, actor, ctx.now())
            ctx.add(file)
            return storage_file(file)

        return self._writer.execute(command)

    def history(self, bot_id: str, filename: str) -> list[LoggedEvent]:
        """Every event of the name and of the files it named in the bot's
        current life, oldest first: versions put, indexing steps, deletes.
        BotNotFound if the bot is not live."""
        check_identifier(bot_id, "bot_id")
        return file_history(self._history, bot_id, check_filename(filename))

    def get_file(self, bot_id: str, filename: str) -> StorageFile | None:
        """The bot's current file of that name, or None."""
        check_identifier(bot_id, "bot_id")
        return self._queries.get(bot_id, check_filename(filename))

    def get_file_by_id(self, file_id: str) -> StorageFile | None:
        """The current file with that id, or None (deleted files are gone)."""
        return self._queries.get_by_id(check_identifier(file_id, "file_id"))

    def list_files(self, bot_id: str) -> list[StorageFile]:
        """The bot's files, by filename."""
        return self._queries.of_bot(check_identifier(bot_id, "bot_id"))

    def get_versions(self, file_id: str) -> list[FileVersion]:
        """Every version of the file, newest first."""
        return self._queries.versions_of(check_identifier(file_id, "file_id"))

    def needing_index(self, bot_id: str | None = None) -> list[StorageFile]:
        """Files to (re)index: pending, stale or failed (by bot, then filename)."""
        if bot_id is not None:
            check_identifier(bot_id, "bot_id")
        return self._queries.needing_index(bot_id)
