"""The store: open one with :func:`open_store`. Everything public is here."""

from __future__ import annotations

from boternity_store.domain.errors import (
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
from boternity_store.domain.kv_protocol import KvStore
from boternity_store.domain.models import BotInfo, KvEntry

from .history import LoggedEvent
from .store import Store, open_store
from .writer import WriteConflict

__all__ = [
    "AlreadyExists",
    "BotAlreadyExists",
    "BotInfo",
    "BotNotFound",
    "FileNotFound",
    "InvalidInput",
    "InvalidTransition",
    "KvEntry",
    "KvStore",
    "LoggedEvent",
    "MemoryNotFound",
    "NotFound",
    "Store",
    "StoreError",
    "VersionConflict",
    "WriteConflict",
    "open_store",
]
