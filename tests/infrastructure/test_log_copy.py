"""The log out and back in: export is verbatim and ordered, import into an
empty store (on any backend) rebuilds the same store; replay writes the read
tables of a point to a file any SQLite tool opens."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from boternity_store.infrastructure import InvalidInput, Store, open_store
from tests.cli.cli_run import run
from tests.infrastructure.test_time_travel import read_all


def fill(store: Store) -> None:
    for bot in ("bot-1", "bot-2"):
        store.bots.register(bot, actor="admin")
        store.kv.set(bot, "prefs", {"tone": "warm", "bot": bot}, actor="alice")
    store.kv.set("bot-1", "prefs", {"tone": "cold"}, actor="mallory")
    store.memories.add("bot-1", "m-1", actor="bot-1", details={"src": "chat"})
    store.memories.share("bot-1", "m-1", with_bot_id="bot-2", actor="bot-1")
    store.files.put("bot-1", "a.txt", size_bytes=3, actor="uploader")
    store.providers.record_failure("openai", error="HTTP 503 \u00e9")
    store.kv.delete("bot-2", "prefs", actor="bob")


@pytest.fixture
def source(any_url: str) -> Iterator[Store]:
    with open_store(any_url) as store:
        fill(store)
        yield store


def test_export_then_import_rebuilds_the_same_store(
    source: Store, tmp_path: Path
) -> None:
    records = list(source.export_events())
    assert [r["position"] for r in records] == list(range(1, len(records) + 1))
    with open_store(f"sqlite:///{tmp_path / 'copy.db'}") as copy:
        assert copy.import_events(json.loads(json.dumps(r)) for r in records) == len(
            records
        )
        assert list(copy.export_events()) == records  # verbatim, same positions
        assert read_all(copy) == read_all(source)
        assert copy.projections.verify() == []
        copy.kv.set("bot-1", "after", 1)  # and it goes on as a store
        assert copy.kv.history("bot-1", "prefs") == source.kv.history("bot-1", "prefs")


def test_an_export_of_one_bot_keeps_its_order(source: Store) -> None:
    mine = list(source.export_events(bot_id="bot-2"))
    positions = [r["position"] for r in mine]
    assert positions == sorted(positions) and len(positions) >= 2
    everything = {r["position"]: r for r in source.export_events()}
    assert all(everything[r["position"]] == r for r in mine)


def test_import_refuses_a_store_that_has_events(source: Store, tmp_path: Path) -> None:
    records = list(source.export_events())
    with pytest.raises(InvalidInput, match="empty store"):
        source.import_events(records)
    with (
        open_store(f"sqlite:///{tmp_path / 'bad.db'}") as empty,
        pytest.raises(InvalidInput, match="record 2"),
    ):
        empty.import_events([records[0], {"topic": "x"}])


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda r: r | {"topic": "nowhere:Nothing"}, "not an event of this store"),
        (lambda r: r | {"state": "{not json"}, "not an event of this store"),
        (lambda r: r | {"state": r["state"].replace("bot-1", "bot\\u0000")},
         "NUL"),
        (lambda r: r | {"state": r["state"].replace("bot-1", "bot\\ud800")},
         "surrogate"),
    ],
)  # fmt: skip
def test_import_refuses_what_no_projection_could_apply(
    source: Store, tmp_path: Path, edit: Any, message: str
) -> None:
    records = list(source.export_events())
    with open_store(f"sqlite:///{tmp_path / 'bad.db'}") as empty:
        with pytest.raises(InvalidInput, match=message):
            edited = edit(records[1])  # bot-1's first key
            assert edited != records[1]
            empty.import_events([records[0], edited, *records[2:]])
        assert empty.history.head() == 0  # nothing was written


def test_cli_export_import_and_replay(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'store.db'}"
    with open_store(url) as store:
        fill(store)
        before_mallory = store.kv.history("bot-1", "prefs")[0].position
    code, out, _ = run(capsys, url, "export")
    assert code == 0
    exported = out.splitlines()
    (tmp_path / "events.jsonl").write_text(out)
    copy = f"sqlite:///{tmp_path / 'copy.db'}"
    code, out, _ = run(capsys, copy, "import", str(tmp_path / "events.jsonl"))
    assert (code, out) == (0, f"imported {len(exported)} events\n")
    code, out, _ = run(capsys, copy, "kv", "get", "bot-1", "prefs", "--json")
    assert json.loads(out) == {"tone": "cold"}
    then = tmp_path / "then.db"
    code, out, _ = run(
        capsys, url, "replay", "--until", str(before_mallory), "--out", str(then)
    )
    assert code == 0, out
    with sqlite3.connect(then) as db:
        rows = db.execute("SELECT bot_id, value FROM bot_kv_store").fetchall()
    assert rows == [("bot-1", '{"tone":"warm","bot":"bot-1"}')]
    code, _, err = run(capsys, url, "replay", "--out", str(then))
    assert code == 2 and "exists" in err
    (tmp_path / "broken.jsonl").write_text("{not json\n")
    code, _, err = run(capsys, f"sqlite:///{tmp_path / 'x.db'}", "import",
                       str(tmp_path / "broken.jsonl"))  # fmt: skip
    assert code == 2 and "line 1 is not JSON" in err


def test_an_export_since_a_time_and_an_import_into_a_read_only_store(
    any_url: str, tmp_path: Path
) -> None:
    from boternity_store.infrastructure import ReadOnlyStore
    from tests.conftest import FakeClock

    clock = FakeClock()
    with open_store(any_url, clock=clock) as store:
        store.bots.register("bot-1")
        clock.advance(3600)
        later = clock.now
        store.kv.set("bot-1", "k", 1)
        assert [r["position"] for r in store.export_events(since=later)] == [2]
        records = list(store.export_events())
    target = tmp_path / "target.db"
    open_store(f"sqlite:///{target}").close()
    with (
        open_store(f"sqlite:///{target}", read_only=True) as read_only,
        pytest.raises(ReadOnlyStore),
    ):
        read_only.import_events(records)


def test_a_bad_record_far_into_a_long_import_leaves_the_store_empty(
    tmp_path: Path,
) -> None:
    """The import streams (in batches of 1,000) yet checks every record before
    it writes the first."""
    with open_store(f"sqlite:///{tmp_path / 'long.db'}") as store:
        store.bots.register("bot-1")
        with store.batch():
            for i in range(2600):
                store.kv.set("bot-1", f"k{i % 30}", i)
        records = list(store.export_events())

    def stream() -> Iterator[object]:
        yield from records[:2500]
        yield records[2500] | {"topic": "nowhere:Nothing"}
        yield from records[2501:]

    with open_store(f"sqlite:///{tmp_path / 'copy.db'}") as empty:
        with pytest.raises(InvalidInput, match="record 2501: not an event"):
            empty.import_events(stream())
        assert empty.history.head() == 0
        seen: list[tuple[str, int, int | None]] = []
        assert empty.import_events(iter(records), progress=lambda *p: seen.append(p))
        assert list(empty.export_events()) == records
        assert empty.projections.verify() == []
    assert seen[-1] == ("project", 2601, 2601)
    assert ("check", 2601, 2601) in seen and ("write", 2601, 2601) in seen
    assert [p for p, _, _ in seen] == sorted(
        (p for p, _, _ in seen), key=["check", "write", "project"].index
    )
