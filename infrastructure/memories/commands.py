"""The write side of the memory commands, shared by ``store.memories`` and
``store.audit.log``: each command class has one handler that loads the memory
(and, for a merge, its sources), decides, and records."""

from __future__ import annotations

from functools import singledispatch
from typing import TYPE_CHECKING

from boternity_store.domain import Bot, Memory
from boternity_store.domain.memories.commands import (
    AddMemory,
    DeleteMemory,
    MemoryCommand,
    MergeMemories,
    RevokeMemory,
    ShareMemory,
)
from boternity_store.domain.memories.memory import require_memory

if TYPE_CHECKING:
    from datetime import datetime

    from boternity_store.domain.memories.models import MemoryAuditEntry
    from boternity_store.infrastructure.eventstore.writer import WriteContext


def perform(ctx: WriteContext, command: MemoryCommand) -> MemoryAuditEntry:
    """Run ``command`` inside a write command; raises before recording anything
    if a rule refuses it."""
    incarnation = ctx.live_bot(command.bot_id).incarnation
    at = ctx.now()
    _handle(command, ctx, incarnation, at)
    return command.entry(at)


@singledispatch
def _handle(
    command: MemoryCommand, ctx: WriteContext, incarnation: int, at: datetime
) -> None:
    raise NotImplementedError(f"no handler for {type(command).__name__}")


@_handle.register(AddMemory)
def _add(command: AddMemory, ctx: WriteContext, incarnation: int, at: datetime) -> None:
    memory = ctx.get(Memory, Memory.create_id(command.memory_id))
    if memory is None:
        memory = Memory.add(command, incarnation, at=at)
    else:
        owner = ctx.get(Bot, Bot.create_id(memory.bot_id))
        memory.add_again(command, incarnation, owner=owner, at=at)
    ctx.add(memory)


@_handle.register(DeleteMemory)
def _delete(
    command: DeleteMemory, ctx: WriteContext, incarnation: int, at: datetime
) -> None:
    memory = _memory(ctx, command.memory_id)
    memory.delete(command, incarnation, at=at)
    ctx.add(memory)


@_handle.register(ShareMemory)
def _share(
    command: ShareMemory, ctx: WriteContext, incarnation: int, at: datetime
) -> None:
    memory = _memory(ctx, command.memory_id)
    other = _live_incarnation(ctx, command.with_bot_id)
    memory.share(command, incarnation, other, at=at)
    ctx.add(memory)


@_handle.register(RevokeMemory)
def _revoke(
    command: RevokeMemory, ctx: WriteContext, incarnation: int, at: datetime
) -> None:
    memory = _memory(ctx, command.memory_id)
    other = _live_incarnation(ctx, command.from_bot_id)
    memory.revoke(command, incarnation, other, at=at)
    ctx.add(memory)


@_handle.register(MergeMemories)
def _merge(
    command: MergeMemories, ctx: WriteContext, incarnation: int, at: datetime
) -> None:
    target = _memory(ctx, command.memory_id)
    sources = [_memory(ctx, source_id) for source_id in command.source_ids]
    target.merge(command, incarnation, sources, at=at)
    for memory in (target, *sources):
        ctx.add(memory)


def _memory(ctx: WriteContext, memory_id: str) -> Memory:
    return require_memory(memory_id, ctx.get(Memory, Memory.create_id(memory_id)))


def _live_incarnation(ctx: WriteContext, bot_id: str) -> int | None:
    bot = ctx.get(Bot, Bot.create_id(bot_id))
    return None if bot is None or bot.deleted else bot.incarnation
