"""``store.diff`` between two points and ``providers.explain``."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta

import pytest

from boternity_store.infrastructure import (
    InvalidInput,
    ProviderNotFound,
    Store,
    open_store,
)
from tests.cli.cli_run import run
from tests.conftest import FakeClock


@pytest.fixture
def any_store(any_url: str, clock: FakeClock) -> Iterator[Store]:
    with open_store(any_url, clock=clock) as store:
        store.bots.register("bot-1", actor="admin")
        store.kv.set("bot-1", "prefs", {"tone": "warm"}, actor="alice")
        store.kv.set("bot-1", "gone", 1, actor="alice")
        yield store


def test_diff_lists_what_changed_between_two_points(
    any_store: Store, clock: FakeClock
) -> None:
    store = any_store
    start, then = store.history.head(), clock.now
    clock.advance(60)
    store.kv.set("bot-1", "prefs", {"tone": "cold"}, actor="mallory")
    store.kv.delete("bot-1", "gone", actor="bob")
    store.kv.set("bot-1", "new", [1], actor="bob")
    store.bots.register("bot-2", actor="admin")
    store.memories.add("bot-1", "m-1", actor="bot-1")
    store.files.put("bot-1", "a.txt", size_bytes=1, actor="up")
    store.providers.record_failure("openai", error="503")
    found = store.diff(start)
    assert found.from_position == start and found.to_position == store.history.head()
    assert found.bots_registered == ["bot-2"] and found.bots_deleted == []
    keys = {(c.name, json.dumps(c.before), json.dumps(c.after))
            for c in found.changes if c.kind == "key"}  # fmt: skip
    assert keys == {
        ("prefs", '{"tone": "warm"}', '{"tone": "cold"}'),
        ("gone", "1", "null"),
        ("new", "null", "[1]"),
    }
    assert {c.kind for c in found.changes} == {"key", "file", "provider"}
    assert [(a.memory_id, a.action) for a in found.memory_actions] == [("m-1", "add")]
    assert "~ key bot-1/prefs" in found.describe()
    assert json.loads(found.model_dump_json())["to_position"] == found.to_position
    by_time = store.diff(then, clock.now)
    assert by_time.changes == found.changes
    only_one = store.diff(start, bot_id="bot-2")
    assert only_one.bots_registered == ["bot-2"]
    assert [c.kind for c in only_one.changes] == ["provider"]
    assert store.diff(start, start).changes == []
    with pytest.raises(InvalidInput):
        store.diff(store.history.head(), start)
    with pytest.raises(InvalidInput):
        store.diff(clock.now + timedelta(days=1))


def test_explain_tells_why_the_breaker_is_open(any_store: Store) -> None:
    store = any_store
    store.providers.configure("openai", failure_threshold=3)
    store.providers.record_failure("openai", error="old failure")
    store.providers.record_success("openai")
    for error in ("HTTP 503", "timeout", "HTTP 503"):
        store.providers.record_failure("openai", error=error)
    why = store.providers.explain("openai")
    assert why.circuit_state == "open"
    assert "after 3 consecutive failure(s): HTTP 503; timeout" in why.text
    assert why.events[-1].type == "Provider.CircuitOpened"
    assert str(why) == why.text
    store.providers.force_close("openai", actor="ops", reason="fixed upstream")
    assert store.providers.explain("openai").text.startswith(
        "openai was forced closed at "
    )
    assert "by ops: fixed upstream" in store.providers.explain("openai").text
    with pytest.raises(ProviderNotFound):
        store.providers.explain("never-called")


def test_cli_diff_and_explain(
    capsys: pytest.CaptureFixture[str], db_url: str, clock: FakeClock
) -> None:
    with open_store(db_url, clock=clock) as store:
        store.bots.register("bot-1")
        store.kv.set("bot-1", "prefs", "warm", actor="alice")
        start = store.history.head()
        store.kv.set("bot-1", "prefs", "cold", actor="mallory")
        for _ in range(5):
            store.providers.record_failure("openai", error="HTTP 503")
    code, out, _ = run(capsys, db_url, "diff", str(start))
    assert code == 0 and '~ key bot-1/prefs: "warm" -> "cold"' in out
    code, out, _ = run(capsys, db_url, "diff", str(start), "--bot", "bot-1", "--json")
    assert code == 0 and json.loads(out)["changes"][0]["after"] == "cold"
    code, out, _ = run(capsys, db_url, "providers", "explain", "openai")
    assert code == 0 and out.startswith("openai opened at ")
    code, out, _ = run(capsys, db_url, "providers", "explain", "openai", "--json")
    assert json.loads(out)["circuit_state"] == "open"
    assert run(capsys, db_url, "diff", "soon")[0] == 2
    assert run(capsys, db_url, "providers", "explain", "ghost")[0] == 3
