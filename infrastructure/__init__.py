"""The store: open one with :func:`open_store`. Everything public is here."""

from __future__ import annotations

from typing import TYPE_CHECKING

from boternity_store.domain.lazy_exports import lazy_exports

if TYPE_CHECKING:
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
        ProjectionStopped,
        ProjectionTimeout,
        ProviderNotFound,
        ReadOnlyStore,
        ReadOnlyView,
        StoreBusy,
        StoreError,
        StoreNotFound,
        VersionConflict,
    )
    from boternity_store.domain.files.models import (
        FileVersion,
        StorageFile,
    )
    from boternity_store.domain.files.rules import (
        IndexStatus,
    )
    from boternity_store.domain.kv.protocol import (
        KvStore,
    )
    from boternity_store.domain.memories.models import (
        AuditAction,
        MemoryAuditEntry,
        MemoryInfo,
        MemoryStatus,
    )
    from boternity_store.domain.models import (
        BotInfo,
        BotLife,
        KvChange,
        KvEntry,
    )
    from boternity_store.domain.providers.models import (
        ProviderHealthRow,
        ProviderPolicy,
        ProviderStatus,
    )
    from boternity_store.infrastructure.background.follower import (
        Follower,
        RunnerReport,
    )
    from boternity_store.infrastructure.copy_store import (
        CopyResult,
        copy_store,
    )
    from boternity_store.infrastructure.eventstore.writer import (
        WriteConflict,
    )
    from boternity_store.infrastructure.files.service import (
        Files,
    )
    from boternity_store.infrastructure.history import (
        LoggedEvent,
    )
    from boternity_store.infrastructure.memories.audit_log import (
        AuditLog,
    )
    from boternity_store.infrastructure.memories.service import (
        Memories,
    )
    from boternity_store.infrastructure.providers.health import (
        ProviderHealthStore,
    )
    from boternity_store.infrastructure.providers.service import (
        Providers,
    )
    from boternity_store.infrastructure.store import (
        Store,
        open_store,
    )
    from boternity_store.infrastructure.time_travel import StoreView
    from boternity_store.projections.engine.compare import (
        ProjectionDifference,
    )
    from boternity_store.projections.engine.operations import (
        RebuildFailed,
    )
    from boternity_store.projections.engine.status import (
        ProjectionFailure,
        ProjectionStatus,
    )

# Imported on first use, so that a command that needs one part (the CLI
# printing --help, reading a key) does not pay for the others.
_EXPORTS = {
    "AlreadyExists": "boternity_store.domain.errors",
    "AuditAction": "boternity_store.domain.memories.models",
    "AuditLog": "boternity_store.infrastructure.memories.audit_log",
    "BotAlreadyExists": "boternity_store.domain.errors",
    "BotInfo": "boternity_store.domain.models",
    "KvChange": "boternity_store.domain.models",
    "BotLife": "boternity_store.domain.models",
    "BotNotFound": "boternity_store.domain.errors",
    "CopyResult": "boternity_store.infrastructure.copy_store",
    "Follower": "boternity_store.infrastructure.background.follower",
    "RunnerReport": "boternity_store.infrastructure.background.follower",
    "DatabaseFailure": "boternity_store.domain.errors",
    "DatabaseUnavailable": "boternity_store.domain.errors",
    "FileNotFound": "boternity_store.domain.errors",
    "FileVersion": "boternity_store.domain.files.models",
    "Files": "boternity_store.infrastructure.files.service",
    "IndexStatus": "boternity_store.domain.files.rules",
    "InvalidInput": "boternity_store.domain.errors",
    "InvalidTransition": "boternity_store.domain.errors",
    "KvEntry": "boternity_store.domain.models",
    "KvStore": "boternity_store.domain.kv.protocol",
    "LoggedEvent": "boternity_store.infrastructure.history",
    "Memories": "boternity_store.infrastructure.memories.service",
    "MemoryAlreadyExists": "boternity_store.domain.errors",
    "MemoryAuditEntry": "boternity_store.domain.memories.models",
    "MemoryInfo": "boternity_store.domain.memories.models",
    "MemoryNotFound": "boternity_store.domain.errors",
    "MemoryStatus": "boternity_store.domain.memories.models",
    "NotAStore": "boternity_store.domain.errors",
    "NotFound": "boternity_store.domain.errors",
    "ProjectionDifference": "boternity_store.projections.engine.compare",
    "ProjectionFailure": "boternity_store.projections.engine.status",
    "ProjectionStatus": "boternity_store.projections.engine.status",
    "ProviderHealthRow": "boternity_store.domain.providers.models",
    "ProviderHealthStore": "boternity_store.infrastructure.providers.health",
    "ProjectionStopped": "boternity_store.domain.errors",
    "ProjectionTimeout": "boternity_store.domain.errors",
    "ProviderNotFound": "boternity_store.domain.errors",
    "ProviderPolicy": "boternity_store.domain.providers.models",
    "ProviderStatus": "boternity_store.domain.providers.models",
    "Providers": "boternity_store.infrastructure.providers.service",
    "ReadOnlyStore": "boternity_store.domain.errors",
    "ReadOnlyView": "boternity_store.domain.errors",
    "StoreView": "boternity_store.infrastructure.time_travel",
    "RebuildFailed": "boternity_store.projections.engine.operations",
    "StorageFile": "boternity_store.domain.files.models",
    "Store": "boternity_store.infrastructure.store",
    "StoreBusy": "boternity_store.domain.errors",
    "StoreError": "boternity_store.domain.errors",
    "StoreNotFound": "boternity_store.domain.errors",
    "VersionConflict": "boternity_store.domain.errors",
    "WriteConflict": "boternity_store.infrastructure.eventstore.writer",
    "copy_store": "boternity_store.infrastructure.copy_store",
    "open_store": "boternity_store.infrastructure.store",
}
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
__all__ = [
    "AlreadyExists",
    "AuditAction",
    "AuditLog",
    "BotAlreadyExists",
    "BotInfo",
    "BotLife",
    "BotNotFound",
    "CopyResult",
    "DatabaseFailure",
    "DatabaseUnavailable",
    "FileNotFound",
    "FileVersion",
    "Files",
    "Follower",
    "IndexStatus",
    "InvalidInput",
    "InvalidTransition",
    "KvChange",
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
    "ProjectionStopped",
    "ProjectionTimeout",
    "ProviderHealthRow",
    "ProviderHealthStore",
    "ProviderNotFound",
    "ProviderPolicy",
    "ProviderStatus",
    "Providers",
    "ReadOnlyStore",
    "ReadOnlyView",
    "RebuildFailed",
    "RunnerReport",
    "StorageFile",
    "Store",
    "StoreBusy",
    "StoreError",
    "StoreNotFound",
    "StoreView",
    "VersionConflict",
    "WriteConflict",
    "copy_store",
    "open_store",
]
