"""Random sequences of bot and memory commands (and ``audit.log`` entries with
colliding ids) agree with a plain model: the audit log is exactly the sequence
of accepted commands, also across restarts and bot deletions."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
)

from boternity_store.infrastructure import (
    MemoryAuditEntry,
    MemoryInfo,
    StoreError,
    open_store,
)
from tests.conftest import FakeClock
from tests.infrastructure.memory_model import MemoryModel, Row

BOT_IDS = ["b1", "b2", "b3"]
BOTS = st.sampled_from(BOT_IDS)
OWNERS = st.sampled_from(["b1", "b1", "b1", "b2", "b3"])  # merges need one owner
MEMORY_IDS = [f"m{i}" for i in range(1, 7)]
MEMORIES = st.sampled_from(MEMORY_IDS)
ACTORS = st.sampled_from(["alice", "bob"])
DETAILS = st.none() | st.integers(-3, 3) | st.lists(st.booleans(), max_size=2)
ENTRY_IDS = st.sampled_from([f"e{i}" for i in range(6)])
ACTIONS = st.sampled_from(["add", "delete", "share", "revoke", "merge"])
# Bot deletions and restarts run in a quarter of the steps that pick them, and
# deletes in half, so that memories live long enough to be shared and merged.
RARELY = st.integers(0, 3).map(lambda n: n == 0)
MOSTLY = st.integers(0, 3).map(lambda n: n > 0)


class MemoryAuditMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.folder = tempfile.mkdtemp()
        self.url = f"sqlite:///{self.folder}/store.db"
        self.clock = FakeClock()
        self.store = open_store(self.url, clock=self.clock)
        self.model = MemoryModel()
        self.seen, self.audited = 0, list[str]()

    @initialize()
    def three_bots_with_memories(self) -> None:
        # A start that does not depend on the add rule being chosen.
        for bot in BOT_IDS:
            self.store.bots.register(bot)
            self.model.register(bot)
        for bot, memory in [("b1", "m1"), ("b1", "m2"), ("b1", "m3"), ("b2", "m4")]:
            self.add(bot, memory, "admin", None)

    def pick(self, data: st.DataObject, owner: str | None = None) -> str:
        """Mostly an active memory (of ``owner``), sometimes any id."""
        active = self.model.active_memories(owner)
        if active and data.draw(MOSTLY, label="an active memory"):
            return data.draw(st.sampled_from(active), label="memory")
        return data.draw(MEMORIES, label="memory")

    def acting_bot(self, data: st.DataObject, memory: str) -> str:
        """Mostly the memory's owner, sometimes any bot."""
        life = self.model.memories.get(memory)
        if life is not None and data.draw(MOSTLY, label="as owner"):
            return life.owner
        return data.draw(BOTS, label="bot")

    def attempt(
        self, row: Row, error: type[StoreError] | None, call: Callable[[], Any]
    ) -> Any:
        head = self.store.history.head()
        if error is not None:
            with pytest.raises(error):
                call()
            assert self.store.history.head() == head
            return None
        result = call()
        assert result.created_at == self.clock.now
        assert _row(result)[1:] == row[1:]
        if result.id not in self.model.times:  # not a retry of a logged entry
            self.model.accept((result.id, *row[1:]), self.clock.now)
        return result

    def command(self, row: Row, call: Callable[[], Any]) -> None:
        self.attempt(row, self.model.error(row), call)

    @rule(bot=BOTS, come_back=st.booleans(), now=RARELY)
    def delete_bot(self, bot: str, come_back: bool, now: bool) -> None:
        # Deleting ends the bot's memories; it may be registered again at once.
        if not now:
            return
        if bot in self.model.bots:
            self.store.bots.delete(bot)
            self.model.delete_bot(bot)
        if come_back:
            self.store.bots.register(bot)
            self.model.register(bot)

    @rule(seconds=st.sampled_from([0, 0, 1]))
    def tick(self, seconds: int) -> None:
        # Mostly not advanced: equal timestamps must follow log order.
        self.clock.advance(seconds)

    @rule(now=RARELY)
    def restart(self, now: bool) -> None:
        if now:
            self.store.close()
            self.store = open_store(self.url, clock=self.clock)

    @rule(bot=OWNERS, memory=MEMORIES, actor=ACTORS, details=DETAILS)
    def add(self, bot: str, memory: str, actor: str, details: Any) -> None:
        self.command(
            ("", bot, memory, "add", actor, details),
            lambda: self.store.memories.add(bot, memory, actor=actor, details=details),
        )

    @rule(data=st.data(), actor=ACTORS, reason=st.none() | st.just("old"))
    def delete(self, data: st.DataObject, actor: str, reason: str | None) -> None:
        if not data.draw(st.booleans(), label="now"):
            return
        memory = self.pick(data)
        bot = self.acting_bot(data, memory)
        self.command(
            ("", bot, memory, "delete", actor, reason and {"reason": reason}),
            lambda: self.store.memories.delete(bot, memory, actor=actor, reason=reason),
        )

    @rule(data=st.data(), other=BOTS, actor=ACTORS)
    def share(self, data: st.DataObject, other: str, actor: str) -> None:
        memory = self.pick(data)
        bot = self.acting_bot(data, memory)
        self.command(
            ("", bot, memory, "share", actor, {"with_bot_id": other}),
            lambda: self.store.memories.share(
                bot, memory, with_bot_id=other, actor=actor
            ),
        )

    @rule(data=st.data(), actor=ACTORS)
    def revoke(self, data: st.DataObject, actor: str) -> None:
        memory = self.pick(data)
        bot = self.acting_bot(data, memory)
        shared = self.model.shared_with(memory)
        others = st.sampled_from(shared) if shared else BOTS
        other = data.draw(others | BOTS, label="other")
        self.command(
            ("", bot, memory, "revoke", actor, {"from_bot_id": other}),
            lambda: self.store.memories.revoke(
                bot, memory, from_bot_id=other, actor=actor
            ),
        )

    @rule(data=st.data(), actor=ACTORS)
    def merge(self, data: st.DataObject, actor: str) -> None:
        memory = self.pick(data)
        bot = self.acting_bot(data, memory)
        candidates = [m for m in self.model.active_memories(bot) if m != memory]
        if candidates and data.draw(MOSTLY, label="well-formed sources"):
            pool = st.sampled_from(candidates)
            sources = data.draw(st.lists(pool, min_size=1, max_size=2, unique=True))
        else:  # maybe empty, repeated, itself, or not found
            sources = data.draw(st.lists(MEMORIES, max_size=2), label="sources")
        self.command(
            ("", bot, memory, "merge", actor, {"source_ids": sources}),
            lambda: self.store.memories.merge(
                bot, memory, source_ids=sources, actor=actor
            ),
        )

    @rule(data=st.data(), entry_id=ENTRY_IDS, action=ACTIONS, other=BOTS, actor=ACTORS)
    def log(
        self, data: st.DataObject, entry_id: str, action: str, other: str, actor: str
    ) -> None:
        memory = self.pick(data)
        bot = self.acting_bot(data, memory)
        details = {
            "share": {"with_bot_id": other},
            "revoke": {"from_bot_id": other},
            "merge": {"source_ids": [self.pick(data, bot)]},
        }.get(action)
        row: Row = (entry_id, bot, memory, action, actor, details)
        entry = MemoryAuditEntry.model_validate(dict(zip(_FIELDS, row, strict=True)))
        first = self.model.logged.get(entry_id)
        result = self.attempt(
            row, self.model.log_error(row), lambda: self.store.audit.log(entry)
        )
        if result is not None:
            assert result.id == entry_id
            assert first is None or result == first  # a retry: the first result
            self.model.logged[entry_id] = result

    @precondition(lambda self: self.model.logged)
    @rule(data=st.data())
    def log_again(self, data: st.DataObject) -> None:
        entry_id = data.draw(st.sampled_from(sorted(self.model.logged)))
        first = self.model.logged[entry_id]
        head = self.store.history.head()
        assert self.store.audit.log(first) == first
        assert self.store.history.head() == head

    @invariant()
    def audit_queries_equal_the_accepted_commands(self) -> None:
        for bot in BOT_IDS:
            rows = self.store.audit.get_for_bot(bot, limit=1000)
            assert [_row(e) for e in rows] == self.model.rows_for_bot(bot)[::-1]
            assert all(e.created_at == self.model.times[e.id] for e in rows)
        for memory in self.model.memories:  # the others were never added
            rows = self.store.audit.get_for_memory(memory)
            assert [_row(e) for e in rows] == self.model.rows_for_memory(memory)

    @invariant()
    def memory_status_equals_the_model(self) -> None:
        for memory in self.model.memories:
            expected = self.model.info(memory)
            actual = self.store.memories.get(memory)
            assert actual == (None if expected is None else MemoryInfo(**expected))

    @invariant()
    def every_accepted_command_is_one_audited_event(self) -> None:
        new = self.store.history.events(after=self.seen, limit=100_000)
        self.seen = new[-1].position if new else self.seen
        self.audited += [e.data["audit_id"] for e in new if "audit_id" in e.data]
        assert self.audited == [row[0] for row in self.model.all_rows]

    def teardown(self) -> None:
        self.store.close()
        shutil.rmtree(self.folder, ignore_errors=True)


_FIELDS = ("id", "bot_id", "memory_id", "action", "actor", "details")


def _row(entry: MemoryAuditEntry) -> Row:
    return (
        entry.id,
        entry.bot_id,
        entry.memory_id,
        entry.action,
        entry.actor,
        entry.details,
    )


MemoryAuditMachine.TestCase.settings = settings(stateful_step_count=40)
TestMemoryAuditMachine = MemoryAuditMachine.TestCase
