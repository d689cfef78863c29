"""Pure domain: aggregates, events, rules and public models. No I/O."""

from __future__ import annotations

from boternity_store.domain.audit_entry import AuditEntry
from boternity_store.domain.bot import Bot
from boternity_store.domain.breaker import BreakerPolicy, CircuitState
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
    StoreError,
    VersionConflict,
)
from boternity_store.domain.file_models import FileVersion, StorageFile
from boternity_store.domain.file_names import FileName
from boternity_store.domain.file_version_ids import VersionIdClaim
from boternity_store.domain.files import BotFile
from boternity_store.domain.kv import KvKey
from boternity_store.domain.kv_protocol import KvStore
from boternity_store.domain.memory import Memory
from boternity_store.domain.memory_models import MemoryAuditEntry, MemoryInfo
from boternity_store.domain.models import BotInfo, KvEntry
from boternity_store.domain.provider import Provider
from boternity_store.domain.provider_models import (
    ProviderHealthRow,
    ProviderPolicy,
    ProviderStatus,
)

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
    "Provider",
    "ProviderHealthRow",
    "ProviderNotFound",
    "ProviderPolicy",
    "ProviderStatus",
    "StorageFile",
    "StoreError",
    "VersionConflict",
    "VersionIdClaim",
]
