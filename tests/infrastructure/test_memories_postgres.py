"""The memory audit log on PostgreSQL: the same rules, rows and order."""

from __future__ import annotations

import pytest

from boternity_store.infrastructure import (
    InvalidTransition,
    MemoryAuditEntry,
    MemoryNotFound,
    open_store,
)
from tests.conftest import FakeClock

pytestmark = pytest.mark.postgres


def test_memory_actions_and_audit_queries_work_on_postgres(pg_url: str) -> None:
    clock = FakeClock()
    with open_store(pg_url, clock=clock) as store:
        store.bots.register("bot-1")
        store.bots.register("bot-2")
        for memory_id in ("t", "a", "b"):
            store.memories.add("bot-1", memory_id, actor="alice", details={"n": 1.0})
        store.memories.share("bot-1", "t", with_bot_id="bot-2", actor="alice")
        with pytest.raises(InvalidTransition):
            store.memories.share("bot-1", "t", with_bot_id="bot-2", actor="alice")
        store.memories.merge("bot-1", "t", source_ids=["a", "b"], actor="alice")
        entry = MemoryAuditEntry(
            id="e-1", bot_id="bot-1", memory_id="t", action="delete", actor="bob"
        )
        first = store.audit.log(entry)
        assert store.audit.log(entry) == first
    with open_store(pg_url, clock=clock) as store:
        trail = store.audit.get_for_memory("t")
        assert [e.action for e in trail] == ["add", "share", "merge", "delete"]
        assert trail[0].details == {"n": 1.0}
        newest = [e.action for e in store.audit.get_for_bot("bot-1", limit=2)]
        assert newest == ["delete", "merge"]
        merged = store.memories.get("a")
        assert merged is not None and merged.merged_into == "t"
        with pytest.raises(MemoryNotFound):
            store.memories.delete("bot-1", "t", actor="bob")
        assert store.projections.verify(["memory_audit"]) == []
        store.bots.delete("bot-1")
        assert store.audit.get_for_bot("bot-1") == []
        assert store.memories.get("t") is None


def test_a_batch_appends_its_events_in_call_order_on_postgres(pg_url: str) -> None:
    with open_store(pg_url, clock=FakeClock()) as store:
        store.bots.register("bot-1")
        store.bots.register("bot-2")
        head = store.history.head()
        with store.batch():
            store.memories.add("bot-1", "m-1", actor="a")
            store.memories.add("bot-1", "m-2", actor="a")
            store.memories.share("bot-1", "m-1", with_bot_id="bot-2", actor="a")
        events = store.history.events(after=head)
        logged = [(e.type, e.data["memory_id"]) for e in events]
        assert logged == [
            ("Memory.Added", "m-1"),
            ("Memory.Added", "m-2"),
            ("Memory.Shared", "m-1"),
        ]
        rows = [(e.memory_id, e.action) for e in store.audit.get_for_bot("bot-1")]
        assert rows == [("m-1", "share"), ("m-2", "add"), ("m-1", "add")]
