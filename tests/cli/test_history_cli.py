"""The debugging commands: log, show, and each group's history."""

from __future__ import annotations

import json
from typing import Any

import pytest

from boternity_store.infrastructure import open_store
from tests.cli.cli_run import run
from tests.conftest import FakeClock

Capsys = pytest.CaptureFixture[str]


@pytest.fixture
def url(db_url: str, clock: FakeClock) -> str:
    with open_store(db_url, clock=clock) as store:
        store.bots.register("bot-1", actor="admin")  # 1
        store.kv.set("bot-1", "prefs", {"tone": "warm"}, actor="alice")  # 2
        clock.advance(3600)
        store.kv.set("bot-1", "prefs", {"tone": "cold"}, actor="mallory")  # 3
        store.providers.record_failure("openai", error="HTTP 503")  # 4, 5
        store.memories.add("bot-1", "m-1", actor="bot-1")  # 6
        store.files.put("bot-1", "a.txt", size_bytes=1, actor="uploader")
    return db_url


def lines(out: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in out.splitlines()]


def test_log_filters_by_bot_key_actor_and_type(capsys: Capsys, url: str) -> None:
    code, out, _ = run(capsys, url, "log", "--bot", "bot-1", "--key", "prefs", "--json")
    assert code == 0
    assert [(e["position"], e["actor"]) for e in lines(out)] == [
        (2, "alice"),
        (3, "mallory"),
    ]
    code, out, _ = run(capsys, url, "log", "--actor", "mallory")
    assert code == 0 and out.count("\n") == 1
    assert "#3  mallory  KvKey.ValueSet bot-1" in out
    code, out, _ = run(capsys, url, "log", "--type", "Provider.CallFailed", "--json")
    assert [e["type"] for e in lines(out)] == ["Provider.CallFailed"]


def test_log_since_and_until_take_positions_and_times(capsys: Capsys, url: str) -> None:
    code, out, _ = run(capsys, url, "log", "--since", "2", "--until", "3", "--json")
    assert code == 0 and [e["position"] for e in lines(out)] == [2, 3]
    until = "2026-01-01T12:30:00Z"
    code, out, _ = run(capsys, url, "log", "--until", until, "--json")
    assert code == 0 and [e["position"] for e in lines(out)] == [1, 2]


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (["log", "--since", "yesterday"], 2),
        (["log", "--limit", "-1"], 2),
        (["log", "--key", "prefs"], 2),
        (["log", "--bot", "ghost"], 3),
        (["show", "ghost"], 3),
        (["show", "bot-1", "--at", "99999"], 2),
        (["show", "bot-1", "--at", "2999-01-01T00:00:00Z"], 2),
        (["kv", "history", "ghost", "k"], 3),
    ],
)
def test_bad_debugging_arguments(
    capsys: Capsys, url: str, args: list[str], code: int
) -> None:
    got, out, err = run(capsys, url, *args)
    assert (got, out) == (code, "")
    assert err.startswith("error: ") and err.count("\n") == 1


def test_show_answers_as_of_a_point(capsys: Capsys, url: str) -> None:
    code, out, _ = run(capsys, url, "show", "bot-1", "--at", "2", "--json")
    state = json.loads(out)
    assert code == 0 and state["position"] == 2
    assert [(e["key"], e["value"], e["updated_by"]) for e in state["kv"]] == [
        ("prefs", {"tone": "warm"}, "alice")
    ]
    assert state["providers"] == [] and state["files"] == []
    code, out, _ = run(capsys, url, "show", "bot-1")
    assert code == 0 and "mallory" in out and "openai" in out


def test_each_group_has_a_history(capsys: Capsys, url: str) -> None:
    code, out, _ = run(capsys, url, "kv", "history", "bot-1", "prefs", "--json")
    assert [(c["version"], c["actor"]) for c in lines(out)] == [
        (1, "alice"),
        (2, "mallory"),
    ]
    code, out, _ = run(capsys, url, "providers", "history", "openai", "--json")
    assert [e["type"] for e in lines(out)] == [
        "Provider.Registered",
        "Provider.CallFailed",
    ]
    code, out, _ = run(capsys, url, "memories", "history", "bot-1", "m-1", "--json")
    assert [e["type"] for e in lines(out)] == ["Memory.Added"]
    code, out, _ = run(capsys, url, "files", "history", "bot-1", "a.txt", "--json")
    assert code == 0 and len(lines(out)) >= 2  # the name assigned, the file put
    code, out, _ = run(capsys, url, "bots", "history", "bot-1", "--json")
    assert [life["incarnation"] for life in lines(out)] == [1]
    code, out, _ = run(capsys, url, "kv", "history", "bot-1", "prefs")
    assert code == 0 and "mallory" in out


def test_log_follow_prints_new_events_as_they_are_logged(url: str) -> None:
    import signal
    import subprocess
    import sys
    from pathlib import Path

    command = Path(sys.executable).parent / "boternity-store"
    follower = subprocess.Popen(
        [str(command), "--url", url, "log", "--follow", "--limit", "1", "--json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        first = json.loads(read_line(follower))  # the last event so far
        with open_store(url) as store:
            store.kv.set("bot-1", "later", 1, actor="late-writer")
        new = json.loads(read_line(follower))  # waits until it is printed
        assert (new["actor"], new["position"]) == ("late-writer", first["position"] + 1)
    finally:
        follower.send_signal(signal.SIGINT)
        assert follower.wait(timeout=30) == 0


def read_line(process: Any, timeout: float = 30) -> str:
    """The process's next line of output; fails (rather than hangs) if none
    comes within ``timeout`` seconds."""
    import queue
    import threading

    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(
        target=lambda: lines.put(process.stdout.readline()), daemon=True
    ).start()
    try:
        return lines.get(timeout=timeout)
    except queue.Empty:
        process.kill()
        raise AssertionError(f"no output within {timeout} s") from None
