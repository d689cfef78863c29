"""The BotFile aggregate: one stream per file life (a new id after each delete).

It holds the file's current version and metadata, the size of every version,
and the indexing status (see :mod:`.file_rules`). Ids of ``bot_file_versions``
rows are decided here and recorded in the events.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate

from boternity_store.domain.errors import FileNotFound, InvalidTransition
from boternity_store.domain.files.rules import (
    COMPLETED,
    FAILED,
    IN_PROGRESS,
    PENDING,
    STALE,
    IndexStatus,
    can_mark_failed,
    can_mark_indexed,
    can_start_indexing,
)
from boternity_store.domain.files.version_ids import derived_version_id
from boternity_store.domain.ids import stream_id


class BotFile(Aggregate):
    class_version = 1

    class Created(Aggregate.Created):
        class_version = 1
        file_id: str
        bot_id: str
        incarnation: int
        filename: str
        mime_type: str
        size_bytes: int
        sha256: str | None
        version_id: str
        actor: str

    class FileEvent(Aggregate.Event):
        class_version = 1
        file_id: str
        bot_id: str
        version: int
        actor: str

    class VersionAdded(FileEvent):
        class_version = 1
        mime_type: str
        size_bytes: int
        sha256: str | None
        version_id: str

        def apply(self, aggregate: Any) -> None:
            aggregate.file_version = self.version
            aggregate.version_sizes.append(self.size_bytes)
            aggregate.set_metadata(self.mime_type, self.size_bytes, self.sha256)
            aggregate.set_status(STALE, None, self.timestamp)

    class MetadataUpdated(FileEvent):
        class_version = 1
        mime_type: str
        size_bytes: int
        sha256: str | None

        def apply(self, aggregate: Any) -> None:
            aggregate.version_sizes[-1] = self.size_bytes
            aggregate.set_metadata(self.mime_type, self.size_bytes, self.sha256)
            aggregate.updated_at = self.timestamp

    class IndexingStarted(FileEvent):
        class_version = 1

        def apply(self, aggregate: Any) -> None:
            aggregate.set_status(IN_PROGRESS, None)

    class Indexed(FileEvent):
        class_version = 1

        def apply(self, aggregate: Any) -> None:
            aggregate.indexed_version = self.version
            aggregate.set_status(COMPLETED, None, self.timestamp)

    class IndexingFailed(FileEvent):
        class_version = 1
        error: str

        def apply(self, aggregate: Any) -> None:
            aggregate.set_status(FAILED, self.error)

    class IndexInvalidated(FileEvent):
        class_version = 1

        def apply(self, aggregate: Any) -> None:
            aggregate.set_status(STALE, None, self.timestamp)

    class Deleted(FileEvent):
        class_version = 1
        filename: str

        def apply(self, aggregate: Any) -> None:
            aggregate.deleted = True

    def __init__(
        self,
        file_id: str,
        bot_id: str,
        incarnation: int,
        filename: str,
        mime_type: str,
        size_bytes: int,
        sha256: str | None,
        version_id: str,
        actor: str,
    ) -> None:
        self.file_id = file_id
        self.bot_id = bot_id
        self.incarnation = incarnation
        self.filename = filename
        self.mime_type = mime_type
        self.size_bytes = size_bytes
        self.sha256 = sha256
        self.file_version = 1
        self.version_sizes = [size_bytes]
        self.index_status: IndexStatus = PENDING
        self.indexed_version: int | None = None
        self.index_error: str | None = None
        self.deleted = False
        self.created_at: datetime = self.created_on
        self.updated_at: datetime = self.created_on

    def set_metadata(self, mime_type: str, size_bytes: int, sha256: str | None) -> None:
        self.mime_type, self.size_bytes, self.sha256 = mime_type, size_bytes, sha256

    def set_status(
        self, status: IndexStatus, error: str | None, updated_at: datetime | None = None
    ) -> None:
        self.index_status, self.index_error = status, error
        if updated_at is not None:
            self.updated_at = updated_at

    @staticmethod
    def create_id(file_id: str) -> UUID:
        return stream_id("file", file_id)

    @property
    def is_indexed(self) -> bool:
        return self.index_status == COMPLETED

    @classmethod
    def create(
        cls,
        file_id: str,
        bot_id: str,
        incarnation: int,
        filename: str,
        *,
        mime_type: str,
        size_bytes: int,
        sha256: str | None,
        actor: str,
        at: datetime,
    ) -> BotFile:
        return cls._create(
            cls.Created,
            id=cls.create_id(file_id),
            timestamp=at,
            file_id=file_id,
            bot_id=bot_id,
            incarnation=incarnation,
            filename=filename,
            mime_type=mime_type,
            size_bytes=size_bytes,
            sha256=sha256,
            version_id=derived_version_id(file_id, 1),
            actor=actor,
        )

    def check_live(self) -> None:
        if self.deleted:
            raise FileNotFound(f"file {self.file_id!r} is deleted")

    def has_version(self, version: int, size_bytes: int) -> bool:
        return (
            1 <= version <= self.file_version
            and self.version_sizes[version - 1] == size_bytes
        )

    def add_version(
        self,
        *,
        mime_type: str,
        size_bytes: int,
        sha256: str | None,
        actor: str,
        at: datetime,
        version_id: str | None = None,
    ) -> None:
        self.check_live()
        version = self.file_version + 1
        self._record(
            self.VersionAdded,
            actor,
            at,
            version=version,
            mime_type=mime_type,
            size_bytes=size_bytes,
            sha256=sha256,
            version_id=version_id or derived_version_id(self.file_id, version),
        )

    def update_metadata(
        self,
        *,
        mime_type: str,
        size_bytes: int,
        sha256: str | None,
        actor: str,
        at: datetime,
    ) -> None:
        self.check_live()
        self._record(
            self.MetadataUpdated,
            actor,
            at,
            mime_type=mime_type,
            size_bytes=size_bytes,
            sha256=sha256,
        )

    def start_indexing(self, *, actor: str, at: datetime) -> None:
        self._check_status(can_start_indexing(self.index_status), "start indexing")
        self._record(self.IndexingStarted, actor, at)

    def mark_indexed(self, *, version: int, actor: str, at: datetime) -> None:
        self.check_live()
        if version != self.file_version:
            raise InvalidTransition(
                f"file {self.file_id!r}: version {version} is not the current "
                f"version {self.file_version}"
            )
        self._check_status(can_mark_indexed(self.index_status), "mark indexed")
        self._record(self.Indexed, actor, at)

    def mark_failed(self, *, error: str, actor: str, at: datetime) -> None:
        self._check_status(can_mark_failed(self.index_status), "mark failed")
        self._record(self.IndexingFailed, actor, at, error=error)

    def invalidate_index(self, *, actor: str, at: datetime) -> None:
        self._check_status(self.is_indexed, "invalidate the index of")
        self._record(self.IndexInvalidated, actor, at)

    def delete(self, *, actor: str, at: datetime) -> None:
        self.check_live()
        self._record(self.Deleted, actor, at, filename=self.filename)

    def _check_status(self, allowed: bool, action: str) -> None:
        self.check_live()
        if not allowed:
            raise InvalidTransition(
                f"cannot {action} file {self.file_id!r}: indexing status is "
                f"{self.index_status!r}"
            )

    def _record(
        self,
        event_class: type[BotFile.FileEvent],
        actor: str,
        at: datetime,
        *,
        version: int | None = None,
        **fields: Any,
    ) -> None:
        self.trigger_event(
            event_class,
            timestamp=at,
            file_id=self.file_id,
            bot_id=self.bot_id,
            version=self.file_version if version is None else version,
            actor=actor,
            **fields,
        )
