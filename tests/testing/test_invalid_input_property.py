"""Any invalid input raises its typed error and leaves the event log byte for
byte unchanged, on SQLite and PostgreSQL; the model raises the same error.
Events of every kind the commands write round-trip through serialisation."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from boternity_store.infrastructure import Store, open_store
from boternity_store.testing import FakeClock, ModelStore
from boternity_store.testing import strategies as bst
from boternity_store.testing.strategies import InvalidCall
from tests.conftest import examples
from tests.testing.command_sequences import Command, command_lists, run_commands

SHARED_STORE = settings(
    max_examples=examples(40),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


@pytest.fixture
def populated(any_url: str) -> Any:
    """A store on each backend with ``bst.BOT`` registered and some history."""
    store = open_store(any_url, clock=FakeClock())
    store.bots.register(bst.BOT)
    store.kv.set(bst.BOT, "k", {"a": 1})
    store.memories.add(bst.BOT, "m", actor="a")
    store.files.put(bst.BOT, "f", size_bytes=1, actor="a")
    store.providers.record_failure("p", error="x")
    yield store
    store.close()


def log_bytes(store: Store) -> str:
    return json.dumps(list(store.export_events()), sort_keys=True)


@SHARED_STORE
@given(bad=bst.invalid_calls())
def test_invalid_input_raises_its_error_and_writes_nothing(
    populated: Store, bad: InvalidCall
) -> None:
    before = log_bytes(populated)
    with pytest.raises(bad.error):
        bad.call(populated)
    assert log_bytes(populated) == before


@settings(max_examples=examples(100), deadline=None)
@given(bad=bst.invalid_calls())
def test_the_model_raises_the_same_errors(bad: InvalidCall) -> None:
    model = ModelStore(clock=FakeClock())
    model.bots.register(bst.BOT)
    with pytest.raises(bad.error):
        bad.call(model)


@settings(
    max_examples=examples(15),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(sequence=command_lists)
def test_every_event_round_trips_through_serialisation(
    tmp_path_factory: pytest.TempPathFactory, sequence: list[Command]
) -> None:
    clock = FakeClock()
    url = f"sqlite:///{tmp_path_factory.mktemp('rt') / 'store.db'}"
    with open_store(url, clock=clock) as store:
        run_commands(store, clock, sequence)
        mapper = store._app.mapper  # the library's serialisation of events
        for _, event in store._event_log.read(after=0, limit=10**6):
            stored = mapper.to_stored_event(event)
            again = mapper.to_domain_event(stored)
            assert again == event
            assert mapper.to_stored_event(again) == stored
