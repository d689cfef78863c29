from __future__ import annotations

from datetime import UTC, datetime

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
from boternity_store.domain.memory_rules import Acting, check_merge_sources

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def acting(audit_id: str, bot_id: str = "bot-1", incarnation: int = 1) -> Acting:
    return Acting(bot_id, incarnation, "alice", audit_id, None)


def new_memory(memory_id: str = "m-1") -> Memory:
    memory = Memory.add(memory_id, acting(f"add-{memory_id}"), at=T0)
    memory.collect_events()
    return memory


def test_add_records_owner_incarnation_and_audit_id() -> None:
    memory = Memory.add("m-1", Acting("bot-1", 3, "alice", "a-1", '{"x":1}'), at=T0)
    (event,) = memory.collect_events()
    assert isinstance(event, Memory.Added)
    assert (event.bot_id, event.incarnation, event.audit_id) == ("bot-1", 3, "a-1")
    assert (event.details_json, event.actor) == ('{"x":1}', "alice")
    assert event.timestamp == T0
    assert (memory.status, memory.shared_with) == ("active", {})


def test_share_and_revoke_track_the_target_incarnation() -> None:
    memory = new_memory()
    memory.share("bot-2", 4, acting("s-1"), at=T0)
    assert memory.is_shared_with("bot-2", 4)
    assert not memory.is_shared_with("bot-2", 5)
    memory.revoke("bot-2", 4, acting("r-1"), at=T0)
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
        memory.share(bot_id, incarnation, acting("s-1"), at=T0)
    assert memory.collect_events() == []


def test_sharing_twice_and_revoking_a_missing_share_are_refused() -> None:
    memory = new_memory()
    memory.share("bot-2", 1, acting("s-1"), at=T0)
    memory.collect_events()
    with pytest.raises(InvalidTransition):
        memory.share("bot-2", 1, acting("s-2"), at=T0)
    with pytest.raises(InvalidTransition):
        memory.revoke("bot-3", 1, acting("r-1"), at=T0)
    with pytest.raises(InvalidTransition):  # bot-2 was deleted: the share died
        memory.revoke("bot-2", None, acting("r-2"), at=T0)
    assert memory.collect_events() == []


def test_a_share_with_an_earlier_incarnation_does_not_block_a_new_share() -> None:
    memory = new_memory()
    memory.share("bot-2", 1, acting("s-1"), at=T0)
    memory.share("bot-2", 2, acting("s-2"), at=T0)
    assert memory.shared_with == {"bot-2": 2}


def test_deleted_memory_and_other_bots_memory_are_not_found() -> None:
    memory = new_memory()
    with pytest.raises(MemoryNotFound, match="not found for bot 'bot-2'"):
        memory.delete(acting("d-0", bot_id="bot-2"), at=T0)
    with pytest.raises(MemoryNotFound):  # the owner's next incarnation
        memory.delete(acting("d-0", incarnation=2), at=T0)
    memory.delete(acting("d-1"), at=T0)
    memory.collect_events()
    with pytest.raises(MemoryNotFound, match="is deleted"):
        memory.delete(acting("d-2"), at=T0)
    with pytest.raises(MemoryNotFound):
        memory.share("bot-2", 1, acting("s-1"), at=T0)
    assert memory.collect_events() == []


def test_merge_is_one_audited_event_on_the_target_and_moves_sources_away() -> None:
    target, a, b = new_memory("t"), new_memory("a"), new_memory("b")
    target.merge([a, b], acting("g-1"), at=T0)
    (merged,) = target.collect_events()
    assert isinstance(merged, Memory.Merged)
    assert (merged.source_ids, merged.audit_id) == (["a", "b"], "g-1")
    for source in (a, b):
        (away,) = source.collect_events()
        assert isinstance(away, Memory.MergedAway)
        assert not isinstance(away, Memory.Audited)
        assert (source.status, source.merged_into) == ("merged", "t")
    with pytest.raises(MemoryNotFound, match="was merged into 't'"):
        a.delete(acting("d-1"), at=T0)


def test_merge_refuses_itself_and_inactive_sources_without_events() -> None:
    target, source = new_memory("t"), new_memory("s")
    source.delete(acting("d-1"), at=T0)
    source.collect_events()
    with pytest.raises(InvalidTransition):
        target.merge([target], acting("g-1"), at=T0)
    with pytest.raises(MemoryNotFound):
        target.merge([source], acting("g-2"), at=T0)
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
    memory.share("bot-2", 1, acting("s-1"), at=T0)
    with pytest.raises(MemoryAlreadyExists):
        memory.add_again(acting("a-2", bot_id="bot-2"), owner=owner, at=T0)
    owner.delete(actor="admin", at=T0)
    memory.add_again(acting("a-2", bot_id="bot-2"), owner=owner, at=T0)
    assert isinstance(memory.collect_events()[-1], Memory.AddedAgain)
    assert (memory.bot_id, memory.status, memory.shared_with) == ("bot-2", "active", {})


def test_an_audit_id_is_used_once_per_memory() -> None:
    memory = new_memory()
    memory.share("bot-2", 1, acting("s-1"), at=T0)
    memory.revoke("bot-2", 1, acting("r-1"), at=T0)
    memory.collect_events()
    with pytest.raises(AlreadyExists):
        memory.share("bot-2", 1, acting("s-1"), at=T0)
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
