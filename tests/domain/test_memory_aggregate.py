from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from typing import Any, TypeVar

import pytest

from boternity_store.domain import (
    AlreadyExists,
    AuditEntry,
    Bot,
    InvalidInput,
    InvalidTransition,
    Memory,
    MemoryAlreadyExists,
    MemoryNotFound,
)
from boternity_store.domain.memories.commands import (
    AddMemory,
    DeleteMemory,
    MemoryCommand,
    MergeMemories,
    RevokeMemory,
    ShareMemory,
)
from boternity_store.domain.memories.rules import check_merge_sources

T0 = datetime(2026, 1, 1, tzinfo=UTC)

C = TypeVar("C", bound=MemoryCommand)


def by(kind: type[C], audit_id: str, bot_id: str = "bot-1", **specific: Any) -> C:
    """A command of ``kind`` by alice for ``bot_id``, without details."""
    return kind(
        bot_id=bot_id,
        memory_id="m-1",
        actor="alice",
        audit_id=audit_id,
        details_json=None,
        **specific,
    )


def add(memory_id: str, audit_id: str, bot_id: str = "bot-1") -> AddMemory:
    return replace(by(AddMemory, audit_id, bot_id), memory_id=memory_id)


def share(audit_id: str, with_bot_id: str = "bot-2") -> ShareMemory:
    return by(ShareMemory, audit_id, with_bot_id=with_bot_id)


def revoke(audit_id: str, from_bot_id: str = "bot-2") -> RevokeMemory:
    return by(RevokeMemory, audit_id, from_bot_id=from_bot_id)


def merge(audit_id: str, *sources: Memory) -> MergeMemories:
    source_ids = tuple(s.memory_id for s in sources)
    return by(MergeMemories, audit_id, source_ids=source_ids)


def new_memory(memory_id: str = "m-1") -> Memory:
    memory = Memory.add(add(memory_id, f"add-{memory_id}"), 1, at=T0)
    memory.collect_events()
    return memory


def test_add_records_owner_incarnation_and_audit_id() -> None:
    command = replace(add("m-1", "a-1"), details_json='{"x":1}')
    memory = Memory.add(command, 3, at=T0)
    (event,) = memory.collect_events()
    assert isinstance(event, Memory.Added)
    assert (event.bot_id, event.incarnation, event.audit_id) == ("bot-1", 3, "a-1")
    assert (event.details_json, event.actor) == ('{"x":1}', "alice")
    assert event.timestamp == T0
    assert (memory.status, memory.shared_with) == ("active", {})


def test_share_and_revoke_track_the_target_incarnation() -> None:
    memory = new_memory()
    memory.share(share("s-1"), 1, 4, at=T0)
    assert memory.is_shared_with("bot-2", 4)
    assert not memory.is_shared_with("bot-2", 5)
    memory.revoke(revoke("r-1"), 1, 4, at=T0)
    events = memory.collect_events()
    assert [type(e) for e in events] == [Memory.Shared, Memory.Revoked]
    assert memory.shared_with == {}


@pytest.mark.parametrize(
    ("bot_id", "incarnation"),
    [("ghost", None), ("bot-1", 1)],
    ids=["unknown bot", "the owner itself"],
)
def test_share_refuses_unknown_bots_and_the_owner(
    bot_id: str, incarnation: int | None
) -> None:
    memory = new_memory()
    with pytest.raises(InvalidTransition):
        memory.share(share("s-1", bot_id), 1, incarnation, at=T0)
    assert memory.collect_events() == []


def test_sharing_twice_and_revoking_a_missing_share_are_refused() -> None:
    memory = new_memory()
    memory.share(share("s-1"), 1, 1, at=T0)
    memory.collect_events()
    with pytest.raises(InvalidTransition):
        memory.share(share("s-2"), 1, 1, at=T0)
    with pytest.raises(InvalidTransition):
        memory.revoke(revoke("r-1", "bot-3"), 1, 1, at=T0)
    with pytest.raises(InvalidTransition):  # bot-2 was deleted: the share died
        memory.revoke(revoke("r-2"), 1, None, at=T0)
    assert memory.collect_events() == []


def test_a_share_with_an_earlier_incarnation_does_not_block_a_new_share() -> None:
    memory = new_memory()
    memory.share(share("s-1"), 1, 1, at=T0)
    memory.share(share("s-2"), 1, 2, at=T0)
    assert memory.shared_with == {"bot-2": 2}


