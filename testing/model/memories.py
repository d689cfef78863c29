"""The model's memories and their audit log: every accepted command is one
audit row; a deleted bot's rows and memories leave the answers."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any
from uuid import uuid4

from boternity_store.domain.errors import (
    AlreadyExists,
    InvalidInput,
    InvalidTransition,
    MemoryAlreadyExists,
    MemoryNotFound,
)
from boternity_store.domain.memories.models import (
    AuditAction,
    MemoryAuditEntry,
    MemoryInfo,
)
from boternity_store.domain.memories.rules import check_merge_sources
from boternity_store.domain.validation import (
    check_actor,
    check_identifier,
    check_int,
    decode_json_value,
    encode_json_value,
)

if TYPE_CHECKING:
    from boternity_store.testing.model.store import ModelStore


@dataclass
class MemoryLife:
    """A memory id as added by one life of its owner bot."""

    owner: str
    incarnation: int
    created_at: datetime
    updated_at: datetime
    status: str = "active"
    merged_into: str | None = None
    shares: dict[str, int] = field(default_factory=dict)  # bot id -> its life


@dataclass
class MemoryState:
    memories: dict[str, MemoryLife] = field(default_factory=dict)
    rows: list[MemoryAuditEntry] = field(default_factory=list)  # visible, in order
    logged: dict[str, MemoryAuditEntry] = field(default_factory=dict)  # audit.log


class ModelMemories:
    """``store.memories`` without a database."""

    def __init__(self, store: ModelStore) -> None:
        self._store = store

    @property
    def _state(self) -> MemoryState:
        return self._store.state.memories

    def add(
        self, bot_id: str, memory_id: str, *, actor: str, details: Any = None
    ) -> MemoryAuditEntry:
        return self.perform(_entry(bot_id, memory_id, "add", actor, details))

    def delete(
        self, bot_id: str, memory_id: str, *, actor: str, reason: str | None = None
    ) -> MemoryAuditEntry:
        if reason is not None and not isinstance(reason, str):
            raise InvalidInput("reason must be a string or None")
        details = None if reason is None else {"reason": reason}
        return self.perform(_entry(bot_id, memory_id, "delete", actor, details))

    def share(
        self, bot_id: str, memory_id: str, *, with_bot_id: str, actor: str
    ) -> MemoryAuditEntry:
        check_identifier(with_bot_id, "with_bot_id")
        details = {"with_bot_id": with_bot_id}
        return self.perform(_entry(bot_id, memory_id, "share", actor, details))

    def revoke(
        self, bot_id: str, memory_id: str, *, from_bot_id: str, actor: str
    ) -> MemoryAuditEntry:
        check_identifier(from_bot_id, "from_bot_id")
        details = {"from_bot_id": from_bot_id}
        return self.perform(_entry(bot_id, memory_id, "revoke", actor, details))

    def merge(
        self, bot_id: str, memory_id: str, *, source_ids: Sequence[str], actor: str
    ) -> MemoryAuditEntry:
        _check_names(bot_id, memory_id, actor)
        sources = _check_sources(memory_id, source_ids)
        details = {"source_ids": list(sources)}
        return self.perform(_entry(bot_id, memory_id, "merge", actor, details))

    def get(self, memory_id: str) -> MemoryInfo | None:
        check_identifier(memory_id, "memory_id")
        life = self._state.memories.get(memory_id)
        if life is None or not self._alive(life):
            return None
        return MemoryInfo(
            memory_id=memory_id,
            bot_id=life.owner,
            status=life.status,
            merged_into=life.merged_into,
            shared_with=sorted(b for b in life.shares if self._shared(life, b)),
            created_at=life.created_at,
            updated_at=life.updated_at,
        )

    # The rules, in the order the store checks them.

    def perform(self, entry: MemoryAuditEntry) -> MemoryAuditEntry:
        """Check ``entry`` as the store would, then record it (its time: now)."""
        _check_names(entry.bot_id, entry.memory_id, entry.actor)
        encode_json_value(entry.details, what="details")
        self._store.state.bots.check_live(entry.bot_id)
        self._check_allowed(entry)
        now = self._store.now()
        entry = entry.model_copy(update={"created_at": now})
        self._apply(entry, now)
        self._state.rows.append(entry)
        return entry

    def _check_allowed(self, entry: MemoryAuditEntry) -> None:
        bot, memory, details = entry.bot_id, entry.memory_id, _details_of(entry)
        life = self._state.memories.get(memory)
        if entry.action == "add":
            if life is not None and self._alive(life):
                raise MemoryAlreadyExists(memory)
            return
        if life is None or not self._usable(memory, bot):
            raise MemoryNotFound(memory)
        if entry.action == "merge":
            for source in details["source_ids"]:
                if not self._usable(source, bot):
                    raise MemoryNotFound(source)
        elif entry.action == "share":
            other = details["with_bot_id"]
            live = other in self._store.state.bots.live and other != bot
            if not live or self._shared(life, other):
                raise InvalidTransition(f"cannot share {memory!r} with {other!r}")
        elif entry.action == "revoke":
            other = details["from_bot_id"]
            if not self._shared(life, other):
                raise InvalidTransition(f"{memory!r} is not shared with {other!r}")

    def _apply(self, entry: MemoryAuditEntry, now: datetime) -> None:
        bots, memory = self._store.state.bots, entry.memory_id
        details = _details_of(entry)
        if entry.action == "add":
            owner = entry.bot_id
            life = MemoryLife(owner, bots.incarnations[owner], now, now)
            self._state.memories[memory] = life
            return
        life = self._state.memories[memory]
        life.updated_at = now
        if entry.action == "delete":
            life.status, life.shares = "deleted", {}
        elif entry.action == "share":
            other = details["with_bot_id"]
            life.shares[other] = bots.incarnations[other]
        elif entry.action == "revoke":
            del life.shares[details["from_bot_id"]]
        else:
            for source in details["source_ids"]:
                merged = self._state.memories[source]
                merged.status, merged.merged_into, merged.shares = "merged", memory, {}
                merged.updated_at = now

    def _alive(self, life: MemoryLife) -> bool:
        return self._store.state.bots.is_live(life.owner, life.incarnation)

    def _usable(self, memory: str, bot: str) -> bool:
        life = self._state.memories.get(memory)
        return (
            life is not None
            and self._alive(life)
            and life.owner == bot
            and life.status == "active"
        )

    def _shared(self, life: MemoryLife, other: str) -> bool:
        bots = self._store.state.bots
        return other in bots.live and life.shares.get(other) == bots.incarnations[other]


class ModelAuditLog:
    """``store.audit`` without a database."""

    def __init__(self, store: ModelStore) -> None:
        self._store = store

    @property
    def _state(self) -> MemoryState:
        return self._store.state.memories

    def log(self, entry: MemoryAuditEntry) -> MemoryAuditEntry:
        if not isinstance(entry, MemoryAuditEntry):
            raise InvalidInput("entry must be a MemoryAuditEntry")
        check_identifier(entry.id, "id")
        _check_names(entry.bot_id, entry.memory_id, entry.actor)
        details = _canonical(entry.details)
        if entry.action in ("share", "revoke", "merge"):
            key = {"share": "with_bot_id", "revoke": "from_bot_id"}.get(
                entry.action, "source_ids"
            )
            if not isinstance(details, dict) or key not in details:
                raise InvalidInput(
                    f"a {entry.action} entry's details must hold {key!r}"
                )
            if key == "source_ids":
                _check_sources(entry.memory_id, details[key])
            else:
                check_identifier(details[key], key)
        entry = entry.model_copy(update={"details": details})
        first = self._state.logged.get(entry.id)
        if first is not None:
            same = (first.bot_id, first.memory_id, first.action, first.actor) == (
                entry.bot_id,
                entry.memory_id,
                entry.action,
                entry.actor,
            )
            if not same or first.details != entry.details:
                raise AlreadyExists(f"audit entry {entry.id!r} was logged differently")
            return first
        if any(row.id == entry.id for row in self._state.rows):
            raise AlreadyExists(f"audit entry {entry.id!r} already exists")
        result = self._store.memories.perform(entry)
        self._state.logged[entry.id] = result
        return result

    def get_for_bot(self, bot_id: str, limit: int = 100) -> list[MemoryAuditEntry]:
        check_identifier(bot_id, "bot_id")
        check_int(limit, "limit")
        rows = [row for row in reversed(self._state.rows) if row.bot_id == bot_id]
        return rows[:limit]

    def get_for_memory(self, memory_id: str) -> list[MemoryAuditEntry]:
        check_identifier(memory_id, "memory_id")
        return [row for row in self._state.rows if row.memory_id == memory_id]


def forget_rows_of(state: MemoryState, bot_id: str) -> None:
    """A deleted bot's audit rows leave the audit table (their events stay)."""
    state.rows = [row for row in state.rows if row.bot_id != bot_id]


