"""The model's file metadata: each live bot's files by name, their versions and
indexing status (pending -> in_progress -> completed | failed; a new version
makes a file stale)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING
from uuid import uuid4

from boternity_store.domain.errors import FileNotFound, InvalidTransition
from boternity_store.domain.files.models import FileVersion, StorageFile
from boternity_store.domain.files.rules import (
    DEFAULT_MIME_TYPE,
    NEEDING_INDEX,
    check_error_text,
    check_filename,
    check_mime_type,
    check_sha256,
    check_size,
    check_version_number,
)
from boternity_store.domain.files.version_ids import derived_version_id
from boternity_store.domain.validation import check_actor, check_identifier

if TYPE_CHECKING:
    from collections.abc import Callable

    from boternity_store.testing.model.store import ModelStore

INDEXER = "indexer"


@dataclass
class ModelFile:
    file: StorageFile
    incarnation: int
    versions: list[FileVersion] = field(default_factory=list)  # oldest first


@dataclass
class FileState:
    by_id: dict[str, ModelFile] = field(default_factory=dict)  # live files only
    names: dict[tuple[str, str], str] = field(default_factory=dict)  # -> file id


class ModelFiles:
    """``store.files`` without a database (the seed-compatible calls aside)."""

    def __init__(self, store: ModelStore) -> None:
        self._store = store

    @property
    def _state(self) -> FileState:
        return self._store.state.files

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
        check_identifier(bot_id, "bot_id")
        check_filename(filename)
        size, mime = check_size(size_bytes), check_mime_type(mime_type)
        digest = check_sha256(sha256)
        check_actor(actor)
        incarnation = self._store.state.bots.check_live(bot_id)
        now = self._store.now()
        file_id = self._state.names.get((bot_id, filename))
        if file_id is None:
            file_id = str(uuid4())
            file = StorageFile(
                id=file_id,
                bot_id=bot_id,
                filename=filename,
                mime_type=mime,
                size_bytes=size,
                created_at=now,
                updated_at=now,
                sha256=digest,
            )
            self._state.names[(bot_id, filename)] = file_id
            self._state.by_id[file_id] = ModelFile(file, incarnation)
            self._add_version(file_id, 1, size, now)
            return file
        known = self._state.by_id[file_id]
        if digest is not None and digest == known.file.sha256:
            return known.file
        version = known.file.version + 1
        self._add_version(file_id, version, size, now)
        return self._update(
            known,
            version=version,
            mime_type=mime,
            size_bytes=size,
            sha256=digest,
            index_status="stale",
            index_error=None,
            is_indexed=False,
            updated_at=now,
        )

    def delete_file(self, bot_id: str, filename: str, *, actor: str = "system") -> bool:
        check_identifier(bot_id, "bot_id")
        check_filename(filename)
        check_actor(actor)
        self._store.state.bots.check_live(bot_id)
        file_id = self._state.names.pop((bot_id, filename), None)
        if file_id is None:
            return False
        del self._state.by_id[file_id]
        return True

    def mark_indexing(self, file_id: str, *, actor: str = INDEXER) -> StorageFile:
        def change(known: ModelFile, now: datetime) -> StorageFile:
            self._check_status(known, ("pending", "stale", "failed"), "start indexing")
            return self._update(known, index_status="in_progress", index_error=None)

        return self._change(file_id, actor, change)

    def mark_indexed(
        self, file_id: str, *, version: int, actor: str = INDEXER
    ) -> StorageFile:
        check_version_number(version)

        def change(known: ModelFile, now: datetime) -> StorageFile:
            if version != known.file.version:
                raise InvalidTransition(
                    f"file {file_id!r}: version {version} is not the current "
                    f"version {known.file.version}"
                )
            allowed = ("pending", "stale", "in_progress")
            self._check_status(known, allowed, "mark indexed")
            return self._update(
                known,
                index_status="completed",
                index_error=None,
                is_indexed=True,
                indexed_version=version,
                updated_at=now,
            )

        return self._change(file_id, actor, change)

    def mark_index_failed(
        self, file_id: str, *, error: str, actor: str = INDEXER
    ) -> StorageFile:
        text = check_error_text(error)

        def change(known: ModelFile, now: datetime) -> StorageFile:
            allowed = ("pending", "stale", "in_progress")
            self._check_status(known, allowed, "mark failed")
            return self._update(
                known, index_status="failed", index_error=text, is_indexed=False
            )

        return self._change(file_id, actor, change)

    def get_file(self, bot_id: str, filename: str) -> StorageFile | None:
        check_identifier(bot_id, "bot_id")
        file_id = self._state.names.get((bot_id, check_filename(filename)))
        return None if file_id is None else self._state.by_id[file_id].file

    def get_file_by_id(self, file_id: str) -> StorageFile | None:
        known = self._state.by_id.get(check_identifier(file_id, "file_id"))
        return None if known is None else known.file

    def list_files(self, bot_id: str) -> list[StorageFile]:
        check_identifier(bot_id, "bot_id")
        files = [k.file for k in self._state.by_id.values() if k.file.bot_id == bot_id]
        return sorted(files, key=lambda f: f.filename)

    def get_versions(self, file_id: str) -> list[FileVersion]:
        known = self._state.by_id.get(check_identifier(file_id, "file_id"))
        return [] if known is None else known.versions[::-1]

    def needing_index(self, bot_id: str | None = None) -> list[StorageFile]:
        if bot_id is not None:
            check_identifier(bot_id, "bot_id")
        files = [
            k.file
            for k in self._state.by_id.values()
            if k.file.index_status in NEEDING_INDEX and bot_id in (None, k.file.bot_id)
        ]
        return sorted(files, key=lambda f: (f.bot_id, f.filename))

    def _change(
        self,
        file_id: str,
        actor: str,
        change: Callable[[ModelFile, datetime], StorageFile],
    ) -> StorageFile:
        check_identifier(file_id, "file_id")
        check_actor(actor)
        known = self._state.by_id.get(file_id)
        if known is None:
            raise FileNotFound(f"file {file_id!r} not found")
        return change(known, self._store.now())

    def _check_status(
        self, known: ModelFile, allowed: tuple[str, ...], action: str
    ) -> None:
        if known.file.index_status not in allowed:
            raise InvalidTransition(
                f"cannot {action} file {known.file.id!r}: indexing status is "
                f"{known.file.index_status!r}"
            )

    def _add_version(self, file_id: str, version: int, size: int, at: datetime) -> None:
        self._state.by_id[file_id].versions.append(
            FileVersion(
                id=derived_version_id(file_id, version),
                file_id=file_id,
                version=version,
                size_bytes=size,
                created_at=at,
            )
        )

    def _update(self, known: ModelFile, **changes: object) -> StorageFile:
        known.file = known.file.model_copy(update=changes)
        return known.file


def forget_files_of(state: FileState, bot_id: str) -> None:
    """A deleted bot's files leave every answer (their events stay)."""
    for (owner, name), file_id in list(state.names.items()):
        if owner == bot_id:
            del state.names[(owner, name)]
            del state.by_id[file_id]
