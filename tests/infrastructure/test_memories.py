"""``store.memories`` through the public API: actions, status, rules, restarts."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, given, settings

from boternity_store.infrastructure import (
    AlreadyExists,
    BotNotFound,
    InvalidInput,
    InvalidTransition,
    MemoryAlreadyExists,
    MemoryAuditEntry,
    MemoryInfo,
    MemoryNotFound,
    Store,
    StoreError,
)
from tests.conftest import FakeClock
from tests.domain.test_validation import json_values

T0 = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def bots(store: Store) -> tuple[str, str]:
    store.bots.register("bot-1", actor="admin")
    store.bots.register("bot-2", actor="admin")
    return "bot-1", "bot-2"


def actions(entries: list[MemoryAuditEntry]) -> list[str]:
    return [e.action for e in entries]


def test_a_memory_lifecycle_is_its_audit_trail(
    store: Store, bots: tuple[str, str], clock: FakeClock
) -> None:
    # Add a memory, share it, revoke the share, delete it: one row each.
    added = store.memories.add("bot-1", "m-1", actor="alice", details={"src": "chat"})
    clock.advance(1)
    store.memories.share("bot-1", "m-1", with_bot_id="bot-2", actor="alice")
    info = store.memories.get("m-1")
    assert info is not None and info.shared_with == ["bot-2"]
    clock.advance(1)
    store.memories.revoke("bot-1", "m-1", from_bot_id="bot-2", actor="bob")
    clock.advance(1)
    deleted = store.memories.delete("bot-1", "m-1", actor="bob", reason="stale")
    trail = store.audit.get_for_memory("m-1")
    assert actions(trail) == ["add", "share", "revoke", "delete"]
    assert trail[0] == added and trail[-1] == deleted
    assert [e.details for e in trail] == [
        {"src": "chat"},
        {"with_bot_id": "bot-2"},
        {"from_bot_id": "bot-2"},
        {"reason": "stale"},
    ]
    assert [e.actor for e in trail] == ["alice", "alice", "bob", "bob"]
    assert store.memories.get("m-1") == MemoryInfo(
        memory_id="m-1",
        bot_id="bot-1",
        status="deleted",
        merged_into=None,
        shared_with=[],
        created_at=T0,
        updated_at=clock.now,
    )


def test_merge_is_one_row_on_the_target_and_sources_become_merged_into_it(
    store: Store, bots: tuple[str, str]
) -> None:
    for memory_id in ("t", "a", "b"):
        store.memories.add("bot-1", memory_id, actor="alice")
    store.memories.share("bot-1", "a", with_bot_id="bot-2", actor="alice")
    head = store.history.head()
    merged = store.memories.merge("bot-1", "t", source_ids=["b", "a"], actor="alice")
    assert store.history.head() == head + 3  # Merged + two MergedAway, one commit
    assert (merged.action, merged.details) == ("merge", {"source_ids": ["b", "a"]})
    assert actions(store.audit.get_for_memory("t")) == ["add", "merge"]
    assert actions(store.audit.get_for_memory("a")) == ["add", "share"]
    assert actions(store.audit.get_for_bot("bot-1")).count("merge") == 1
    for source in ("a", "b"):
        info = store.memories.get(source)
        assert info is not None
        assert (info.status, info.merged_into, info.shared_with) == ("merged", "t", [])
    target = store.memories.get("t")
    assert target is not None and target.status == "active"


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(details=json_values)
def test_any_json_details_come_back_equal(
    store: Store, bots: tuple[str, str], details: object
) -> None:
    store.memories.add("bot-1", "m", actor="alice", details=details)
    (row,) = store.audit.get_for_memory("m")[-1:]
    assert json.dumps(row.details) == json.dumps(details)  # types and order kept
    store.memories.delete("bot-1", "m", actor="alice")
    store.bots.delete("bot-1")  # the next example starts with "m" free again
    store.bots.register("bot-1")


def test_audit_rows_carry_the_clock_at_the_command_in_utc(
    store: Store, bots: tuple[str, str], clock: FakeClock
) -> None:
    times = []
    for step in range(3):
        clock.advance(7.5)
        times.append(clock.now)
        store.memories.add("bot-1", f"m-{step}", actor="alice")
    rows = store.audit.get_for_bot("bot-1")
    assert [r.created_at for r in rows] == times[::-1]
    assert all(r.created_at.tzinfo == UTC for r in rows)


def test_equal_timestamps_are_ordered_by_log_position(
    store: Store, bots: tuple[str, str]
) -> None:
    # The fake clock is not advanced: every row has the same created_at.
    store.memories.add("bot-1", "m-2", actor="a")
    store.memories.add("bot-1", "m-1", actor="a")
    store.memories.share("bot-1", "m-2", with_bot_id="bot-2", actor="a")
    store.memories.revoke("bot-1", "m-2", from_bot_id="bot-2", actor="a")
    store.memories.add("bot-1", "m-0", actor="a")
    newest_first = [(e.memory_id, e.action) for e in store.audit.get_for_bot("bot-1")]
    assert newest_first == [
        ("m-0", "add"),
        ("m-2", "revoke"),
        ("m-2", "share"),
        ("m-1", "add"),
        ("m-2", "add"),
    ]
    assert actions(store.audit.get_for_memory("m-2")) == ["add", "share", "revoke"]
    store.projections.rebuild(["memory_audit"])  # a rebuild keeps the order
    rebuilt = [(e.memory_id, e.action) for e in store.audit.get_for_bot("bot-1")]
    assert rebuilt == newest_first
    assert len(store.audit.get_for_bot("bot-1", limit=2)) == 2
    assert store.audit.get_for_bot("bot-1", limit=0) == []


def test_state_survives_a_restart_and_commands_continue(
    store: Store, bots: tuple[str, str], reopen: Callable[[], Store]
) -> None:
    store.memories.add("bot-1", "m-1", actor="alice", details=[1, 2.0])
    store.memories.add("bot-1", "m-2", actor="alice")
    store.memories.share("bot-1", "m-1", with_bot_id="bot-2", actor="alice")
    trail, info = store.audit.get_for_memory("m-1"), store.memories.get("m-1")
    store.close()
    # Restart: the same rows, and the aggregates still know the rules.
    again = reopen()
    assert again.audit.get_for_memory("m-1") == trail
    assert again.memories.get("m-1") == info
    with pytest.raises(InvalidTransition):
        again.memories.share("bot-1", "m-1", with_bot_id="bot-2", actor="alice")
    again.memories.merge("bot-1", "m-1", source_ids=["m-2"], actor="alice")
    assert actions(again.audit.get_for_memory("m-1")) == ["add", "share", "merge"]


def test_deleting_the_owner_removes_its_rows_but_keeps_its_events(
    store: Store, bots: tuple[str, str]
) -> None:
    store.memories.add("bot-1", "m-1", actor="alice")
    store.memories.share("bot-1", "m-1", with_bot_id="bot-2", actor="alice")
    store.memories.add("bot-2", "m-9", actor="bob")
    store.bots.delete("bot-1")
    # The read tables forget bot-1; the event log does not.
    assert store.audit.get_for_bot("bot-1") == []
    assert store.audit.get_for_memory("m-1") == []
    assert store.memories.get("m-1") is None
    assert actions(store.audit.get_for_bot("bot-2")) == ["add"]
    logged = [e.type for e in store.history.events(limit=1000)]
    assert logged.count("Memory.Added") == 2 and "Memory.Shared" in logged
    with pytest.raises(BotNotFound):
        store.memories.delete("bot-1", "m-1", actor="alice")
    # Re-registered, bot-1 starts empty: the old memory is gone, its id is free.
    store.bots.register("bot-1")
    with pytest.raises(MemoryNotFound):
        store.memories.delete("bot-1", "m-1", actor="alice")
    store.memories.add("bot-1", "m-1", actor="carol")
    assert [e.actor for e in store.audit.get_for_memory("m-1")] == ["carol"]
    info = store.memories.get("m-1")
    assert info is not None and (info.status, info.shared_with) == ("active", [])


def test_another_bot_may_reuse_the_id_of_a_deleted_bots_memory(
    store: Store, bots: tuple[str, str]
) -> None:
    store.memories.add("bot-1", "m-1", actor="alice")
    with pytest.raises(MemoryAlreadyExists):
        store.memories.add("bot-2", "m-1", actor="bob")
    store.bots.delete("bot-1")
    store.memories.add("bot-2", "m-1", actor="bob")
    info = store.memories.get("m-1")
    assert info is not None and info.bot_id == "bot-2"


def test_deleting_a_share_target_ends_its_shares(
    store: Store, bots: tuple[str, str]
) -> None:
    store.memories.add("bot-1", "m-1", actor="alice")
    store.memories.share("bot-1", "m-1", with_bot_id="bot-2", actor="alice")
    store.bots.delete("bot-2")
    info = store.memories.get("m-1")
    assert info is not None and info.shared_with == []
    with pytest.raises(InvalidTransition):
        store.memories.revoke("bot-1", "m-1", from_bot_id="bot-2", actor="alice")
    # The re-registered bot-2 is a new bot: sharing with it again is allowed.
    store.bots.register("bot-2")
    store.memories.share("bot-1", "m-1", with_bot_id="bot-2", actor="alice")
    info = store.memories.get("m-1")
    assert info is not None and info.shared_with == ["bot-2"]


def test_commands_in_a_batch_commit_together(
    store: Store, bots: tuple[str, str], clock: FakeClock
) -> None:
    with store.batch():
        store.memories.add("bot-1", "a", actor="alice")
        clock.advance(1)
        store.memories.add("bot-1", "b", actor="alice")
        clock.advance(1)
        store.memories.merge("bot-1", "a", source_ids=["b"], actor="alice")
    assert actions(store.audit.get_for_bot("bot-1")) == ["merge", "add", "add"]
    head = store.history.head()
    with pytest.raises(MemoryNotFound), store.batch():
        store.memories.add("bot-1", "c", actor="alice")
        store.memories.delete("bot-1", "b", actor="alice")  # merged away
    assert store.history.head() == head
    assert store.memories.get("c") is None


Setup = Callable[[Store], None]


def _nothing(store: Store) -> None:
    pass


def _add_m1(store: Store) -> None:
    store.memories.add("bot-1", "m-1", actor="alice")


def _add_and_delete_m1(store: Store) -> None:
    _add_m1(store)
    store.memories.delete("bot-1", "m-1", actor="alice")


def _merge_m1_away(store: Store) -> None:
    _add_m1(store)
    store.memories.add("bot-1", "m-2", actor="alice")
    store.memories.merge("bot-1", "m-2", source_ids=["m-1"], actor="alice")


def _add_and_share_m1(store: Store) -> None:
    _add_m1(store)
    store.memories.share("bot-1", "m-1", with_bot_id="bot-2", actor="alice")


def _do(name: str, **kwargs: object) -> Callable[[Store], object]:
    def run(store: Store) -> object:
        method: Callable[..., object] = getattr(store.memories, name)
        return method(**kwargs)

    return run


M1 = {"bot_id": "bot-1", "memory_id": "m-1", "actor": "alice"}
REFUSED = [
    # Acting on a memory never added, deleted, or merged away.
    (_nothing, _do("delete", **M1), MemoryNotFound),
    (_nothing, _do("share", **M1, with_bot_id="bot-2"), MemoryNotFound),
    (_nothing, _do("revoke", **M1, from_bot_id="bot-2"), MemoryNotFound),
    (_nothing, _do("merge", **M1, source_ids=["m-3"]), MemoryNotFound),
    (_add_m1, _do("merge", **M1, source_ids=["m-3"]), MemoryNotFound),
    (_add_and_delete_m1, _do("delete", **M1), MemoryNotFound),
    (_add_and_delete_m1, _do("share", **M1, with_bot_id="bot-2"), MemoryNotFound),
    (_merge_m1_away, _do("delete", **M1), MemoryNotFound),
    (_merge_m1_away, _do("merge", **M1, source_ids=["m-2"]), MemoryNotFound),
    (
        _merge_m1_away,
        _do("merge", **{**M1, "memory_id": "m-2"}, source_ids=["m-1"]),
        MemoryNotFound,
    ),
    # Another bot's memory is not found for the acting bot.
    (_add_m1, _do("delete", **{**M1, "bot_id": "bot-2"}), MemoryNotFound),
    (_add_m1, _do("add", **M1), MemoryAlreadyExists),
    (_add_and_delete_m1, _do("add", **M1), MemoryAlreadyExists),
    (_nothing, _do("add", **{**M1, "bot_id": "ghost"}), BotNotFound),
    # Shares and merges that make no sense.
    (_add_and_share_m1, _do("share", **M1, with_bot_id="bot-2"), InvalidTransition),
    (_add_m1, _do("revoke", **M1, from_bot_id="bot-2"), InvalidTransition),
    (_add_m1, _do("share", **M1, with_bot_id="ghost"), InvalidTransition),
    (_add_m1, _do("share", **M1, with_bot_id="bot-1"), InvalidTransition),
    (_add_m1, _do("merge", **M1, source_ids=["m-1"]), InvalidTransition),
    # Malformed arguments.
    (_add_m1, _do("merge", **M1, source_ids=[]), InvalidInput),
    (_add_m1, _do("merge", **M1, source_ids="m-2"), InvalidInput),
    (_add_m1, _do("merge", **M1, source_ids=["m-2", "m-2"]), InvalidInput),
    (_nothing, _do("add", **M1, details={1, 2}), InvalidInput),
    (_nothing, _do("add", **M1, details=float("nan")), InvalidInput),
    (_nothing, _do("add", **{**M1, "memory_id": ""}), InvalidInput),
    (_nothing, _do("add", **{**M1, "actor": "a\nb"}), InvalidInput),
    (_add_m1, _do("delete", **M1, reason=3), InvalidInput),
    (_add_m1, _do("share", **M1, with_bot_id=""), InvalidInput),
]


@pytest.mark.parametrize(("setup", "command", "error"), REFUSED)
def test_refused_commands_raise_a_typed_error_and_append_nothing(
    store: Store,
    bots: tuple[str, str],
    setup: Setup,
    command: Callable[[Store], object],
    error: type[StoreError],
) -> None:
    setup(store)
    head, rows = store.history.head(), store.audit.get_for_bot("bot-1")
    status = store.memories.get("m-1")
    with pytest.raises(error):
        command(store)
    assert store.history.head() == head
    assert store.audit.get_for_bot("bot-1") == rows
    assert store.memories.get("m-1") == status


def test_unknown_memories_have_no_status_and_no_trail(store: Store) -> None:
    assert store.memories.get("nope") is None
    assert store.audit.get_for_memory("nope") == []
    assert store.audit.get_for_bot("nobody") == []
    with pytest.raises(InvalidInput):
        store.audit.get_for_bot("bot-1", limit=-1)


def test_a_rebuild_from_the_log_gives_the_same_read_tables(
    store: Store, bots: tuple[str, str]
) -> None:
    store.memories.add("bot-1", "a", actor="alice", details={"k": [1, 2]})
    store.memories.add("bot-1", "b", actor="alice")
    store.memories.share("bot-1", "a", with_bot_id="bot-2", actor="alice")
    store.memories.merge("bot-1", "a", source_ids=["b"], actor="alice")
    store.bots.delete("bot-2")
    before = store.audit.get_for_bot("bot-1"), store.memories.get("a")
    assert store.projections.verify(["memory_audit"]) == []
    store.projections.rebuild(["memory_audit"])
    assert (store.audit.get_for_bot("bot-1"), store.memories.get("a")) == before


def test_a_long_lived_memory_is_restored_from_its_snapshot_after_a_restart(
    store: Store, bots: tuple[str, str], reopen: Callable[[], Store]
) -> None:
    store.memories.add("bot-1", "m-1", actor="alice")
    first_share = store.memories.share(
        "bot-1", "m-1", with_bot_id="bot-2", actor="alice"
    )
    with store.batch():  # 120 more events: past the snapshot interval of 100
        for _ in range(60):
            store.memories.revoke("bot-1", "m-1", from_bot_id="bot-2", actor="a")
            store.memories.share("bot-1", "m-1", with_bot_id="bot-2", actor="a")
    store.close()
    # Restart: the aggregate comes back from its snapshot with the same rules.
    again = reopen()
    with pytest.raises(InvalidTransition):
        again.memories.share("bot-1", "m-1", with_bot_id="bot-2", actor="alice")
    again.memories.revoke("bot-1", "m-1", from_bot_id="bot-2", actor="alice")
    with pytest.raises(AlreadyExists):  # its audit id is still known
        again.audit.log(first_share)
    assert len(again.audit.get_for_memory("m-1")) == 123


def test_a_batch_appends_its_events_in_call_order(
    store: Store, bots: tuple[str, str]
) -> None:
    head = store.history.head()
    with store.batch():
        store.memories.add("bot-1", "m-1", actor="a")
        store.kv.set("bot-1", "k", 1)
        store.memories.add("bot-1", "m-2", actor="a")
        store.memories.share("bot-1", "m-1", with_bot_id="bot-2", actor="a")
        store.kv.set("bot-1", "k", 2)
    logged = [
        (e.type, e.data.get("memory_id") or e.data.get("key"))
        for e in store.history.events(after=head)
    ]
    assert logged == [
        ("Memory.Added", "m-1"),
        ("KvKey.FirstValueSet", "k"),
        ("Memory.Added", "m-2"),
        ("Memory.Shared", "m-1"),
        ("KvKey.ValueSet", "k"),
    ]
    # Equal timestamps (the test clock stands still): audit rows follow it too.
    newest_first = [(e.memory_id, e.action) for e in store.audit.get_for_bot("bot-1")]
    assert newest_first == [("m-1", "share"), ("m-2", "add"), ("m-1", "add")]
