"""The store: open one with :func:`open_store`. Everything public is here."""

from __future__ import annotations

from boternity_store.domain.errors import (
    AlreadyExists,
    BotAlreadyExists,
    BotNotFound,
    DatabaseFailure,
    DatabaseUnavailable,
    FileNotFound,
    InvalidInput,
    InvalidTransition,
    MemoryAlreadyExists,
    MemoryNotFound,
    NotAStore,
    NotFound,
    ProviderNotFound,
    ReadOnlyStore,
    StoreBusy,
    StoreError,
    StoreNotFound,
    VersionConflict,
)
from boternity_store.domain.files.models import FileVersion, StorageFile
from boternity_store.domain.files.rules import IndexStatus
from boternity_store.domain.kv.protocol import KvStore
from boternity_store.domain.memories.models import (
    AuditAction,
    MemoryAuditEntry,
    MemoryInfo,
    MemoryStatus,
)
from boternity_store.domain.models import BotInfo, KvEntry
from boternity_store.domain.providers.models import (
    ProviderHealthRow,
    ProviderPolicy,
    ProviderStatus,
)
from boternity_store.infrastructure.eventstore.writer import WriteConflict
from boternity_store.infrastructure.files.service import Files
from boternity_store.infrastructure.history import LoggedEvent
from boternity_store.infrastructure.memories.audit_log import AuditLog
from boternity_store.infrastructure.memories.service import Memories
from boternity_store.infrastructure.providers.health import ProviderHealthStore
from boternity_store.infrastructure.providers.service import Providers
from boternity_store.infrastructure.store import Store, open_store
from boternity_store.projections.engine.compare import ProjectionDifference
from boternity_store.projections.engine.operations import RebuildFailed
from boternity_store.projections.engine.status import (
    ProjectionFailure,
    ProjectionStatus,
)

__all__ = [
    "AlreadyExists",
    "AuditAction",
    "AuditLog",
    "BotAlreadyExists",
    "BotInfo",
    "BotNotFound",
    "DatabaseFailure",
    "DatabaseUnavailable",
    "FileNotFound",
    "FileVersion",
    "Files",
    "IndexStatus",
    "InvalidInput",
    "InvalidTransition",
    "KvEntry",
    "KvStore",
    "LoggedEvent",
    "Memories",
    "MemoryAlreadyExists",
    "MemoryAuditEntry",
    "MemoryInfo",
    "MemoryNotFound",
    "MemoryStatus",
    "NotAStore",
    "NotFound",
    "ProjectionDifference",
    "ProjectionFailure",
    "ProjectionStatus",
    "ProviderHealthRow",
    "ProviderHealthStore",
    "ProviderNotFound",
    "ProviderPolicy",
    "ProviderStatus",
    "Providers",
    "ReadOnlyStore",
    "RebuildFailed",
    "StorageFile",
    "Store",
    "StoreBusy",
    "StoreError",
    "StoreNotFound",
    "VersionConflict",
    "WriteConflict",
    "open_store",
]
