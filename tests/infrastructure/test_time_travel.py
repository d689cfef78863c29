"""``store.at``: a view of the past answers exactly as the store did then,
whole or for one bot, on every backend; it cannot be written."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from boternity_store.infrastructure import (
    BotNotFound,
    InvalidInput,
    ReadOnlyStore,
    ReadOnlyView,
    Store,
    StoreError,
    open_store,
)
from tests.conftest import FakeClock

BOTS = ["bot-1", "bot-2"]
MEMORIES = ["m-1", "m-2"]


def read_all(reader: Any, bots: list[str] = BOTS) -> dict[str, Any]:
    """Everything the read API answers about ``bots`` and the providers."""
    live = {b.bot_id for b in reader.bots.list()}
    answer: dict[str, Any] = {
        "bots": [b.model_dump() for b in reader.bots.list() if b.bot_id in bots],
        "providers": [p.model_dump() for p in reader.providers.list()],
    }
    for bot in bots:
        if bot not in live:
            continue
        answer[bot] = {
            "kv": [
                reader.kv.get_entry(bot, key).model_dump()
                for key in reader.kv.list_keys(bot)
            ],
            "audit": [e.model_dump() for e in reader.audit.get_for_bot(bot, 1000)],
            "files": [f.model_dump() for f in reader.files.list_files(bot)],
            "memories": [
                m.model_dump()
                for mid in MEMORIES
                if (m := reader.memories.get(mid)) is not None and m.bot_id == bot
            ],
        }
    return answer


Command = Callable[[Store], Any]
bots = st.sampled_from(BOTS)
commands: st.SearchStrategy[Command] = st.one_of(
    st.builds(lambda b, k, v: lambda s: s.kv.set(b, k, v, actor="t"),
              bots, st.sampled_from("ab"), st.integers(0, 9)),
    st.builds(lambda b, k: lambda s: s.kv.delete(b, k, actor="t"),
              bots, st.sampled_from("ab")),
    st.builds(lambda b: lambda s: s.bots.delete(b, actor="t"), bots),
    st.builds(lambda b: lambda s: s.bots.register(b, actor="t"), bots),
    st.builds(lambda b, m: lambda s: s.memories.add(b, m, actor="t"),
              bots, st.sampled_from(MEMORIES)),
    st.builds(lambda b, m: lambda s: s.memories.delete(b, m, actor="t"),
              bots, st.sampled_from(MEMORIES)),
    st.builds(lambda b, m, w: lambda s: s.memories.share(b, m, with_bot_id=w,
                                                       actor="t"),
              bots, st.sampled_from(MEMORIES), bots),
    st.builds(lambda n: lambda s: s.providers.record_failure(n, error="503"),
              st.sampled_from(["p-1", "p-2"])),
    st.builds(lambda n: lambda s: s.providers.record_success(n),
              st.sampled_from(["p-1", "p-2"])),
    st.builds(lambda b, size: lambda s: s.files.put(b, "f.txt", size_bytes=size,
                                                    actor="t"),
              bots, st.integers(0, 3)),
)  # fmt: skip


@pytest.fixture
def any_store(any_url: str, clock: FakeClock) -> Iterator[Store]:
    with open_store(any_url, clock=clock) as store:
        for bot in BOTS:
            store.bots.register(bot, actor="admin")
        yield store


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(batch=st.lists(commands, min_size=1, max_size=10), data=st.data())
def test_a_view_at_a_position_answers_as_the_store_did_then(
    any_store: Store, clock: FakeClock, batch: list[Command], data: st.DataObject
) -> None:
    store = any_store
    seen = {store.history.head(): read_all(store)}
    for command in batch:
        clock.advance(1)
        with contextlib.suppress(StoreError):
            command(store)
        seen[store.history.head()] = read_all(store)
    position = data.draw(st.sampled_from(sorted(seen)), label="position")
    with store.at(position) as view:
        assert view.history.head() == position
        assert read_all(view) == seen[position]
    bot = data.draw(bots, label="bot")
    if store.bots.history(bot):
        with store.at(position, bot_id=bot) as view:
            assert read_all(view, [bot]) == read_all_of(seen[position], bot)


def read_all_of(answer: dict[str, Any], bot: str) -> dict[str, Any]:
    kept = {k: v for k, v in answer.items() if k in ("providers", bot)}
    kept["bots"] = [b for b in answer["bots"] if b["bot_id"] == bot]
    return kept


def test_a_view_by_time_and_its_history(any_store: Store, clock: FakeClock) -> None:
    store = any_store
    store.kv.set("bot-1", "prefs", {"tone": "warm"}, actor="alice")
    before_change = clock.now
    clock.advance(3600)
    store.kv.set("bot-1", "prefs", {"tone": "cold"}, actor="mallory")
    with store.at(timestamp=before_change + timedelta(minutes=1)) as view:
        assert view.kv.get("bot-1", "prefs") == {"tone": "warm"}
        changes = view.kv.history("bot-1", "prefs")
        assert [c.actor for c in changes] == ["alice"]
        assert view.history.events(actor="mallory") == []
    assert store.kv.get("bot-1", "prefs") == {"tone": "cold"}


def test_a_view_refuses_writes(any_store: Store) -> None:
    with any_store.at() as view:
        with pytest.raises(ReadOnlyView):
            view.kv.set("bot-1", "k", 1)
        with pytest.raises(ReadOnlyStore):  # a ReadOnlyView is a ReadOnlyStore
            view.bots.register("bot-9")
    assert any_store.kv.get("bot-1", "k") is None


@pytest.mark.parametrize(
    "arguments",
    [
        {"position": -1},
        {"position": 10**6},
        {"position": "3"},
        {"position": 1, "timestamp": FakeClock().now},
        {"timestamp": FakeClock().now + timedelta(days=365)},
        {"timestamp": "yesterday"},
        {"bot_id": ""},
    ],
)
def test_bad_view_arguments_are_invalid_input(
    any_store: Store, arguments: dict[str, Any]
) -> None:
    with pytest.raises(InvalidInput):
        any_store.at(**arguments)


def test_a_view_of_an_unknown_bot_is_bot_not_found(any_store: Store) -> None:
    with pytest.raises(BotNotFound):
        any_store.at(bot_id="ghost")


def test_a_bot_view_leaves_the_providers_out_when_asked(any_store: Store) -> None:
    any_store.providers.record_failure("openai", error="503")
    with any_store.at(bot_id="bot-1") as view:
        assert [p.name for p in view.providers.list()] == ["openai"]
    with any_store.at(bot_id="bot-1", providers=False) as view:
        assert view.providers.list() == []
        assert view.bots.get("bot-1") is not None
