"""Steps shared by the file commands: find a file, create one."""

from __future__ import annotations

from typing import TYPE_CHECKING

from boternity_store.domain import Bot, BotFile, FileName, FileNotFound

if TYPE_CHECKING:
    from datetime import datetime

    from boternity_store.infrastructure.eventstore.writer import WriteContext


def live_file(ctx: WriteContext, file_id: str) -> BotFile:
    """The file with this id; FileNotFound if unknown, deleted, or its bot is."""
    file = ctx.get(BotFile, BotFile.create_id(file_id))
    if file is None:
        raise FileNotFound(f"file {file_id!r} not found")
    file.check_live()
    bot = ctx.get(Bot, Bot.create_id(file.bot_id))
    if bot is None or bot.deleted or bot.incarnation != file.incarnation:
        raise FileNotFound(f"file {file_id!r} not found: its bot was deleted")
    return file


def current_file(
    ctx: WriteContext, bot: Bot, filename: str
) -> tuple[FileName | None, BotFile | None]:
    """The name's index stream and the file it currently names (if any)."""
    name = ctx.get(FileName, FileName.create_id(bot.bot_id, bot.incarnation, filename))
    if name is None or name.file_id is None:
        return name, None
    return name, ctx.get(BotFile, BotFile.create_id(name.file_id))


def create_file(
    ctx: WriteContext,
    bot: Bot,
    name: FileName | None,
    file_id: str,
    filename: str,
    *,
    mime_type: str,
    size_bytes: int,
    sha256: str | None,
    actor: str,
    at: datetime,
) -> BotFile:
    """Create a file and point its name at it; both are saved together."""
    if name is not None:
        name.check_free()
    file = ctx.add(
        BotFile.create(
            file_id,
            bot.bot_id,
            bot.incarnation,
            filename,
            mime_type=mime_type,
            size_bytes=size_bytes,
            sha256=sha256,
            actor=actor,
            at=at,
        )
    )
    ctx.add(
        FileName.assign(
            name, bot.bot_id, bot.incarnation, filename, file_id, actor=actor, at=at
        )
    )
    return file
