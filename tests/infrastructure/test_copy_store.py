"""``copy_store`` moves a store, with its whole history, between SQLite and
PostgreSQL in both directions: the events verbatim and in order, then the read
tables built on the target and verified. A target that has events, or is the
source itself, is refused before anything is written."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from boternity_store.infrastructure import (
    InvalidInput,
    Store,
    StoreNotFound,
    copy_store,
    open_store,
)
from tests.cli.cli_run import run
from tests.conftest import FakeClock
from tests.golden.golden_reads import read_everything

GOLDEN = Path(__file__).parent.parent / "golden" / "v1" / "store.sqlite"


def verbatim(store: Store) -> list[dict[str, Any]]:
    """The log as exported, without the positions (checked apart)."""
    return [
        {k: v for k, v in record.items() if k != "position"}
        for record in store.export_events()
    ]


def reads(store: Store) -> dict[str, Any]:
    """What the read API answers, with per-thing histories besides."""
    answer = read_everything(store)
    answer["kv_history"] = [
        c.model_dump(mode="json") for c in store.kv.history("bot-1", "k7")
    ]
    answer["memory_audit"] = [
        e.model_dump(mode="json") for e in store.audit.get_for_memory("m-17")
    ]
    answer["lives"] = [b.model_dump(mode="json") for b in store.bots.history("bot-1")]
    return answer


def fill(store: Store, count: int) -> None:
    """``count`` more events over keys, memories, files and providers."""
    for start in range(0, count, 500):
        with store.batch():
            for i in range(start, min(start + 500, count)):
                bot = ("bot-1", "bot-2")[i % 2]
                kind = i % 10
                if kind == 0:
                    store.memories.add(bot, f"m-{i}", actor="copy-test")
                elif kind == 1:
                    store.files.put(bot, f"f{i % 20}.txt", size_bytes=i, actor="up")
                elif kind == 2:
                    store.providers.record_failure("llm", error=f"HTTP 5{i % 10}3")
                elif kind == 3:
                    store.providers.record_success("llm")
                else:
                    store.kv.set(bot, f"k{i % 40}", {"i": i, "s": "é\u2603"})


@pytest.fixture
def source_url(tmp_path: Path, clock: FakeClock) -> str:
    """The golden store (every event type, some in old formats) and 3,000
    events more."""
    path = tmp_path / "source.db"
    shutil.copy(GOLDEN, path)
    url = f"sqlite:///{path}"
    with open_store(url, clock=clock) as store:
        store.memories.add("bot-1", "m-17", actor="bot-1")
        store.memories.share("bot-1", "m-17", with_bot_id="bot-2", actor="bot-1")
        fill(store, 3000)
        store.bots.delete("bot-2", actor="admin")
        store.bots.register("bot-2", name="again", actor="admin")
    return url


def test_a_round_trip_through_postgresql_keeps_every_event_and_answer(
    source_url: str, pg_url: str, tmp_path: Path, clock: FakeClock
) -> None:
    back_url = f"sqlite:///{tmp_path / 'back.db'}"
    seen: list[tuple[str, int, int]] = []
    there = copy_store(source_url, pg_url, progress=lambda *report: seen.append(report))
    back = copy_store(pg_url, back_url)
    with (
        open_store(source_url, clock=clock, read_only=True) as source,
        open_store(pg_url, clock=clock, read_only=True) as on_postgres,
        open_store(back_url, clock=clock, read_only=True) as copied,
    ):
        events = source.history.head()
        assert events > 3700
        for result in (there, back):
            assert result.events == result.source_head == result.target_head == events
            assert result.same_log and result.heads_equal
            assert result.differences == [] and result.ok
        log = verbatim(source)
        assert verbatim(on_postgres) == log
        assert verbatim(copied) == log
        for store in (source, on_postgres, copied):
            positions = [r["position"] for r in store.export_events()]
            assert positions == list(range(1, events + 1))
        assert reads(on_postgres) == reads(source)
        assert reads(copied) == reads(source)
    phases = list(dict.fromkeys(phase for phase, _, _ in seen))
    assert phases == ["read", "write", "project", "compare", "verify"]
    last = {phase: (done, total) for phase, done, total in seen}
    assert all(done == total == events for done, total in last.values())


def test_the_copy_goes_on_as_a_store(any_url: str, tmp_path: Path) -> None:
    source = f"sqlite:///{tmp_path / 'small.db'}"
    with open_store(source) as store:
        store.bots.register("bot-1")
        store.kv.set("bot-1", "k", 1)
    assert copy_store(source, any_url).ok
    with open_store(any_url) as copied:
        assert copied.kv.set("bot-1", "k", 2).version == 2
        assert [c.value for c in copied.kv.history("bot-1", "k")] == [1, 2]
        assert copied.projections.verify() == []


def test_a_target_with_events_is_refused_and_left_as_it_was(
    any_url: str, tmp_path: Path
) -> None:
    source = f"sqlite:///{tmp_path / 'source.db'}"
    with open_store(source) as store:
        store.bots.register("bot-1")
        store.kv.set("bot-1", "k", "new")
    with open_store(any_url) as target:
        target.bots.register("bot-9")
        before = list(target.export_events())
        status = target.projections.status()
    with pytest.raises(InvalidInput, match="already has events"):
        copy_store(source, any_url)
    with open_store(any_url, read_only=True) as target:
        assert list(target.export_events()) == before
        assert target.projections.status() == status
        assert target.bots.get("bot-1") is None


def test_the_same_database_twice_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "one.db"
    open_store(f"sqlite:///{path}").close()
    spelled_otherwise = f"sqlite:///{tmp_path}/./one.db"
    with pytest.raises(InvalidInput, match="same database"):
        copy_store(f"sqlite:///{path}", spelled_otherwise)
    with pytest.raises(InvalidInput, match="same database"):
        copy_store(
            "postgresql://u@db.internal/bots",
            "postgresql://other@db.internal:5432/bots?connect_timeout=3",
        )


def test_a_missing_source_is_refused_and_no_target_is_created(tmp_path: Path) -> None:
    target = tmp_path / "target.db"
    with pytest.raises(StoreNotFound):
        copy_store(f"sqlite:///{tmp_path / 'missing.db'}", f"sqlite:///{target}")
    assert not target.exists()


def test_cli_copy(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    source, target = tmp_path / "source.db", tmp_path / "target.db"
    with open_store(f"sqlite:///{source}") as store:
        store.bots.register("bot-1")
        store.bots.register("bot-2")
        fill(store, 1200)
        events = store.history.head()
    args = ("copy", "--from", f"sqlite:///{source}", "--to", f"sqlite:///{target}")
    code, out, err = run(capsys, "sqlite:///unused.db", *args, "--json")
    assert (code, err) == (0, "")
    answer = json.loads(out)
    assert answer["events"] == answer["target_head"] == events > 1200
    assert answer["ok"] and answer["same_log"] and answer["differences"] == []
    get = ("kv", "get", "bot-1", "k4", "--json")
    code, out, err = run(capsys, f"sqlite:///{target}", *get)
    assert (code, json.loads(out)) == (0, {"i": 1164, "s": "é\u2603"})

    again = tmp_path / "again.db"
    code, out, _ = run(capsys, "sqlite:///unused.db", "copy", "--from",
                       f"sqlite:///{target}", "--to", f"sqlite:///{again}")  # fmt: skip
    assert code == 0
    assert f"copied {events:,} events" in out and "all projections match" in out

    code, _, err = run(capsys, "sqlite:///unused.db", *args, "--json")
    assert code == 2 and json.loads(err)["error"] == "InvalidInput"
    code, _, err = run(capsys, "sqlite:///unused.db", "copy", "--from",
                       f"sqlite:///{tmp_path / 'none.db'}", "--to",
                       f"sqlite:///{again}")  # fmt: skip
    assert code == 3 and "no store at" in err
    assert not (tmp_path / "unused.db").exists()
