"""The CLI through its entry point: exit codes, output, one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.cli.cli_run import run


def test_bots_and_kv_round_trip(
    capsys: pytest.CaptureFixture[str], db_url: str
) -> None:
    assert run(capsys, db_url, "bots", "register", "bot-1", "--name", "Helper")[0] == 0
    code, out, _ = run(capsys, db_url, "kv", "set", "bot-1", "prefs", '{"tone":"warm"}')
    assert (code, out) == (0, "bot-1/prefs = version 1\n")
    code, out, _ = run(capsys, db_url, "kv", "get", "bot-1", "prefs", "--json")
    assert (code, json.loads(out)) == (0, {"tone": "warm"})
    code, out, _ = run(capsys, db_url, "kv", "list", "bot-1", "--json")
    assert (code, json.loads(out)) == (0, ["prefs"])
    code, out, _ = run(capsys, db_url, "bots", "list", "--json")
    assert [b["bot_id"] for b in json.loads(out)] == ["bot-1"]
    code, out, _ = run(capsys, db_url, "kv", "delete", "bot-1", "prefs", "--json")
    assert json.loads(out) == {"deleted": True, "bot_id": "bot-1", "key": "prefs"}


def test_every_command_accepts_json(
    capsys: pytest.CaptureFixture[str], db_url: str
) -> None:
    assert run(capsys, db_url, "bots", "register", "b", "--json")[0] == 0
    code, out, _ = run(capsys, db_url, "kv", "set", "b", "k", "[1, 2.0]", "--json")
    assert (code, json.loads(out)["value"]) == (0, [1, 2.0])
    assert json.loads(run(capsys, db_url, "bots", "delete", "b", "--json")[1]) == {
        "deleted": True,
        "bot_id": "b",
    }


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["kv", "set", "ghost", "k", "1"], 3, "error: bot 'ghost' not found\n"),
        (["kv", "get", "ghost", "k"], 3, "error: key 'k' not found for bot 'ghost'\n"),
        (
            ["kv", "set", "b", "k", "{bad"],
            2,
            "error: invalid input: value is not valid",
        ),
        (
            ["kv", "set", "b", "", "1"],
            2,
            "error: invalid input: key must not be empty\n",
        ),
        (
            ["bots", "register", "b"],
            4,
            "error: BotAlreadyExists: bot 'b' already exists\n",
        ),
        (["kv", "frobnicate"], 2, "error: No such command 'frobnicate'"),
    ],
)
def test_errors_are_one_line_with_a_nonzero_exit(
    capsys: pytest.CaptureFixture[str],
    db_url: str,
    args: list[str],
    code: int,
    message: str,
) -> None:
    run(capsys, db_url, "bots", "register", "b")
    got_code, out, err = run(capsys, db_url, *args)
    assert got_code == code
    assert err.startswith(message)
    assert len(err.strip().splitlines()) == 1
    assert "Traceback" not in err + out


def test_url_comes_from_the_environment_and_module_runs(db_url: str) -> None:
    env = {"BOTERNITY_STORE_URL": db_url, "PATH": ""}
    cmd = [sys.executable, "-m", "boternity_store.infrastructure.cli"]
    subprocess.run([*cmd, "bots", "register", "envbot"], env=env, check=True)
    listed = subprocess.run(
        [*cmd, "bots", "list", "--json"], env=env, check=True, capture_output=True
    )
    assert [b["bot_id"] for b in json.loads(listed.stdout)] == ["envbot"]


def test_every_command_has_help(capsys: pytest.CaptureFixture[str]) -> None:
    from typer.main import get_command

    from boternity_store.infrastructure.cli import app

    root = get_command(app)
    groups = root.commands  # type: ignore[attr-defined]
    for group_name, group in groups.items():
        commands = getattr(group, "commands", {"": group})
        for name, command in commands.items():
            assert command.help, f"{group_name} {name} has no help"
            assert "Example: boternity-store" in command.help, f"{group_name} {name}"
