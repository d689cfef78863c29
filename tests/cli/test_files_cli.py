"""``boternity-store files ...`` through the CLI entry point."""

from __future__ import annotations

import json
from typing import Any

import pytest

from boternity_store.infrastructure.cli.files import app as files_app
from tests.cli.cli_run import run


def run_json(capsys: pytest.CaptureFixture[str], url: str, *args: str) -> Any:
    code, out, err = run(capsys, url, *args, "--json")
    assert (code, err) == (0, "")
    return json.loads(out)


@pytest.fixture
def url(capsys: pytest.CaptureFixture[str], db_url: str) -> str:
    assert run(capsys, db_url, "bots", "register", "bot-1")[0] == 0
    return db_url


def test_put_versions_index_and_delete(
    capsys: pytest.CaptureFixture[str], url: str
) -> None:
    first = run_json(
        capsys,
        url,
        "files",
        "put",
        "bot-1",
        "a.txt",
        "--size",
        "3",
        "--mime-type",
        "text/plain",
        "--sha256",
        "a" * 64,
    )
    assert (first["version"], first["mime_type"], first["index_status"]) == (
        1,
        "text/plain",
        "pending",
    )
    second = run_json(capsys, url, "files", "put", "bot-1", "a.txt", "--size", "5")
    assert (second["id"], second["version"]) == (first["id"], 2)
    versions = run_json(capsys, url, "files", "versions", first["id"])
    assert [(v["version"], v["size_bytes"]) for v in versions] == [(2, 5), (1, 3)]
    needing = run_json(capsys, url, "files", "needing-index", "bot-1")
    assert [f["filename"] for f in needing] == ["a.txt"]
    started = run_json(capsys, url, "files", "indexing", first["id"])
    assert started["index_status"] == "in_progress"
    done = run_json(capsys, url, "files", "indexed", first["id"], "--version", "2")
    assert (done["is_indexed"], done["index_status"]) == (True, "completed")
    assert run_json(capsys, url, "files", "needing-index") == []
    listed = run_json(capsys, url, "files", "list", "bot-1")
    assert [(f["filename"], f["version"]) for f in listed] == [("a.txt", 2)]
    assert run_json(capsys, url, "files", "delete", "bot-1", "a.txt") == {
        "deleted": True,
        "bot_id": "bot-1",
        "filename": "a.txt",
    }
    assert run_json(capsys, url, "files", "delete", "bot-1", "a.txt") == {
        "deleted": False,
        "bot_id": "bot-1",
        "filename": "a.txt",
    }


def test_plain_output_is_readable(capsys: pytest.CaptureFixture[str], url: str) -> None:
    code, out, _ = run(capsys, url, "files", "put", "bot-1", "a.txt", "--size", "3")
    file_id = out.split()[1]
    assert (code, out) == (0, f"bot-1/a.txt {file_id} version 1 (pending)\n")
    code, out, _ = run(capsys, url, "files", "list", "bot-1")
    assert code == 0
    assert "files of bot-1" in out and "a.txt" in out and file_id in out
    code, out, _ = run(capsys, url, "files", "versions", file_id)
    assert code == 0 and f"versions of {file_id}" in out
    code, out, _ = run(capsys, url, "files", "failed", file_id, "--error", "timeout")
    assert (code, out) == (0, f"bot-1/a.txt {file_id} version 1 (failed)\n")
    code, out, _ = run(capsys, url, "files", "delete", "bot-1", "a.txt")
    assert (code, out) == (0, "deleted bot-1/a.txt\n")


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["put", "ghost", "a.txt", "--size", "1"], 3, "error: bot 'ghost' not found\n"),
        (["put", "bot-1", "../a", "--size", "1"], 2, "error: invalid input: filename"),
        (["put", "bot-1", "a", "--size", "-1"], 2, "error: invalid input: size_bytes"),
        (["indexed", "nope", "--version", "1"], 3, "error: file 'nope' not found\n"),
        (["put", "bot-1", "a"], 2, "error: Missing option '--size'"),
    ],
)
def test_errors_are_one_line_with_a_nonzero_exit(
    capsys: pytest.CaptureFixture[str],
    url: str,
    args: list[str],
    code: int,
    message: str,
) -> None:
    got, out, err = run(capsys, url, "files", *args)
    assert (got, out) == (code, "")
    assert err.startswith(message) and err.count("\n") == 1


def test_a_stale_version_mark_is_an_invalid_transition(
    capsys: pytest.CaptureFixture[str], url: str
) -> None:
    file = run_json(capsys, url, "files", "put", "bot-1", "a.txt", "--size", "1")
    run(capsys, url, "files", "put", "bot-1", "a.txt", "--size", "2")
    code, out, err = run(capsys, url, "files", "indexed", file["id"], "--version", "1")
    assert (code, out) == (4, "")
    assert err.startswith("error: InvalidTransition: ")


def test_every_files_command_has_help_with_an_example() -> None:
    for command in files_app.registered_commands:
        doc = command.callback.__doc__ if command.callback else None
        assert doc and "Example: boternity-store files " in doc, command.name
