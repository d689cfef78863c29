"""Random sequences of bot and KV commands agree with a plain-dict model,
also across restarts."""

from __future__ import annotations

import shutil
import tempfile
from typing import Any

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from boternity_store.infrastructure import (
    BotAlreadyExists,
    BotNotFound,
    VersionConflict,
    open_store,
)

BOTS = st.sampled_from(["b1", "b2"])
KEYS = st.sampled_from(["a", "b", "c"])
VALUES = st.one_of(st.integers(), st.text(max_size=3), st.lists(st.booleans()))


class KvMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.folder = tempfile.mkdtemp()
        self.url = f"sqlite:///{self.folder}/store.db"
        self.store = open_store(self.url)
        self.model: dict[str, dict[str, tuple[Any, int]]] = {}

    @rule(bot=BOTS)
    def register(self, bot: str) -> None:
        if bot in self.model:
            with pytest.raises(BotAlreadyExists):
                self.store.bots.register(bot)
        else:
            self.store.bots.register(bot)
            self.model[bot] = {}

    @rule(bot=BOTS)
    def delete_bot(self, bot: str) -> None:
        if bot in self.model:
            self.store.bots.delete(bot)
            del self.model[bot]
        else:
            with pytest.raises(BotNotFound):
                self.store.bots.delete(bot)

    @rule(bot=BOTS, key=KEYS, value=VALUES)
    def set(self, bot: str, key: str, value: Any) -> None:
        if bot not in self.model:
            with pytest.raises(BotNotFound):
                self.store.kv.set(bot, key, value)
            return
        version = self.model[bot].get(key, (None, 0))[1] + 1
        assert self.store.kv.set(bot, key, value).version == version
        self.model[bot][key] = (value, version)

    @rule(bot=BOTS, key=KEYS, value=VALUES, expected=st.integers(0, 3))
    def compare_and_set(self, bot: str, key: str, value: Any, expected: int) -> None:
        if bot not in self.model:
            return
        current = self.model[bot].get(key, (None, 0))[1]
        if expected != current:
            with pytest.raises(VersionConflict):
                self.store.kv.set(bot, key, value, expected_version=expected)
            return
        self.store.kv.set(bot, key, value, expected_version=expected)
        self.model[bot][key] = (value, current + 1)

    @rule(bot=BOTS, key=KEYS)
    def delete_key(self, bot: str, key: str) -> None:
        if bot not in self.model:
            return
        existed = self.store.kv.delete(bot, key)
        assert existed == (key in self.model[bot])
        self.model[bot].pop(key, None)

    @rule()
    def restart(self) -> None:
        self.store.close()
        self.store = open_store(self.url)

    @invariant()
    def read_tables_agree_with_the_model(self) -> None:
        assert [b.bot_id for b in self.store.bots.list()] == sorted(self.model)
        for bot, entries in self.model.items():
            assert self.store.kv.list_keys(bot) == sorted(entries)
            for key, (value, version) in entries.items():
                entry = self.store.kv.get_entry(bot, key)
                assert entry is not None
                assert (entry.value, entry.version) == (value, version)

    def teardown(self) -> None:
        self.store.close()
        shutil.rmtree(self.folder, ignore_errors=True)


KvMachine.TestCase.settings = settings(stateful_step_count=30)
TestKvMachine = KvMachine.TestCase
