"""``store.audit.log``: the seed's entry point performs the entry's action,
validated like the commands, and is idempotent by entry id."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from boternity_store.infrastructure import (
    AlreadyExists,
    InvalidInput,
    InvalidTransition,
    MemoryAuditEntry,
    MemoryNotFound,
    Store,
    StoreError,
)
from tests.conftest import FakeClock


@pytest.fixture
def bots(store: Store) -> tuple[str, str]:
    store.bots.register("bot-1", actor="admin")
    store.bots.register("bot-2", actor="admin")
    return "bot-1", "bot-2"


def entry(action: str, memory_id: str = "m-1", **fields: object) -> MemoryAuditEntry:
    values: dict[str, object] = {
        "bot_id": "bot-1",
        "memory_id": memory_id,
        "action": action,
        "actor": "alice",
        **fields,
    }
    return MemoryAuditEntry.model_validate(values)


def test_logging_entries_performs_their_actions(
    store: Store, bots: tuple[str, str], clock: FakeClock
) -> None:
    logged = [
        store.audit.log(entry("add", details={"text": "likes tea"})),
        store.audit.log(entry("add", "m-2")),
        store.audit.log(entry("share", details={"with_bot_id": "bot-2"})),
        store.audit.log(entry("revoke", details={"from_bot_id": "bot-2", "why": 1})),
        store.audit.log(entry("merge", details={"source_ids": ["m-2"]})),
        store.audit.log(entry("delete", details="no longer true")),
    ]
    trail = store.audit.get_for_memory("m-1")
    assert trail == [e for e in logged if e.memory_id == "m-1"]
    assert trail[2].details == {"from_bot_id": "bot-2", "why": 1}
    assert all(e.created_at == clock.now for e in logged)
    merged_away = store.memories.get("m-2")
    assert merged_away is not None and merged_away.merged_into == "m-1"
    info = store.memories.get("m-1")
    assert info is not None and info.status == "deleted"


def test_the_entry_id_and_content_are_kept_but_the_time_is_the_stores(
    store: Store, bots: tuple[str, str], clock: FakeClock
) -> None:
    sent = entry("add", id="e-1", created_at=datetime(1999, 1, 1, tzinfo=UTC))
    result = store.audit.log(sent)
    assert result == sent.model_copy(update={"created_at": clock.now})
    assert store.audit.get_for_bot("bot-1") == [result]


def test_logging_the_same_id_twice_records_one_event_and_returns_the_first_result(
    store: Store, bots: tuple[str, str], clock: FakeClock, reopen: Callable[[], Store]
) -> None:
    head = store.history.head()
    first = store.audit.log(entry("add", id="e-1", details={"b": 1, "a": 2}))
    after_first = store.history.head()
    assert after_first == head + 2  # the memory event and the idempotency record
    clock.advance(60)
    again = entry("add", id="e-1", details={"a": 2, "b": 1})  # same, keys reordered
    assert store.audit.log(again) == first
    assert store.history.head() == after_first
    assert len(store.audit.get_for_memory("m-1")) == 1
    store.close()
    # Restart: the retry is still recognised.
    assert reopen().audit.log(again) == first


def test_the_same_id_with_other_content_is_refused(
    store: Store, bots: tuple[str, str]
) -> None:
    store.audit.log(entry("add", id="e-1"))
    store.audit.log(entry("add", "m-2"))
    head = store.history.head()
    with pytest.raises(AlreadyExists, match="other content"):
        store.audit.log(entry("delete", id="e-1"))
    with pytest.raises(AlreadyExists):
        store.audit.log(entry("add", "m-2", id="e-1"))
    assert store.history.head() == head


def test_logging_a_commands_result_again_cannot_record_its_id_twice(
    store: Store, bots: tuple[str, str]
) -> None:
    store.memories.add("bot-1", "m-1", actor="alice")
    shared = store.memories.share("bot-1", "m-1", with_bot_id="bot-2", actor="alice")
    store.memories.revoke("bot-1", "m-1", from_bot_id="bot-2", actor="alice")
    head = store.history.head()
    with pytest.raises(AlreadyExists):
        store.audit.log(shared)
    assert store.history.head() == head


def test_a_refused_entry_leaves_its_id_free(
    store: Store, bots: tuple[str, str]
) -> None:
    with pytest.raises(MemoryNotFound):
        store.audit.log(entry("delete", id="e-1"))
    store.audit.log(entry("add"))
    assert store.audit.log(entry("delete", id="e-1")).id == "e-1"


def test_an_entry_refuses_an_unknown_action_when_it_is_built() -> None:
    with pytest.raises(ValidationError):
        entry("edit")
    fields = {"bot_id": "b", "memory_id": "m", "action": "add", "actor": "a"}
    with pytest.raises(ValidationError):
        MemoryAuditEntry.model_validate({**fields, "extra": 1})
    assert MemoryAuditEntry.model_validate(fields).details is None


Prepare = Callable[[Store], object]


def _add(store: Store) -> None:
    store.audit.log(entry("add"))


REFUSED: list[tuple[Prepare, MemoryAuditEntry, type[StoreError]]] = [
    (_add, entry("share", details={"with_bot_id": "ghost"}), InvalidTransition),
    (_add, entry("share", details={"with_bot_id": "bot-1"}), InvalidTransition),
    (_add, entry("revoke", details={"from_bot_id": "bot-2"}), InvalidTransition),
    (_add, entry("merge", details={"source_ids": ["m-1"]}), InvalidTransition),
    (_add, entry("merge", details={"source_ids": ["m-9"]}), MemoryNotFound),
    (_add, entry("add"), AlreadyExists),
    (_add, entry("share", details=None), InvalidInput),
    (_add, entry("share", details={"bot": "bot-2"}), InvalidInput),
    (_add, entry("revoke", details=["bot-2"]), InvalidInput),
    (_add, entry("merge", details={"source_ids": "m-2"}), InvalidInput),
    (_add, entry("merge", details={"source_ids": []}), InvalidInput),
    (_add, entry("add", "m-2", id=""), InvalidInput),
    (_add, entry("add", "m-2", actor=""), InvalidInput),
    (_add, entry("add", "m-2", details=float("inf")), InvalidInput),
    (lambda store: None, entry("delete"), MemoryNotFound),
]


@pytest.mark.parametrize(("prepare", "sent", "error"), REFUSED)
def test_refused_entries_raise_a_typed_error_and_append_nothing(
    store: Store,
    bots: tuple[str, str],
    prepare: Prepare,
    sent: MemoryAuditEntry,
    error: type[StoreError],
) -> None:
    prepare(store)
    head, rows = store.history.head(), store.audit.get_for_bot("bot-1")
    with pytest.raises(error):
        store.audit.log(sent)
    assert store.history.head() == head
    assert store.audit.get_for_bot("bot-1") == rows


def test_logging_an_id_a_command_already_used_on_another_memory_is_refused(
    store: Store, bot: str
) -> None:
    # The add command records a row with a generated id...
    added = store.memories.add(bot, "m-1", actor="chat")
    store.memories.add(bot, "m-2", actor="chat")
    head = store.history.head()
    # ...which audit.log must not reuse for another memory's row.
    reuse = MemoryAuditEntry(
        id=added.id, bot_id=bot, memory_id="m-2", action="delete", actor="x"
    )
    with pytest.raises(AlreadyExists):
        store.audit.log(reuse)
    assert store.history.head() == head
    assert {s.state for s in store.projections.status()} == {"live"}
