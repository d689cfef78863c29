"""``boternity-store memories ...`` and ``boternity-store audit ...``."""

from __future__ import annotations

import json

import pytest

from tests.cli.cli_run import run


@pytest.fixture
def bots(capsys: pytest.CaptureFixture[str], db_url: str) -> None:
    for bot_id in ("bot-1", "bot-2"):
        assert run(capsys, db_url, "bots", "register", bot_id)[0] == 0


def test_memory_actions_print_one_line_or_the_entry_as_json(
    capsys: pytest.CaptureFixture[str], db_url: str, bots: None
) -> None:
    add = ["add", "bot-1", "m-1", "--actor", "alice", "--details", '{"text": "tea"}']
    code, out, _ = run(capsys, db_url, "memories", *add)
    assert code == 0
    assert out.startswith("add m-1 (bot bot-1) by alice at ")
    share = ["share", "bot-1", "m-1", "--with-bot", "bot-2", "--json"]
    code, out, _ = run(capsys, db_url, "memories", *share)
    entry = json.loads(out)
    assert (code, entry["action"], entry["details"]) == (
        0,
        "share",
        {"with_bot_id": "bot-2"},
    )
    assert list(entry) == [
        "id",
        "bot_id",
        "memory_id",
        "action",
        "actor",
        "details",
        "created_at",
    ]
    commands = [
        ["revoke", "bot-1", "m-1", "--from-bot", "bot-2"],
        ["add", "bot-1", "m-2"],
        ["add", "bot-1", "m-3"],
        ["merge", "bot-1", "m-1", "--source", "m-2", "--source", "m-3"],
        ["delete", "bot-1", "m-1", "--reason", "outdated"],
    ]
    for command in commands:
        assert run(capsys, db_url, "memories", *command)[0] == 0
    code, out, _ = run(capsys, db_url, "audit", "memory", "m-1", "--json")
    trail = json.loads(out)
    assert [e["action"] for e in trail] == ["add", "share", "revoke", "merge", "delete"]
    assert trail[3]["details"] == {"source_ids": ["m-2", "m-3"]}
    assert trail[4]["details"] == {"reason": "outdated"}


def test_audit_bot_prints_a_table_newest_first_and_honours_limit(
    capsys: pytest.CaptureFixture[str], db_url: str, bots: None
) -> None:
    run(capsys, db_url, "memories", "add", "bot-1", "m-1")
    run(capsys, db_url, "memories", "add", "bot-1", "m-2", "--details", "[1]")
    code, out, _ = run(capsys, db_url, "audit", "bot", "bot-1")
    assert code == 0
    assert "audit log of bot bot-1" in out
    assert out.index("m-2") < out.index("m-1")
    assert "[1]" in out
    code, out, _ = run(capsys, db_url, "audit", "bot", "bot-1", "--limit=1", "--json")
    assert [e["memory_id"] for e in json.loads(out)] == ["m-2"]


def test_memories_get_shows_status_and_shares(
    capsys: pytest.CaptureFixture[str], db_url: str, bots: None
) -> None:
    run(capsys, db_url, "memories", "add", "bot-1", "m-1")
    run(capsys, db_url, "memories", "share", "bot-1", "m-1", "--with-bot", "bot-2")
    code, out, _ = run(capsys, db_url, "memories", "get", "m-1", "--json")
    info = json.loads(out)
    assert (code, info["status"], info["shared_with"]) == (0, "active", ["bot-2"])
    code, out, _ = run(capsys, db_url, "memories", "get", "m-1")
    assert 'status: "active"' in out


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["memories", "delete", "bot-1", "m-9"], 3, "error: memory 'm-9' not found\n"),
        (["memories", "get", "m-9"], 3, "error: memory 'm-9' not found\n"),
        (
            ["memories", "merge", "bot-1", "m-1", "--source", "m-1"],
            4,
            "error: InvalidTransition: memory 'm-1' cannot be merged into itself\n",
        ),
        (
            ["memories", "share", "bot-1", "m-1", "--with-bot", "ghost"],
            4,
            "error: InvalidTransition: cannot share with unknown bot 'ghost'\n",
        ),
        (
            ["memories", "add", "bot-1", "m-1"],
            4,
            "error: MemoryAlreadyExists: memory 'm-1' already exists\n",
        ),
        (
            ["memories", "add", "bot-1", "m-2", "--details", "{bad"],
            2,
            "error: invalid input: details is not valid JSON",
        ),
        (["memories", "share", "bot-1", "m-1"], 2, "error: Missing option"),
        (["audit", "bot", "bot-1", "--limit", "-1"], 2, "error: Invalid value"),
    ],
)
def test_errors_are_one_line_with_a_nonzero_exit(
    capsys: pytest.CaptureFixture[str],
    db_url: str,
    bots: None,
    args: list[str],
    code: int,
    message: str,
) -> None:
    run(capsys, db_url, "memories", "add", "bot-1", "m-1")
    got_code, out, err = run(capsys, db_url, *args)
    assert (got_code, err[: len(message)]) == (code, message)
    assert len(err.strip().splitlines()) == 1
    assert "Traceback" not in err + out
