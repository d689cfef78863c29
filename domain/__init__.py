"""Pure domain: aggregates, events, rules and public models. No I/O."""

from __future__ import annotations

from typing import TYPE_CHECKING

from boternity_store.domain.lazy_exports import lazy_exports

if TYPE_CHECKING:
    from boternity_store.domain.bots.bot import (
        Bot,
    )
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
        ProjectionStopped,
        ProjectionTimeout,
        ProviderNotFound,
        StoreError,
        VersionConflict,
    )
    from boternity_store.domain.files.bot_file import (
        BotFile,
    )
    from boternity_store.domain.files.models import (
        FileVersion,
        StorageFile,
    )
    from boternity_store.domain.files.names import (
        FileName,
    )
    from boternity_store.domain.files.version_ids import (
        VersionIdClaim,
    )
    from boternity_store.domain.kv.key import (
        KvKey,
    )
    from boternity_store.domain.kv.protocol import (
        KvStore,
    )
    from boternity_store.domain.memories.audit_entry import (
        AuditEntry,
    )
    from boternity_store.domain.memories.memory import (
        Memory,
    )
    from boternity_store.domain.memories.models import (
        MemoryAuditEntry,
        MemoryInfo,
    )
    from boternity_store.domain.models import (
        BotInfo,
        KvEntry,
    )
    from boternity_store.domain.providers.breaker import (
        BreakerPolicy,
        CircuitState,
    )
    from boternity_store.domain.providers.models import (
        ProviderHealthRow,
        ProviderPolicy,
        ProviderStatus,
    )
    from boternity_store.domain.providers.provider import (
        Provider,
    )
    from boternity_store.domain.topics import (
        register_moved_topics,
    )

# Imported on first use, so that a command that needs one part (the CLI
# printing --help, reading a key) does not pay for the others.
_EXPORTS = {
    "AlreadyExists": "boternity_store.domain.errors",
    "AuditEntry": "boternity_store.domain.memories.audit_entry",
    "Bot": "boternity_store.domain.bots.bot",
    "BotAlreadyExists": "boternity_store.domain.errors",
    "BotFile": "boternity_store.domain.files.bot_file",
    "BotInfo": "boternity_store.domain.models",
    "BotNotFound": "boternity_store.domain.errors",
    "BreakerPolicy": "boternity_store.domain.providers.breaker",
    "CircuitState": "boternity_store.domain.providers.breaker",
    "FileName": "boternity_store.domain.files.names",
    "FileNotFound": "boternity_store.domain.errors",
    "FileVersion": "boternity_store.domain.files.models",
    "InvalidInput": "boternity_store.domain.errors",
    "InvalidTransition": "boternity_store.domain.errors",
    "KvEntry": "boternity_store.domain.models",
    "KvKey": "boternity_store.domain.kv.key",
    "KvStore": "boternity_store.domain.kv.protocol",
    "Memory": "boternity_store.domain.memories.memory",
    "MemoryAlreadyExists": "boternity_store.domain.errors",
    "MemoryAuditEntry": "boternity_store.domain.memories.models",
    "MemoryInfo": "boternity_store.domain.memories.models",
    "MemoryNotFound": "boternity_store.domain.errors",
    "NotFound": "boternity_store.domain.errors",
    "Provider": "boternity_store.domain.providers.provider",
    "ProviderHealthRow": "boternity_store.domain.providers.models",
    "ProjectionStopped": "boternity_store.domain.errors",
    "ProjectionTimeout": "boternity_store.domain.errors",
    "ProviderNotFound": "boternity_store.domain.errors",
    "ProviderPolicy": "boternity_store.domain.providers.models",
    "ProviderStatus": "boternity_store.domain.providers.models",
    "StorageFile": "boternity_store.domain.files.models",
    "StoreError": "boternity_store.domain.errors",
    "VersionConflict": "boternity_store.domain.errors",
    "VersionIdClaim": "boternity_store.domain.files.version_ids",
    "register_moved_topics": "boternity_store.domain.topics",
}
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
__all__ = [
    "AlreadyExists",
    "AuditEntry",
    "Bot",
    "BotAlreadyExists",
    "BotFile",
    "BotInfo",
    "BotNotFound",
    "BreakerPolicy",
    "CircuitState",
    "FileName",
    "FileNotFound",
    "FileVersion",
    "InvalidInput",
    "InvalidTransition",
    "KvEntry",
    "KvKey",
    "KvStore",
    "Memory",
    "MemoryAlreadyExists",
    "MemoryAuditEntry",
    "MemoryInfo",
    "MemoryNotFound",
    "NotFound",
    "ProjectionStopped",
    "ProjectionTimeout",
    "Provider",
    "ProviderHealthRow",
    "ProviderNotFound",
    "ProviderPolicy",
    "ProviderStatus",
    "StorageFile",
    "StoreError",
    "VersionConflict",
    "VersionIdClaim",
    "register_moved_topics",
]
