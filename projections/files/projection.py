"""Where file events become rows: ``bot_files``, ``bot_file_versions`` and
``bot_file_status`` (see :mod:`.file_tables`).

Every handler touches ``bot_files`` before ``bot_file_versions`` and deletes
flush first, so the queued row operations respect the versions' foreign key
even where it is enforced.
"""

from __future__ import annotations

from functools import singledispatchmethod
from typing import TYPE_CHECKING

from sqlalchemy import delete, select

from boternity_store.domain import Bot, BotFile
from boternity_store.domain.files.rules import (
    COMPLETED,
    FAILED,
    IN_PROGRESS,
    PENDING,
    STALE,
)
from boternity_store.projections.engine.projection import Projection
from boternity_store.projections.engine.timestamps import to_text
from boternity_store.projections.files.tables import (
    files_table,
    status_table,
    versions_table,
)

if TYPE_CHECKING:
    from sqlalchemy import Table

    from boternity_store.projections.engine.view import View


class FilesProjection(Projection):
    name = "files"
    version = 1

    def define_tables(self) -> list[Table]:
        self.files = files_table(self)
        self.versions = versions_table(self, self.files)
        self.status = status_table(self)
        return [self.files, self.versions, self.status]

    @singledispatchmethod
    def process_event(self, event: object, view: View) -> None:
        pass

    @process_event.register(BotFile.Created)
    def _created(self, event: BotFile.Created, view: View) -> None:
        at = to_text(event.timestamp)
        view.insert(
            self.files,
            id=event.file_id,
            bot_id=event.bot_id,
            filename=event.filename,
            mime_type=event.mime_type,
            size_bytes=event.size_bytes,
            version=1,
            is_indexed=0,
            created_at=at,
            updated_at=at,
        )
        view.insert(
            self.versions,
            id=event.version_id,
            file_id=event.file_id,
            version=1,
            size_bytes=event.size_bytes,
            created_at=at,
        )
        view.insert(
            self.status,
            file_id=event.file_id,
            bot_id=event.bot_id,
            sha256=event.sha256,
            index_status=PENDING,
            indexed_version=None,
            index_error=None,
        )

    @process_event.register(BotFile.VersionAdded)
    def _version_added(self, event: BotFile.VersionAdded, view: View) -> None:
        at = to_text(event.timestamp)
        view.update(
            self.files,
            {"id": event.file_id},
            version=event.version,
            mime_type=event.mime_type,
            size_bytes=event.size_bytes,
            is_indexed=0,
            updated_at=at,
        )
        view.insert(
            self.versions,
            id=event.version_id,
            file_id=event.file_id,
            version=event.version,
            size_bytes=event.size_bytes,
            created_at=at,
        )
        view.update(
            self.status,
            {"file_id": event.file_id},
            sha256=event.sha256,
            index_status=STALE,
            index_error=None,
        )

    @process_event.register(BotFile.MetadataUpdated)
    def _metadata_updated(self, event: BotFile.MetadataUpdated, view: View) -> None:
        view.update(
            self.files,
            {"id": event.file_id},
            mime_type=event.mime_type,
            size_bytes=event.size_bytes,
            updated_at=to_text(event.timestamp),
        )
        view.update(
            self.versions,
            {"file_id": event.file_id, "version": event.version},
            size_bytes=event.size_bytes,
        )
        view.update(self.status, {"file_id": event.file_id}, sha256=event.sha256)

    @process_event.register(BotFile.IndexingStarted)
    def _indexing_started(self, event: BotFile.IndexingStarted, view: View) -> None:
        view.update(
            self.status,
            {"file_id": event.file_id},
            index_status=IN_PROGRESS,
            index_error=None,
        )

    @process_event.register(BotFile.Indexed)
    def _indexed(self, event: BotFile.Indexed, view: View) -> None:
        self._set_indexed(view, event, 1)
        view.update(
            self.status,
            {"file_id": event.file_id},
            index_status=COMPLETED,
            indexed_version=event.version,
            index_error=None,
        )

    @process_event.register(BotFile.IndexingFailed)
    def _indexing_failed(self, event: BotFile.IndexingFailed, view: View) -> None:
        view.update(
            self.status,
            {"file_id": event.file_id},
            index_status=FAILED,
            index_error=event.error,
        )

    @process_event.register(BotFile.IndexInvalidated)
    def _index_invalidated(self, event: BotFile.IndexInvalidated, view: View) -> None:
        self._set_indexed(view, event, 0)
        view.update(
            self.status,
            {"file_id": event.file_id},
            index_status=STALE,
            index_error=None,
        )

    def _set_indexed(self, view: View, event: BotFile.FileEvent, flag: int) -> None:
        view.update(
            self.files,
            {"id": event.file_id},
            is_indexed=flag,
            updated_at=to_text(event.timestamp),
        )

    @process_event.register(BotFile.Deleted)
    def _deleted(self, event: BotFile.Deleted, view: View) -> None:
        view.flush()  # queued inserts of this file's rows go first
        view.delete(self.files, id=event.file_id)
        view.delete(self.versions, file_id=event.file_id)
        view.delete(self.status, file_id=event.file_id)

    @process_event.register(Bot.Deleted)
    def _bot_deleted(self, event: Bot.Deleted, view: View) -> None:
        files, versions = self.files, self.versions
        of_bot = select(files.c.id).where(files.c.bot_id == event.bot_id)
        view.conn.execute(delete(versions).where(versions.c.file_id.in_(of_bot)))
        view.delete(self.files, bot_id=event.bot_id)
        view.delete(self.status, bot_id=event.bot_id)
