"""Debugging by replay, part one: filtered history from the event index, a
key's every value, versioned reads, a bot's lives."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from boternity_store.infrastructure import (
    BotNotFound,
    InvalidInput,
    LoggedEvent,
    Store,
    open_store,
)
from tests.conftest import FakeClock

BOTS = ["bot-1", "bot-2"]
ACTORS = ["alice", "bob"]


@pytest.fixture
def any_store(any_url: str, clock: FakeClock) -> Iterator[Store]:
    with open_store(any_url, clock=clock) as store:
        for bot in BOTS:
            store.bots.register(bot, actor="admin")
        yield store


def scan(store: Store) -> list[LoggedEvent]:
    found: list[LoggedEvent] = []
    while page := store.history.events(after=found[-1].position if found else 0):
        found += page
    return found


writes = st.lists(
    st.tuples(
        st.sampled_from(BOTS), st.sampled_from(["a", "b"]), st.sampled_from(ACTORS),
        st.booleans(),
    ),
    max_size=12,
)  # fmt: skip
filters = st.fixed_dictionaries(
    {},
    optional={
        "bot_id": st.sampled_from(BOTS),
        "actor": st.sampled_from([*ACTORS, "admin"]),
        "types": st.sampled_from(
            ["KvKey.ValueSet", ["KvKey.FirstValueSet", "KvKey.ValueDeleted"]]
        ),
        "after": st.integers(0, 20),
        "before": st.integers(1, 30),
        "since_s": st.integers(0, 20),
        "until_s": st.integers(0, 20),
    },
)


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(batch=writes, where=filters, limit=st.integers(1, 4))
def test_filtered_history_equals_filtering_the_whole_log(
    any_store: Store,
    clock: FakeClock,
    batch: list[tuple[str, str, str, bool]],
    where: dict[str, Any],
    limit: int,
) -> None:
    store = any_store
    for bot, key, actor, delete in batch:
        clock.advance(1)
        if delete:
            store.kv.delete(bot, key, actor=actor)
        else:
            store.kv.set(bot, key, clock.now.isoformat(), actor=actor)
    start = FakeClock().now
    arguments = dict(where)
    if "since_s" in arguments:
        arguments["since"] = start + timedelta(seconds=arguments.pop("since_s"))
    if "until_s" in arguments:
        arguments["until"] = start + timedelta(seconds=arguments.pop("until_s"))
    types = arguments.get("types")
    wanted_types = [types] if isinstance(types, str) else types

    def matches(e: LoggedEvent) -> bool:
        return (
            ("bot_id" not in arguments or e.bot_id == arguments["bot_id"])
            and ("actor" not in arguments or e.actor == arguments["actor"])
            and (wanted_types is None or e.type in wanted_types)
            and e.position > arguments.get("after", 0)
            and ("before" not in arguments or e.position < arguments["before"])
            and ("since" not in arguments or e.timestamp >= arguments["since"])
            and ("until" not in arguments or e.timestamp <= arguments["until"])
        )

    expected = [e for e in scan(store) if matches(e)]
    if "before" in arguments and "after" not in arguments:
        expected = expected[-limit:]  # the last page before `before`
    else:
        expected = expected[:limit]
    assert store.history.events(**arguments, limit=limit) == expected


def test_a_key_history_lists_every_value_and_delete(
    any_store: Store, clock: FakeClock
) -> None:
    store = any_store
    store.kv.set("bot-1", "prefs", {"tone": "warm"}, actor="alice")
    clock.advance(60)
    store.kv.set("bot-1", "prefs", {"tone": "cold"}, actor="mallory")
    store.kv.set("bot-2", "prefs", "other bot", actor="bob")
    store.kv.delete("bot-1", "prefs", actor="bob")
    store.kv.set("bot-1", "prefs", {"tone": "warm"}, actor="alice")
    changes = store.kv.history("bot-1", "prefs")
    assert [(c.version, c.value, c.deleted, c.actor) for c in changes] == [
        (1, {"tone": "warm"}, False, "alice"),
        (2, {"tone": "cold"}, False, "mallory"),
        (0, None, True, "bob"),
        (1, {"tone": "warm"}, False, "alice"),
    ]
    assert [c.position for c in changes] == sorted(c.position for c in changes)
    assert changes[1].timestamp - changes[0].timestamp == timedelta(seconds=60)
    assert store.kv.history("bot-1", "missing") == []


def test_versioned_reads_answer_as_the_key_was(any_store: Store) -> None:
    store = any_store
    for tone in ("warm", "cold", "hot"):
        store.kv.set("bot-1", "prefs", tone, actor=f"writer-{tone}")
    old = store.kv.get_entry("bot-1", "prefs", version=2)
    assert old is not None
    assert (old.value, old.version, old.updated_by) == ("cold", 2, "writer-cold")
    current = store.kv.get_entry("bot-1", "prefs")
    assert current is not None and current.created_at == old.created_at
    assert store.kv.get_entry("bot-1", "prefs", version=3) == current
    assert store.kv.get_entry("bot-1", "prefs", version=4) is None
    with pytest.raises(InvalidInput):
        store.kv.get_entry("bot-1", "prefs", version=0)


def test_a_re_registered_bot_does_not_mix_its_lives(any_store: Store) -> None:
    store = any_store
    store.kv.set("bot-1", "k", "first life")
    store.bots.delete("bot-1", actor="ops")
    with pytest.raises(BotNotFound):
        store.kv.history("bot-1", "k")
    store.bots.register("bot-1", name="Again", actor="ops")
    store.kv.set("bot-1", "k", "second life")
    assert [c.value for c in store.kv.history("bot-1", "k")] == ["second life"]
    old = store.kv.history("bot-1", "k", incarnation=1)
    assert [(c.value, c.incarnation) for c in old] == [("first life", 1)]
    lives = store.bots.history("bot-1")
    assert [(life.incarnation, life.name, life.deleted_by) for life in lives] == [
        (1, None, "ops"),
        (2, "Again", None),
    ]
    assert lives[0].deleted_position is not None
    assert lives[0].deleted_position < lives[1].registered_position
    assert store.bots.history("never") == []


@pytest.mark.parametrize(
    "arguments",
    [
        {"limit": -1},
        {"limit": 0},
        {"limit": 1.5},
        {"after": None},
        {"after": "x"},
        {"before": -1},
        {"types": []},
        {"types": 5},
        {"bot_id": ""},
        {"since": "yesterday"},
        {"until": 5},
    ],
)
def test_bad_history_arguments_are_invalid_input(
    any_store: Store, arguments: dict[str, Any]
) -> None:
    with pytest.raises(InvalidInput):
        any_store.history.events(**arguments)


def test_the_event_index_rebuilds_and_verifies_like_the_others(
    any_store: Store,
) -> None:
    store = any_store
    store.kv.set("bot-1", "k", 1, actor="alice")
    assert "event_index" in [s.name for s in store.projections.status()]
    store.projections.rebuild(["event_index"])
    assert store.projections.verify(["event_index"]) == []
    assert [e.type for e in store.history.events(actor="alice")] == [
        "KvKey.FirstValueSet"
    ]


def test_paging_forwards_and_backwards(any_store: Store) -> None:
    store = any_store
    for n in range(10):
        store.kv.set("bot-1", "k", n, actor="alice")
    mine = [e.position for e in store.history.events(actor="alice", limit=100)]
    assert len(mine) == 10
    first = store.history.events(actor="alice", limit=3)
    assert [e.position for e in first] == mine[:3]
    after = store.history.events(actor="alice", after=first[-1].position, limit=3)
    assert [e.position for e in after] == mine[3:6]
    last = store.history.events(actor="alice", before=mine[-1] + 1, limit=3)
    assert [e.position for e in last] == mine[-3:]
    earlier = store.history.events(actor="alice", before=last[0].position, limit=3)
    assert [e.position for e in earlier] == mine[-6:-3]
    unfiltered = store.history.events(before=mine[5], limit=2)
    assert [e.position for e in unfiltered] == [mine[5] - 2, mine[5] - 1]


def test_memory_file_and_provider_histories(any_store: Store) -> None:
    store = any_store
    store.memories.add("bot-1", "m-1", actor="bot-1")
    store.memories.share("bot-1", "m-1", with_bot_id="bot-2", actor="bot-1")
    store.memories.delete("bot-1", "m-1", actor="gdpr", reason="forget")
    assert [(e.type, e.actor) for e in store.memories.history("bot-1", "m-1")] == [
        ("Memory.Added", "bot-1"),
        ("Memory.Shared", "bot-1"),
        ("Memory.Deleted", "gdpr"),
    ]
    assert store.memories.history("bot-2", "m-1") == []  # not bot-2's memory
    first = store.files.put("bot-1", "a.txt", size_bytes=1, actor="up")
    store.files.mark_indexing(first.id)
    store.files.put("bot-1", "a.txt", size_bytes=2, actor="up")
    store.files.put("bot-1", "b.txt", size_bytes=9, actor="up")  # another name
    events = store.files.history("bot-1", "a.txt")
    assert [e.position for e in events] == sorted(e.position for e in events)
    assert {e.data.get("file_id", e.stream_id) for e in events} >= {first.id}
    assert all(e.data.get("filename", "a.txt") == "a.txt" for e in events)
    assert [e.actor for e in events].count("up") >= 2  # both versions
    assert "indexer" in [e.actor for e in events]
    store.providers.record_failure("openai", error="503")
    store.providers.record_success("openai")
    assert [e.type for e in store.providers.history("openai")] == [
        "Provider.Registered",
        "Provider.CallFailed",
        "Provider.CallSucceeded",
    ]
    assert store.providers.history("never") == []
    with pytest.raises(BotNotFound):
        store.memories.history("ghost", "m-1")
    with pytest.raises(BotNotFound):
        store.files.history("ghost", "a.txt")
