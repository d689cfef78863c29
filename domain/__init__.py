"""Pure domain: aggregates, events, rules and public models. No I/O."""

from __future__ import annotations

from .audit_entry import AuditEntry
from .bot import Bot
from .breaker import BreakerPolicy, CircuitState
from .errors import (
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
from .file_models import FileVersion, StorageFile
from .file_names import FileName
from .file_version_ids import VersionIdClaim
from .files import BotFile
from .kv import KvKey
from .kv_protocol import KvStore
from .memory import Memory
from .memory_models import MemoryAuditEntry, MemoryInfo
from .models import BotInfo, KvEntry
from .provider import Provider
from .provider_models import ProviderHealthRow, ProviderPolicy, ProviderStatus

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
