"""Pure domain: aggregates, events, rules and public models. No I/O."""

from __future__ import annotations

from .bot import Bot
from .errors import (
    AlreadyExists,
    BotAlreadyExists,
    BotNotFound,
    FileNotFound,
    InvalidInput,
    InvalidTransition,
    MemoryNotFound,
    NotFound,
    StoreError,
    VersionConflict,
)
from .kv import KvKey
from .kv_protocol import KvStore
from .models import BotInfo, KvEntry

__all__ = [
    "AlreadyExists",
    "Bot",
    "BotAlreadyExists",
    "BotInfo",
    "BotNotFound",
    "FileNotFound",
    "InvalidInput",
    "InvalidTransition",
    "KvEntry",
    "KvKey",
    "KvStore",
    "MemoryNotFound",
    "NotFound",
    "StoreError",
    "VersionConflict",
]
