"""A plain-Python model of bots, memories and the audit log, for the state
machine test: it predicts which error a command raises and what it records."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from boternity_store.infrastructure import (
    AlreadyExists,
    BotNotFound,
    InvalidInput,
    InvalidTransition,
    MemoryAlreadyExists,
    MemoryAuditEntry,
    MemoryNotFound,
    StoreError,
)

# (audit id, bot id, memory id, action, actor, details)
Row = tuple[str, str, str, str, str, Any]
Error = type[StoreError] | None


@dataclass
class Life:
    owner: str
    incarnation: int
    created_at: datetime
    updated_at: datetime
    status: str = "active"
    merged_into: str | None = None
    shares: dict[str, int] = field(default_factory=dict)


class MemoryModel:
    def __init__(self) -> None:
        self.bots: dict[str, int] = {}  # live bot -> incarnation
        self.incarnations: dict[str, int] = {}
        self.memories: dict[str, Life] = {}
        self.all_rows: list[Row] = []
        self.visible: list[Row] = []  # rows whose bot has not been deleted since
        self.times: dict[str, datetime] = {}
        self.logged: dict[str, MemoryAuditEntry] = {}

    def register(self, bot: str) -> None:
        self.incarnations[bot] = self.incarnations.get(bot, 0) + 1
        self.bots[bot] = self.incarnations[bot]

    def delete_bot(self, bot: str) -> None:
        del self.bots[bot]
        self.visible = [row for row in self.visible if row[1] != bot]

    def alive(self, life: Life) -> bool:
        return self.bots.get(life.owner) == life.incarnation

    def usable(self, memory: str, bot: str) -> bool:
        life = self.memories.get(memory)
        return (
            life is not None
            and self.alive(life)
            and life.owner == bot
            and life.status == "active"
        )

    def active_memories(self, owner: str | None = None) -> list[str]:
        return sorted(
            memory
            for memory, life in self.memories.items()
            if self.usable(memory, life.owner) and owner in (None, life.owner)
        )

    def shared_with(self, memory: str) -> list[str]:
        life = self.memories.get(memory)
        return [] if life is None else sorted(life.shares)

    def error(self, row: Row) -> Error:
        _, bot, memory, action, _, details = row
        if action == "merge":
            sources = details["source_ids"]
            if not sources or len(set(sources)) != len(sources):
                return InvalidInput
            if memory in sources:
                return InvalidTransition
        if bot not in self.bots:
            return BotNotFound
        life = self.memories.get(memory)
        if action == "add":
            return MemoryAlreadyExists if life and self.alive(life) else None
        if life is None or not self.usable(memory, bot):
            return MemoryNotFound
        if action == "merge":
            usable = all(self.usable(source, bot) for source in sources)
            return None if usable else MemoryNotFound
        if action == "share":
            other = details["with_bot_id"]
            live = other in self.bots and other != bot
            return None if live and not self._shared(life, other) else InvalidTransition
        if action == "revoke":
            other = details["from_bot_id"]
            return None if self._shared(life, other) else InvalidTransition
        return None

    def log_error(self, row: Row) -> Error:
        entry_id, _, memory, action, _, details = row
        if action == "merge" and memory in details["source_ids"]:
            return InvalidTransition
        first = self.logged.get(entry_id)
        if first is None:
            return self.error(row)
        content = (first.bot_id, first.memory_id, first.action, first.actor)
        same = content == row[1:5] and first.details == row[5]
        return None if same else AlreadyExists

    def accept(self, row: Row, now: datetime) -> None:
        _, bot, memory, action, _, details = row
        self.all_rows.append(row)
        self.visible.append(row)
        self.times[row[0]] = now
        if action == "add":
            self.memories[memory] = Life(bot, self.bots[bot], now, now)
            return
        life = self.memories[memory]
        life.updated_at = now
        if action == "delete":
            life.status, life.shares = "deleted", {}
        elif action == "share":
            other = details["with_bot_id"]
            life.shares[other] = self.bots[other]
        elif action == "revoke":
            del life.shares[details["from_bot_id"]]
        else:
            for source in details["source_ids"]:
                away = self.memories[source]
                away.status, away.merged_into, away.shares = "merged", memory, {}
                away.updated_at = now

    def _shared(self, life: Life, other: str) -> bool:
        return other in self.bots and life.shares.get(other) == self.bots[other]

    def rows_for_bot(self, bot: str) -> list[Row]:
        return [row for row in self.visible if row[1] == bot]

    def rows_for_memory(self, memory: str) -> list[Row]:
        return [row for row in self.visible if row[2] == memory]

    def info(self, memory: str) -> dict[str, Any] | None:
        life = self.memories.get(memory)
        if life is None or not self.alive(life):
            return None
        return {
            "memory_id": memory,
            "bot_id": life.owner,
            "status": life.status,
            "merged_into": life.merged_into,
            "shared_with": sorted(b for b in life.shares if self._shared(life, b)),
            "created_at": life.created_at,
            "updated_at": life.updated_at,
        }