def _entry(
    bot_id: str, memory_id: str, action: AuditAction, actor: str, details: Any
) -> MemoryAuditEntry:
    _check_names(bot_id, memory_id, actor)
    return MemoryAuditEntry(
        id=str(uuid4()),
        bot_id=bot_id,
        memory_id=memory_id,
        action=action,
        actor=actor,
        details=_canonical(details),
    )


def _details_of(entry: MemoryAuditEntry) -> dict[str, Any]:
    """The details of a share, revoke or merge (checked to name their target)."""
    return entry.details if isinstance(entry.details, dict) else {}


def _canonical(details: Any) -> Any:
    """Details as the store answers them: what their JSON text decodes to."""
    if details is None:
        return None
    return decode_json_value(encode_json_value(details, what="details"))


def _check_names(bot_id: str, memory_id: str, actor: str) -> None:
    check_identifier(bot_id, "bot_id")
    check_identifier(memory_id, "memory_id")
    check_actor(actor)


def _check_sources(memory_id: str, source_ids: object) -> tuple[str, ...]:
    if not isinstance(source_ids, (list, tuple)):
        raise InvalidInput("source_ids must be a list of memory ids")
    sources = tuple(check_identifier(s, "source id") for s in source_ids)
    check_merge_sources(memory_id, sources)
    return sources
