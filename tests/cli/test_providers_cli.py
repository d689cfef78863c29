"""``boternity-store providers ...`` through the CLI entry point."""

from __future__ import annotations

import json
from datetime import datetime

import pytest

from boternity_store.infrastructure import open_store
from boternity_store.infrastructure.cli.providers import app
from tests.cli.cli_run import run as cli_run

Capsys = pytest.CaptureFixture[str]


def run(capsys: Capsys, url: str, *args: str) -> tuple[int, str, str]:
    return cli_run(capsys, url, "providers", *args)


def test_failures_open_the_circuit_and_requests_are_rejected(
    capsys: Capsys, db_url: str
) -> None:
    for n in range(1, 5):
        assert run(capsys, db_url, "failure", "openai", "--error", "HTTP 503")[1] == (
            f"openai: closed; {n}/{n} calls failed\n"
        )
    code, out, _ = run(capsys, db_url, "failure", "openai", "--error", "HTTP 503")
    assert code == 0
    assert out.startswith("openai: open (5 consecutive failures) until 20")
    assert run(capsys, db_url, "allow", "openai") == (4, "openai: rejected\n", "")


def test_status_prints_a_table_of_every_provider(capsys: Capsys, db_url: str) -> None:
    run(capsys, db_url, "success", "openai", "--latency-ms", "120")
    run(capsys, db_url, "force-open", "anthropic", "--reason", "outage")
    code, out, _ = run(capsys, db_url, "status")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "providers"
    assert all(text in lines[4] for text in ["anthropic", "open (forced)", "outage"])
    assert all(text in lines[5] for text in ["openai", "closed", "0/1"])


def test_status_of_one_provider_lists_its_fields(capsys: Capsys, db_url: str) -> None:
    run(capsys, db_url, "failure", "openai", "--error", "timeout", "--kind", "timeout")
    code, out, _ = run(capsys, db_url, "status", "openai")
    assert code == 0
    assert "last error kind" in out and "timeout" in out and "30 s" in out


def test_every_command_prints_json_with_json(capsys: Capsys, db_url: str) -> None:
    commands = [
        ["configure", "p", "--failure-threshold", "1", "--cooldown", "60"],
        ["success", "p", "--latency-ms", "5"],
        ["failure", "p", "--error", "429", "--retry-after", "120"],
        ["force-open", "p", "--reason", "incident"],
        ["force-close", "p"],
        ["reset", "p", "--reason", "new key"],
    ]
    states = []
    for args in commands:
        code, out, _ = run(capsys, db_url, *args, "--json")
        assert code == 0
        states.append(json.loads(out)["circuit_state"])
    assert states == ["closed", "closed", "open", "open", "closed", "closed"]
    assert json.loads(run(capsys, db_url, "allow", "p", "--json")[1]) == {
        "name": "p",
        "allowed": True,
    }
    [listed] = json.loads(run(capsys, db_url, "status", "--json")[1])
    one = json.loads(run(capsys, db_url, "status", "p", "--json")[1])
    assert listed == one
    assert one["policy"] == {
        "failure_threshold": 1,
        "cooldown_seconds": 60.0,
        "half_open_successes": 1,
    }


def test_retry_after_sets_open_until(capsys: Capsys, db_url: str) -> None:
    run(capsys, db_url, "configure", "p", "--failure-threshold", "1")
    status = json.loads(
        run(
            capsys,
            db_url,
            "failure",
            "p",
            "--error",
            "429",
            "--retry-after",
            "3600",
            "--json",
        )[1]
    )
    opened = datetime.fromisoformat(status["state_since"])
    until = datetime.fromisoformat(status["open_until"])
    assert 3599 < (until - opened).total_seconds() <= 3600


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["status", "ghost"], 3, "error: provider 'ghost' not found\n"),
        (["reset", "ghost"], 3, "error: provider 'ghost' not found\n"),
        (
            ["force-close", "p"],
            4,
            "error: InvalidTransition: provider 'p' is already closed\n",
        ),
        (
            ["configure", "p", "--cooldown", "0"],
            2,
            "error: invalid input: cooldown_seconds",
        ),
        (
            ["failure", "p", "--error", ""],
            2,
            "error: invalid input: error must not be empty\n",
        ),
        (
            ["failure", "p", "--error", "x", "--retry-after", "-1"],
            2,
            "error: invalid input",
        ),
        (["force-open", "p"], 2, "error: Missing option '--reason'"),
        (["failure", "p"], 2, "error: Missing option '--error'"),
    ],
)
def test_errors_are_one_line_with_a_nonzero_exit(
    capsys: Capsys, db_url: str, args: list[str], code: int, message: str
) -> None:
    open_store(db_url).close()  # a store exists: read commands do not create one
    got, out, err = run(capsys, db_url, *args)
    assert (got, out) == (code, "")
    assert err.startswith(message)
    assert err.count("\n") == 1


def test_every_command_has_help_with_an_example() -> None:
    for command in app.registered_commands:
        assert command.callback is not None
        doc = command.callback.__doc__ or ""
        assert "Example: boternity-store providers " in doc, command.name
