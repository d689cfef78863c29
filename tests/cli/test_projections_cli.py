"""``boternity-store projections ...`` through the CLI entry point."""

from __future__ import annotations

import json
import sqlite3

import pytest

from boternity_store.infrastructure import open_store
from boternity_store.infrastructure.cli import main


def run(capsys: pytest.CaptureFixture[str], url: str, *args: str) -> tuple[int, str]:
    code = main(["--url", url, "projections", *args])
    out, err = capsys.readouterr()
    return code, out + err


@pytest.fixture
def filled(db_url: str) -> str:
    with open_store(db_url) as store:
        store.bots.register("b")
        for i in range(20):
            store.kv.set("b", f"k{i % 4}", i)
    return db_url


def test_status_prints_a_table_and_json(
    capsys: pytest.CaptureFixture[str], filled: str
) -> None:
    code, out = run(capsys, filled, "status")
    assert code == 0
    assert "position" in out and "kv" in out and "live" in out
    code, out = run(capsys, filled, "status", "--json")
    report = {s["name"]: s for s in json.loads(out)}
    assert report["kv"]["lag"] == 0 and report["kv"]["head"] == 21


@pytest.mark.sqlite_only  # reads the SQLite file itself
def test_verify_exits_1_on_drift_and_rebuild_repairs_it(
    capsys: pytest.CaptureFixture[str], filled: str
) -> None:
    assert run(capsys, filled, "verify") == (0, "all projections match the event log\n")
    with sqlite3.connect(filled.removeprefix("sqlite:///")) as db:
        db.execute("update bot_kv_store set value='\"forged\"' where key='k1'")
    code, out = run(capsys, filled, "verify")
    assert code == 1
    assert "drift kv: bot_kv_store" in out and "forged" in out
    code, out = run(capsys, filled, "verify", "--json")
    assert code == 1 and json.loads(out)[0]["table"] == "bot_kv_store"
    code, out = run(capsys, filled, "rebuild", "kv")
    assert code == 0 and "rebuilt kv" in out
    assert run(capsys, filled, "verify")[0] == 0


def test_rebuild_and_resume_accept_json_and_refuse_unknown_names(
    capsys: pytest.CaptureFixture[str], filled: str
) -> None:
    code, out = run(capsys, filled, "rebuild", "--json")
    assert code == 0 and {s["state"] for s in json.loads(out)} == {"live"}
    code, out = run(capsys, filled, "resume", "--json")
    assert code == 0 and len(json.loads(out)) == 6
    code, out = run(capsys, filled, "rebuild", "nope")
    assert code == 2 and out.startswith("error: invalid input: unknown projection")