def test_deleted_memory_and_other_bots_memory_are_not_found() -> None:
    memory = new_memory()
    with pytest.raises(MemoryNotFound, match="not found for bot 'bot-2'"):
        memory.delete(by(DeleteMemory, "d-0", bot_id="bot-2"), 1, at=T0)
    with pytest.raises(MemoryNotFound):  # the owner's next incarnation
        memory.delete(by(DeleteMemory, "d-0"), 2, at=T0)
    memory.delete(by(DeleteMemory, "d-1"), 1, at=T0)
    memory.collect_events()
    with pytest.raises(MemoryNotFound, match="is deleted"):
        memory.delete(by(DeleteMemory, "d-2"), 1, at=T0)
    with pytest.raises(MemoryNotFound):
        memory.share(share("s-1"), 1, 1, at=T0)
    assert memory.collect_events() == []


def test_merge_is_one_audited_event_on_the_target_and_moves_sources_away() -> None:
    target, a, b = new_memory("t"), new_memory("a"), new_memory("b")
    target.merge(merge("g-1", a, b), 1, [a, b], at=T0)
    (merged,) = target.collect_events()
    assert isinstance(merged, Memory.Merged)
    assert (merged.source_ids, merged.audit_id) == (["a", "b"], "g-1")
    for source in (a, b):
        (away,) = source.collect_events()
        assert isinstance(away, Memory.MergedAway)
        assert not isinstance(away, Memory.Audited)
        assert (source.status, source.merged_into) == ("merged", "t")
    with pytest.raises(MemoryNotFound, match="was merged into 't'"):
        a.delete(by(DeleteMemory, "d-1"), 1, at=T0)


def test_merge_refuses_itself_and_inactive_sources_without_events() -> None:
    target, source = new_memory("t"), new_memory("s")
    source.delete(by(DeleteMemory, "d-1"), 1, at=T0)
    source.collect_events()
    with pytest.raises(InvalidTransition):
        target.merge(merge("g-1", target), 1, [target], at=T0)
    with pytest.raises(MemoryNotFound):
        target.merge(merge("g-2", source), 1, [source], at=T0)
    assert target.collect_events() == []
    assert source.collect_events() == []


def test_merge_sources_must_be_a_non_empty_list_without_duplicates() -> None:
    with pytest.raises(InvalidInput):
        check_merge_sources("t", [])
    with pytest.raises(InvalidInput):
        check_merge_sources("t", ["a", "a"])
    with pytest.raises(InvalidTransition):
        check_merge_sources("t", ["a", "t"])
    check_merge_sources("t", ["a", "b"])


def test_add_again_starts_a_new_life_only_after_the_owner_is_gone() -> None:
    memory = new_memory()
    owner = Bot.register("bot-1", name=None, actor="admin", at=T0)
    memory.share(share("s-1"), 1, 1, at=T0)
    with pytest.raises(MemoryAlreadyExists):
        memory.add_again(add("m-1", "a-2", "bot-2"), 1, owner=owner, at=T0)
    owner.delete(actor="admin", at=T0)
    memory.add_again(add("m-1", "a-2", "bot-2"), 1, owner=owner, at=T0)
    assert isinstance(memory.collect_events()[-1], Memory.AddedAgain)
    assert (memory.bot_id, memory.status, memory.shared_with) == ("bot-2", "active", {})


def test_an_audit_id_is_used_once_per_memory() -> None:
    memory = new_memory()
    memory.share(share("s-1"), 1, 1, at=T0)
    memory.revoke(revoke("r-1"), 1, 1, at=T0)
    memory.collect_events()
    with pytest.raises(AlreadyExists):
        memory.share(share("s-1"), 1, 1, at=T0)
    assert memory.collect_events() == []


def test_audit_entry_accepts_a_retry_with_the_same_content_in_any_key_order() -> None:
    entry = AuditEntry.log(
        "e-1",
        bot_id="bot-1",
        memory_id="m-1",
        action="add",
        actor="alice",
        details_json='{"a":1,"b":2}',
        at=T0,
    )
    same = {"bot_id": "bot-1", "memory_id": "m-1", "action": "add", "actor": "alice"}
    entry.check_same(**same, details_json='{"b":2,"a":1}')
    with pytest.raises(AlreadyExists):
        entry.check_same(**same, details_json='{"a":1}')
    with pytest.raises(AlreadyExists):
        entry.check_same(**{**same, "action": "delete"}, details_json='{"a":1,"b":2}')
    assert entry.logged_at == T0
