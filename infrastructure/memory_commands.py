"""The write side of memory actions, shared by ``store.memories`` and
``store.audit.log``: a validated :class:`MemoryAction` becomes one command that
loads the memory (and, for a merge, its sources), decides, and records."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from boternity_store.domain import Bot, Memory
from boternity_store.domain.memory import require_memory
from boternity_store.domain.memory_models import AuditAction, MemoryAuditEntry
from boternity_store.domain.memory_rules import Acting
from boternity_store.domain.validation import decode_json_value

if TYPE_CHECKING:
    from datetime import datetime

    from .writer import WriteContext


@dataclass(frozen=True)
class MemoryAction:
    """A memory command with its audit row decided: id, actor and details."""

    action: AuditAction
    bot_id: str
    memory_id: str
    actor: str
    audit_id: str
    details_json: str | None
    other_bot_id: str = ""  # share: the bot shared with; revoke: revoked from
    source_ids: tuple[str, ...] = ()  # merge

    def entry(self, at: datetime) -> MemoryAuditEntry:
        details = self.details_json
        return MemoryAuditEntry(
            id=self.audit_id,
            bot_id=self.bot_id,
            memory_id=self.memory_id,
            action=self.action,
            actor=self.actor,
            details=None if details is None else decode_json_value(details),
            created_at=at,
        )


def perform(ctx: WriteContext, action: MemoryAction) -> MemoryAuditEntry:
    """Run ``action`` inside a write command; raises before recording anything
    if a rule refuses it."""
    bot = ctx.live_bot(action.bot_id)
    acting = Acting(
        bot_id=action.bot_id,
        incarnation=bot.incarnation,
        actor=action.actor,
        audit_id=action.audit_id,
        details_json=action.details_json,
    )
    at = ctx.now()
    _DECIDE[action.action](ctx, action, acting, at)
    return action.entry(at)


def _add(ctx: WriteContext, action: MemoryAction, acting: Acting, at: datetime) -> None:
    memory = ctx.get(Memory, Memory.create_id(action.memory_id))
    if memory is None:
        memory = Memory.add(action.memory_id, acting, at=at)
    else:
        owner = ctx.get(Bot, Bot.create_id(memory.bot_id))
        memory.add_again(acting, owner=owner, at=at)
    ctx.add(memory)


def _delete(
    ctx: WriteContext, action: MemoryAction, acting: Acting, at: datetime
) -> None:
    memory = _memory(ctx, action.memory_id)
    memory.delete(acting, at=at)
    ctx.add(memory)


def _share(
    ctx: WriteContext, action: MemoryAction, acting: Acting, at: datetime
) -> None:
    memory = _memory(ctx, action.memory_id)
    other = action.other_bot_id
    memory.share(other, _live_incarnation(ctx, other), acting, at=at)
    ctx.add(memory)


def _revoke(
    ctx: WriteContext, action: MemoryAction, acting: Acting, at: datetime
) -> None:
    memory = _memory(ctx, action.memory_id)
    other = action.other_bot_id
    memory.revoke(other, _live_incarnation(ctx, other), acting, at=at)
    ctx.add(memory)


def _merge(
    ctx: WriteContext, action: MemoryAction, acting: Acting, at: datetime
) -> None:
    target = _memory(ctx, action.memory_id)
    sources = [_memory(ctx, source_id) for source_id in action.source_ids]
    target.merge(sources, acting, at=at)
    for memory in (target, *sources):
        ctx.add(memory)


def _memory(ctx: WriteContext, memory_id: str) -> Memory:
    return require_memory(memory_id, ctx.get(Memory, Memory.create_id(memory_id)))


def _live_incarnation(ctx: WriteContext, bot_id: str) -> int | None:
    bot = ctx.get(Bot, Bot.create_id(bot_id))
    return None if bot is None or bot.deleted else bot.incarnation


_DECIDE: dict[str, Callable[[WriteContext, MemoryAction, Acting, datetime], None]] = {
    "add": _add,
    "delete": _delete,
    "share": _share,
    "revoke": _revoke,
    "merge": _merge,
}
