"""Pure domain: aggregates, events, rules and public models. No I/O."""

from __future__ import annotations

from boternity_store.domain.bots.bot import Bot
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
from boternity_store.domain.files.bot_file import BotFile
from boternity_store.domain.files.models import FileVersion, StorageFile
from boternity_store.domain.files.names import FileName
from boternity_store.domain.files.version_ids import VersionIdClaim
from boternity_store.domain.kv.key import KvKey
from boternity_store.domain.kv.protocol import KvStore
from boternity_store.domain.memories.audit_entry import AuditEntry
from boternity_store.domain.memories.memory import Memory
from boternity_store.domain.memories.models import MemoryAuditEntry, MemoryInfo
from boternity_store.domain.models import BotInfo, KvEntry
from boternity_store.domain.providers.breaker import BreakerPolicy, CircuitState
from boternity_store.domain.providers.models import (
    ProviderHealthRow,
    ProviderPolicy,
    ProviderStatus,
)
from boternity_store.domain.providers.provider import Provider
from boternity_store.domain.topics import register_moved_topics

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
    "register_moved_topics",
]
