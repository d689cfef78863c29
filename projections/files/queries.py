"""Reads of the file metadata tables, returning public models."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import select, type_coerce

from boternity_store.domain.files.models import FileVersion, StorageFile, storage_file
from boternity_store.domain.files.rules import NEEDING_INDEX
from boternity_store.projections.engine.timestamps import MomentText, from_text

if TYPE_CHECKING:
    from sqlalchemy import Engine, Select

    from boternity_store.projections.files.projection import FilesProjection


class FileQueries:
    def __init__(self, engine: Engine, projection: FilesProjection) -> None:
        self.engine = engine
        self.files = projection.files
        self.versions = projection.versions
        self.status = projection.status

    def get(self, bot_id: str, filename: str) -> StorageFile | None:
        f = self.files
        return self._one(
            self._select().where(f.c.bot_id == bot_id, f.c.filename == filename)
        )

    def get_by_id(self, file_id: str) -> StorageFile | None:
        return self._one(self._select().where(self.files.c.id == file_id))

    def of_bot(self, bot_id: str) -> list[StorageFile]:
        f = self.files
        return self._all(
            self._select().where(f.c.bot_id == bot_id).order_by(f.c.filename)
        )

    def needing_index(self, bot_id: str | None) -> list[StorageFile]:
        f, s = self.files, self.status
        query = self._select().where(s.c.index_status.in_(NEEDING_INDEX))
        if bot_id is not None:
            query = query.where(f.c.bot_id == bot_id)
        return self._all(query.order_by(f.c.bot_id, f.c.filename))

    def versions_of(self, file_id: str) -> list[FileVersion]:
        v = self.versions
        query = select(v).where(v.c.file_id == file_id).order_by(v.c.version.desc())
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
        return [
            FileVersion(
                id=r.id,
                file_id=r.file_id,
                version=r.version,
                size_bytes=r.size_bytes,
                created_at=from_text(r.created_at),
            )
            for r in rows
        ]

    def _select(self) -> Select[Any]:
        # Rows under the names of FileFacts, read by the one StorageFile mapper.
        f, s = self.files, self.status
        return select(
            f.c.id.label("file_id"),
            f.c.bot_id,
            f.c.filename,
            f.c.mime_type,
            f.c.size_bytes,
            f.c.version.label("file_version"),
            f.c.is_indexed,
            type_coerce(f.c.created_at, MomentText).label("created_at"),
            type_coerce(f.c.updated_at, MomentText).label("updated_at"),
            s.c.sha256,
            s.c.index_status,
            s.c.indexed_version,
            s.c.index_error,
        ).join(s, s.c.file_id == f.c.id)

    def _one(self, query: Select[Any]) -> StorageFile | None:
        with self.engine.connect() as conn:
            row = conn.execute(query).one_or_none()
        return None if row is None else storage_file(row)

    def _all(self, query: Select[Any]) -> list[StorageFile]:
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
        return [storage_file(row) for row in rows]
