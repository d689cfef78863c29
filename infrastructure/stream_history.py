"""The past of one thing (a memory, a file, a provider), read from its own
streams through the event index: every event that changed it, with version,
actor, time, position and fields. A bot's things are taken from its current
life only (a deleted and re-registered bot starts anew)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from boternity_store.domain.bots.bot import Bot
from boternity_store.domain.errors import BotNotFound
from boternity_store.domain.files.bot_file import BotFile
from boternity_store.domain.files.names import FileName
from boternity_store.domain.memories.memory import Memory
from boternity_store.domain.models import BotLife
from boternity_store.domain.providers.provider import Provider

if TYPE_CHECKING:
    from boternity_store.infrastructure.history import History, LoggedEvent


def bot_lives(history: History, bot_id: str) -> list[BotLife]:
    """The bot id's lives, oldest first, from its stream."""
    lives: list[BotLife] = []
    for event in history.stream(str(Bot.create_id(bot_id))):
        if event.type in ("Bot.Registered", "Bot.Reregistered"):
            lives.append(
                BotLife(
                    bot_id=bot_id,
                    incarnation=int(event.data.get("incarnation", 1)),
                    name=event.data.get("name"),
                    registered_at=event.timestamp,
                    registered_by=event.actor or "",
                    registered_position=event.position,
                )
            )
        elif event.type == "Bot.Deleted" and lives:
            lives[-1] = lives[-1].model_copy(
                update={
                    "deleted_at": event.timestamp,
                    "deleted_by": event.actor,
                    "deleted_position": event.position,
                }
            )
    return lives


def current_life(history: History, bot_id: str) -> tuple[int, int]:
    """(incarnation, position of its registration) of the live bot."""
    lives = bot_lives(history, bot_id)
    if not lives or lives[-1].deleted_position is not None:
        raise BotNotFound(bot_id)
    return lives[-1].incarnation, lives[-1].registered_position


def memory_history(history: History, bot_id: str, memory_id: str) -> list[LoggedEvent]:
    _, since = current_life(history, bot_id)
    return [
        e
        for e in history.stream(str(Memory.create_id(memory_id)))
        if e.position > since and e.bot_id == bot_id
    ]


def file_history(history: History, bot_id: str, filename: str) -> list[LoggedEvent]:
    """The name's assignments and every event of the files it named."""
    incarnation, since = current_life(history, bot_id)
    names = history.stream(str(FileName.create_id(bot_id, incarnation, filename)))
    events = {e.position: e for e in names}
    for file_id in dict.fromkeys(str(e.data["file_id"]) for e in names):
        for event in history.stream(str(BotFile.create_id(file_id))):
            events[event.position] = event
    return [events[p] for p in sorted(events) if p > since]


def provider_history(history: History, name: str) -> list[LoggedEvent]:
    return history.stream(str(Provider.create_id(name)))
