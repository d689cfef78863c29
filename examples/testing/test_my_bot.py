"""Testing your bot's code with the store's testing kit: copy this file.

Needs ``pip install "boternity-store[testing]"``; run it with ``pytest``. The
kit's pytest plugin gives the ``store`` (a fresh SQLite store in a temporary
folder), ``store_factory`` and ``fake_clock`` fixtures without any conftest.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis.stateful import rule

from boternity_store.domain import BreakerPolicy, Provider
from boternity_store.infrastructure import (
    InvalidInput,
    InvalidTransition,
    VersionConflict,
)
from boternity_store.testing import (
    Expect,
    FakeClock,
    ModelStore,
    StoreMachine,
)
from boternity_store.testing import (
    given as given_history,
)
from boternity_store.testing import strategies as bst
from boternity_store.testing.machine import BOTS, KEYS

# --- Your bot's code (in your project it lives in your package) -------------


def count_visit(store: Any, bot_id: str) -> int:
    """Increment the bot's visit counter with compare-and-set; return it."""
    while True:
        entry = store.kv.get_entry(bot_id, "visits")
        version = 0 if entry is None else entry.version
        try:
            store.kv.set(bot_id, "visits", (entry.value if entry else 0) + 1,
                         expected_version=version)  # fmt: skip
        except VersionConflict:
            continue  # another writer was first: read again
        return int(store.kv.get(bot_id, "visits"))


# --- Plain tests with the plugin's fixtures ---------------------------------


def test_visits_count_up(store: Any) -> None:
    store.bots.register("bot-1")
    assert [count_visit(store, "bot-1") for _ in range(3)] == [1, 2, 3]


def test_times_come_from_the_fake_clock(store: Any, fake_clock: FakeClock) -> None:
    store.bots.register("bot-1")
    fake_clock.advance(60)
    entry = store.kv.set("bot-1", "greeting", "hello")
    assert entry.updated_at == fake_clock.now


# --- Properties with the kit's strategies ------------------------------------


@settings(max_examples=25, deadline=None)
@given(value=bst.json_values())
def test_any_json_value_comes_back_equal(value: Any) -> None:
    # The model answers like the store, with no database: fast for properties.
    model = ModelStore(clock=FakeClock())
    model.bots.register("bot-1")
    model.kv.set("bot-1", "k", value)
    assert model.kv.get("bot-1", "k") == value


@settings(max_examples=25, deadline=None)
@given(bad=bst.invalid_calls())
def test_bad_input_is_refused_with_its_error(bad: bst.InvalidCall) -> None:
    model = ModelStore(clock=FakeClock())
    model.bots.register(bst.BOT)
    with pytest.raises(bad.error):
        bad.call(model)


def test_an_oversized_value_is_invalid(store: Any) -> None:
    store.bots.register("bot-1")
    with pytest.raises(InvalidInput):
        store.kv.set("bot-1", "k", "x" * store.kv.max_value_bytes)


# --- A domain rule, given/when/then, without a database ----------------------

AT = datetime(2026, 1, 1, tzinfo=UTC)


def test_two_failures_open_a_breaker_with_threshold_two() -> None:
    policy = BreakerPolicy(failure_threshold=2)

    def fail(provider: Any) -> None:
        provider.record_failure(error="503", error_kind=None, open_until=None, at=AT)

    (
        given_history(Provider.register("llm", policy=policy, actor="ops", at=AT), fail)
        .when(fail)
        .then_events(
            Provider.CallFailed,
            Expect(Provider.CircuitOpened, reason="2 consecutive failures"),
        )
        .then_state(circuit="open")
    )


def test_forcing_open_twice_is_refused() -> None:
    def force(provider: Any) -> None:
        provider.force_open(reason="maintenance", actor="ops", at=AT)

    policy = BreakerPolicy()
    history = given_history(
        Provider.register("llm", policy=policy, actor="ops", at=AT), force
    )
    history.when(force).then_raises(InvalidTransition, match="already forced open")


# --- Your code against the store and the model, step by step -----------------


class VisitMachine(StoreMachine):
    """The kit's state machine with one more rule: your code. ``both`` runs it
    on the real store and on the model and compares the answers."""

    @rule(bot=BOTS)
    def visit(self, bot: str) -> None:
        self.both(lambda api: count_visit(api, bot))

    @rule(bot=BOTS, key=KEYS)
    def read_back(self, bot: str, key: str) -> None:
        self.both(lambda api: api.kv.get(bot, key))


VisitMachine.TestCase.settings = settings(
    max_examples=5, stateful_step_count=15, deadline=None
)
TestVisitMachine = VisitMachine.TestCase
