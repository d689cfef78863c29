"""``store.bots``: register, delete and look up bots."""

from __future__ import annotations

from typing import TYPE_CHECKING

from boternity_store.domain import Bot, BotAlreadyExists
from boternity_store.domain.models import BotInfo, BotLife
from boternity_store.domain.validation import check_actor, check_identifier, check_name
from boternity_store.infrastructure.eventstore.driver_errors import public_api
from boternity_store.infrastructure.stream_history import bot_lives

if TYPE_CHECKING:
    from boternity_store.infrastructure.eventstore.writer import WriteContext, Writer
    from boternity_store.infrastructure.history import History
    from boternity_store.projections.bots.queries import BotQueries


@public_api
class Bots:
    """``store.bots``: register and delete bots; a deleted bot's id may be
    registered again, and starts empty."""

    def __init__(self, writer: Writer, queries: BotQueries, history: History) -> None:
        self._history = history
        self._writer = writer
        self._queries = queries

    def register(
        self, bot_id: str, *, name: str | None = None, actor: str = "system"
    ) -> BotInfo:
        """Register a bot; raises BotAlreadyExists if it is registered."""
        check_identifier(bot_id, "bot_id")
        check_actor(actor)
        check_name(name, "name")

        def command(ctx: WriteContext) -> BotInfo:
            at = ctx.now()
            bot = ctx.get(Bot, Bot.create_id(bot_id))
            if bot is None:
                bot = Bot.register(bot_id, name=name, actor=actor, at=at)
            elif bot.deleted:
                bot.register_again(name=name, actor=actor, at=at)
            else:
                raise BotAlreadyExists(bot_id)
            ctx.add(bot)
            return BotInfo(bot_id=bot_id, name=name, created_at=at)

        return self._writer.execute(command)

    def delete(self, bot_id: str, *, actor: str = "system") -> None:
        """Delete a bot: its rows leave every read table, its events stay."""
        check_identifier(bot_id, "bot_id")
        check_actor(actor)

        def command(ctx: WriteContext) -> None:
            bot = ctx.live_bot(bot_id)
            bot.delete(actor=actor, at=ctx.now())
            ctx.add(bot)

        self._writer.execute(command)

    def get(self, bot_id: str) -> BotInfo | None:
        """The live bot, or None if it is unknown or deleted."""
        return self._queries.get(check_identifier(bot_id, "bot_id"))

    def history(self, bot_id: str) -> list[BotLife]:
        """The bot id's lives, oldest first (empty if it was never registered)."""
        check_identifier(bot_id, "bot_id")
        return bot_lives(self._history, bot_id)

    def list(self) -> list[BotInfo]:
        """The live bots, by id."""
        return self._queries.list()
