from __future__ import annotations

from datetime import UTC, datetime

import pytest

from boternity_store.domain import Bot, BotAlreadyExists, BotNotFound

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def test_registering_again_after_delete_starts_a_new_incarnation() -> None:
    bot = Bot.register("bot-1", name="A", actor="admin", at=T0)
    bot.delete(actor="admin", at=T0)
    bot.register_again(name="B", actor="admin", at=T0)
    assert (bot.incarnation, bot.name, bot.deleted) == (2, "B", False)
    assert [type(e).__name__ for e in bot.collect_events()] == [
        "Registered",
        "Deleted",
        "Reregistered",
    ]


def test_a_live_bot_cannot_be_registered_again() -> None:
    bot = Bot.register("bot-1", name=None, actor="admin", at=T0)
    with pytest.raises(BotAlreadyExists):
        bot.register_again(name=None, actor="admin", at=T0)


def test_a_deleted_bot_cannot_be_deleted_again() -> None:
    bot = Bot.register("bot-1", name=None, actor="admin", at=T0)
    bot.delete(actor="admin", at=T0)
    with pytest.raises(BotNotFound):
        bot.delete(actor="admin", at=T0)


def test_bot_ids_map_to_stable_stream_ids() -> None:
    assert Bot.create_id("bot-1") == Bot.create_id("bot-1") != Bot.create_id("bot-2")
