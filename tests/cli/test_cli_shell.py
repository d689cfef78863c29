"""The CLI fits the shell: values from stdin and files, one exit code per kind
of outcome, JSON errors for scripts, --version, completion, a lazy start."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from boternity_store.domain.validation import DEFAULT_MAX_VALUE_BYTES
from boternity_store.infrastructure import open_store
from tests.cli.cli_run import run

Capsys = pytest.CaptureFixture[str]


@pytest.fixture
def url(db_url: str) -> str:
    with open_store(db_url) as store:
        store.bots.register("bot-1")
    return db_url


def big_value() -> dict[str, str]:
    """A value just under the 1 MiB limit (far over a shell's argument limit)."""
    return {"text": "x" * (DEFAULT_MAX_VALUE_BYTES - 20)}


def test_a_value_from_standard_input_up_to_the_limit(
    capsys: Capsys, url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    value = big_value()
    monkeypatch.setattr(sys, "stdin", io.StringIO(json.dumps(value)))
    code, out, err = run(capsys, url, "kv", "set", "bot-1", "big", "-")
    assert (code, out, err) == (0, "bot-1/big = version 1\n", "")
    with open_store(url) as store:
        assert store.kv.get("bot-1", "big") == value


def test_a_value_from_a_file_up_to_the_limit(
    capsys: Capsys, url: str, tmp_path: Path
) -> None:
    value = big_value()
    (tmp_path / "value.json").write_text(json.dumps(value))
    code, _, err = run(
        capsys, url, "kv", "set", "bot-1", "big", f"@{tmp_path}/value.json"
    )
    assert (code, err) == (0, "")
    code, out, _ = run(capsys, url, "kv", "get", "bot-1", "big", "--json")
    assert json.loads(out) == value


def test_a_value_over_the_limit_is_invalid_input(
    capsys: Capsys, url: str, tmp_path: Path
) -> None:
    (tmp_path / "value.json").write_text(json.dumps("x" * DEFAULT_MAX_VALUE_BYTES))
    code, _, err = run(
        capsys, url, "kv", "set", "bot-1", "k", f"@{tmp_path}/value.json"
    )
    assert code == 2 and "the limit is" in err


def test_a_missing_value_file_is_invalid_input(capsys: Capsys, url: str) -> None:
    code, out, err = run(capsys, url, "kv", "set", "bot-1", "k", "@/no/such.json")
    assert (code, out) == (2, "")
    assert err == (
        "error: invalid input: cannot read value from /no/such.json:"
        " No such file or directory\n"
    )


def test_a_bare_word_gets_a_hint_to_quote_it(capsys: Capsys, url: str) -> None:
    code, _, err = run(capsys, url, "kv", "set", "bot-1", "k", "hello")
    assert code == 2
    assert err == (
        "error: invalid input: value is not valid JSON; to store the string,"
        """ quote it: '"hello"'\n"""
    )


@pytest.mark.parametrize(
    "args",
    [
        ["kv", "list", "ghost"],
        ["audit", "bot", "ghost"],
        ["files", "list", "ghost"],
        ["kv", "get", "ghost", "k"],
        ["kv", "set", "ghost", "k", "1"],
    ],
)
def test_an_unknown_bot_exits_3_on_reads_as_on_writes(
    capsys: Capsys, url: str, args: list[str]
) -> None:
    code, out, err = run(capsys, url, *args)
    assert (code, out) == (3, "")
    assert "ghost" in err and err.count("\n") == 1


def test_a_refused_call_exits_4(capsys: Capsys, url: str) -> None:
    run(capsys, url, "providers", "force-open", "p", "--reason", "outage")
    code, out, _ = run(capsys, url, "providers", "allow", "p")
    assert (code, out) == (4, "p: rejected\n")
    run(capsys, url, "providers", "force-close", "p", "--reason", "back")
    assert run(capsys, url, "providers", "allow", "p")[0] == 0


def test_json_errors_are_json_on_stderr(capsys: Capsys, url: str) -> None:
    code, out, err = run(capsys, url, "kv", "list", "ghost", "--json")
    assert (code, out) == (3, "")
    assert json.loads(err) == {
        "error": "BotNotFound",
        "message": "bot 'ghost' not found",
        "exit_code": 3,
    }
    code, _, err = run(capsys, url, "kv", "set", "bot-1", "k", "{", "--json")
    assert code == 2 and json.loads(err)["error"] == "InvalidInput"


def test_every_delete_answers_in_one_shape(capsys: Capsys, url: str) -> None:
    run(capsys, url, "kv", "set", "bot-1", "k", "1")
    run(capsys, url, "files", "put", "bot-1", "a.txt", "--size", "1")
    run(capsys, url, "memories", "add", "bot-1", "m-1")

    def deleted(*args: str) -> dict[str, object]:
        code, out, err = run(capsys, url, *args, "--json")
        assert code == 0, err
        answer = json.loads(out)
        assert isinstance(answer, dict)
        return answer

    assert deleted("kv", "delete", "bot-1", "k") == {
        "deleted": True, "bot_id": "bot-1", "key": "k"
    }  # fmt: skip
    assert deleted("kv", "delete", "bot-1", "k")["deleted"] is False
    assert deleted("files", "delete", "bot-1", "a.txt") == {
        "deleted": True, "bot_id": "bot-1", "filename": "a.txt"
    }  # fmt: skip
    memory = deleted("memories", "delete", "bot-1", "m-1")
    assert {k: memory[k] for k in ("deleted", "bot_id", "memory_id")} == {
        "deleted": True, "bot_id": "bot-1", "memory_id": "m-1"
    }  # fmt: skip
    assert deleted("bots", "delete", "bot-1") == {"deleted": True, "bot_id": "bot-1"}


def test_times_print_the_same_in_tables_and_json(capsys: Capsys, url: str) -> None:
    _, out, _ = run(capsys, url, "bots", "list", "--json")
    created = json.loads(out)[0]["created_at"]
    assert created.endswith("Z")
    assert created in run(capsys, url, "bots", "list")[1]


def test_version_and_shell_completion(capsys: Capsys, url: str) -> None:
    from importlib.metadata import version

    code, out, _ = run(capsys, url, "--version")
    assert (code, out) == (0, f"boternity-store {version('boternity-store')}\n")
    code, out, _ = run(capsys, url, "--help")
    assert code == 0
    assert "--install-completion" in out and "--show-completion" in out


def test_init_creates_a_store_and_reads_never_do(
    capsys: Capsys, tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'new.db'}"
    assert run(capsys, url, "bots", "list")[0] == 3
    assert not (tmp_path / "new.db").exists()
    code, out, _ = run(capsys, url, "init")
    assert code == 0 and out.startswith("store ready at")
    assert run(capsys, url, "bots", "list", "--json")[1] == "[]\n"


def test_help_and_usage_errors_do_not_load_the_store() -> None:
    """What makes --help fast: the store and its libraries load only when a
    command opens one."""
    probe = (
        "import sys\n"
        "from boternity_store.infrastructure.cli import main\n"
        "for args in (['--help'], ['kv', '--help'], ['kv', 'get']):\n"
        "    main(args)\n"
        "heavy = {'sqlalchemy', 'eventsourcing', 'psycopg'}\n"
        "print(sorted(heavy & {m.split('.')[0] for m in sys.modules}))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    assert done.stdout.splitlines()[-1] == "[]"
