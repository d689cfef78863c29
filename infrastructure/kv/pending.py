"""Read-your-writes inside ``store.batch()``: what the open batch has changed in a
bot's keys, laid over the read tables (which see the batch only once it commits)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from boternity_store.domain import Bot, KvKey

if TYPE_CHECKING:
    from boternity_store.infrastructure.eventstore.write_context import WriteContext


@dataclass(frozen=True)
class PendingKeys:
    """The batch's keys of one bot; ``replaces_table``: the bot itself was
    registered or deleted in the batch, so its rows in the read table are stale."""

    entries: dict[str, KvKey]
    replaces_table: bool

    def keys_over(self, table_keys: list[str]) -> set[str]:
        keys = set() if self.replaces_table else set(table_keys)
        for key, entry in self.entries.items():
            if entry.exists:
                keys.add(key)
            else:
                keys.discard(key)
        return keys


def pending_keys(context: WriteContext | None, bot_id: str) -> PendingKeys | None:
    """None when reads need nothing from the batch (no batch on this thread, or
    it did not touch this bot)."""
    if context is None:
        return None
    bot_stream = Bot.create_id(bot_id)
    bot = context.peek(bot_stream)
    if not isinstance(bot, Bot):
        return None
    bot_changed = bot_stream in context.touched
    if bot.deleted:
        return PendingKeys({}, replaces_table=True) if bot_changed else None
    entries = {
        aggregate.key: aggregate
        for aggregate in context.touched.values()
        if isinstance(aggregate, KvKey)
        and aggregate.bot_id == bot_id
        and aggregate.incarnation == bot.incarnation
    }
    if not entries and not bot_changed:
        return None
    return PendingKeys(entries, replaces_table=bot_changed)
