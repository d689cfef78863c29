"""Ids of ``bot_file_versions`` rows chosen by callers (``save_version``).

Ids the store derives itself are version-5 UUIDs of (file id, version), unique
by construction. A caller may pass exactly that derived id; any other version-5
UUID is refused, and every other id is claimed once through a
:class:`VersionIdClaim` stream, so no two rows can ever get the same id.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from eventsourcing.domain import Aggregate

from boternity_store.domain.errors import AlreadyExists, InvalidInput
from boternity_store.domain.ids import stream_id


def derived_version_id(file_id: str, version: int) -> str:
    return str(stream_id("file-version", file_id, version))


def looks_derived(version_id: str) -> bool:
    try:
        parsed = UUID(version_id)
    except ValueError:
        return False
    return parsed.version == 5 and str(parsed) == version_id


def needs_claim(version_id: str, file_id: str, version: int) -> bool:
    """False for the derived id; True for an id to claim; InvalidInput for
    a version-5 UUID that is not the derived one."""
    if version_id == derived_version_id(file_id, version):
        return False
    if looks_derived(version_id):
        raise InvalidInput(
            f"version id {version_id!r}: version-5 UUIDs are reserved for ids "
            "the store derives"
        )
    return True


class VersionIdClaim(Aggregate):
    class_version = 1

    class Claimed(Aggregate.Created):
        class_version = 1
        version_id: str
        file_id: str
        version: int
        actor: str

    def __init__(self, version_id: str, file_id: str, version: int, actor: str) -> None:
        self.version_id = version_id
        self.file_id = file_id

    @staticmethod
    def create_id(version_id: str) -> UUID:
        return stream_id("file-version-id", version_id)

    @classmethod
    def claim(
        cls,
        existing: VersionIdClaim | None,
        version_id: str,
        file_id: str,
        version: int,
        *,
        actor: str,
        at: datetime,
    ) -> VersionIdClaim:
        """Claim ``version_id`` for a new row; AlreadyExists if it was claimed."""
        if existing is not None:
            raise AlreadyExists(f"file version id {version_id!r} is already used")
        return cls._create(
            cls.Claimed,
            id=cls.create_id(version_id),
            timestamp=at,
            version_id=version_id,
            file_id=file_id,
            version=version,
            actor=actor,
        )
