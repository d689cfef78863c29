from __future__ import annotations

import sqlite3

import pytest

from boternity_store.infrastructure import BotAlreadyExists, BotNotFound, Store
from tests.conftest import FakeClock


def test_register_get_and_list(store: Store, clock: FakeClock) -> None:
    store.bots.register("b2", name="Second")
    store.bots.register("b1")
    assert [b.bot_id for b in store.bots.list()] == ["b1", "b2"]
    info = store.bots.get("b2")
    assert info is not None
    assert (info.name, info.created_at) == ("Second", clock.now)
    assert store.bots.get("nobody") is None


def test_registering_an_existing_bot_is_refused(store: Store, bot: str) -> None:
    head = store.history.head()
    with pytest.raises(BotAlreadyExists):
        store.bots.register(bot)
    assert store.history.head() == head


def test_deleting_an_unknown_bot_is_refused(store: Store) -> None:
    with pytest.raises(BotNotFound):
        store.bots.delete("ghost")


@pytest.mark.sqlite_only  # reads the SQLite file itself
def test_deleting_a_bot_cascades_to_its_rows_but_keeps_events(
    store: Store, bot: str, db_url: str
) -> None:
    store.bots.register("other")
    store.kv.set(bot, "a", 1)
    store.kv.set("other", "a", 2)
    head = store.history.head()
    # Delete the bot.
    store.bots.delete(bot)
    # Its rows are gone from every read table; the other bot is untouched.
    assert store.bots.get(bot) is None
    assert store.kv.list_keys(bot) == []
    assert store.kv.get("other", "a") == 2
    with sqlite3.connect(db_url.removeprefix("sqlite:///")) as db:
        left = db.execute("select count(*) from bot_kv_store where bot_id=?", (bot,))
        assert left.fetchone() == (0,)
    # Its events stay in the log.
    assert store.history.head() == head + 1
    types = [e.type for e in store.history.events()]
    assert "KvKey.FirstValueSet" in types


def test_a_deleted_bot_can_be_registered_again_and_starts_empty(
    store: Store, bot: str
) -> None:
    store.kv.set(bot, "a", 1)
    store.bots.delete(bot)
    store.bots.register(bot, name="Reborn")
    assert store.kv.get(bot, "a") is None
    assert store.kv.set(bot, "a", 5).version == 1
    info = store.bots.get(bot)
    assert info is not None and info.name == "Reborn"
