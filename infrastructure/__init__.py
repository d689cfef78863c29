"""The store: open one with :func:`open_store`. Everything public is here."""

from __future__ import annotations

from boternity_store.domain.errors import (
    AlreadyExists,
    BotAlreadyExists,
    BotNotFound,
    FileNotFound,
    InvalidInput,
    InvalidTransition,
    MemoryAlreadyExists,
    MemoryNotFound,
    NotFound,
    ProviderNotFound,
    ReadOnlyStore,
    StoreError,
    StoreNotFound,
    VersionConflict,
)
from boternity_store.domain.file_models import FileVersion, StorageFile
from boternity_store.domain.file_rules import IndexStatus
from boternity_store.domain.kv_protocol import KvStore
from boternity_store.domain.memory_models import (
    AuditAction,
    MemoryAuditEntry,
    MemoryInfo,
    MemoryStatus,
)
from boternity_store.domain.models import BotInfo, KvEntry
from boternity_store.domain.provider_models import (
    ProviderHealthRow,
    ProviderPolicy,
    ProviderStatus,
)
from boternity_store.infrastructure.audit_api import AuditLog
from boternity_store.infrastructure.files_api import Files
from boternity_store.infrastructure.history import LoggedEvent
from boternity_store.infrastructure.memories_api import Memories
from boternity_store.infrastructure.provider_health_api import ProviderHealthStore
from boternity_store.infrastructure.providers_api import Providers
from boternity_store.infrastructure.store import Store, open_store
from boternity_store.infrastructure.writer import WriteConflict
from boternity_store.projections.compare import ProjectionDifference
from boternity_store.projections.operations import RebuildFailed
from boternity_store.projections.status import ProjectionFailure, ProjectionStatus

__all__ = [
    "AlreadyExists",
    "AuditAction",
    "AuditLog",
    "BotAlreadyExists",
    "BotInfo",
    "BotNotFound",
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
    "StoreError",
    "StoreNotFound",
    "VersionConflict",
    "WriteConflict",
    "open_store",
]
