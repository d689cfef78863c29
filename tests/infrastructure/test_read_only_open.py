"""Opening a store to read: nothing is created, caught up or rebuilt, and
writes are refused before anything is decided — through the API and the CLI."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from boternity_store.infrastructure import (
    ReadOnlyStore,
    StoreNotFound,
    open_store,
)
from tests.cli.cli_run import run


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_read_only_open_of_a_missing_store_creates_nothing(tmp_path: Path) -> None:
    with pytest.raises(StoreNotFound, match="no store at"):
        open_store(f"sqlite:///{tmp_path / 'typo.db'}", read_only=True)
    assert list(tmp_path.iterdir()) == []


def test_a_read_only_open_of_another_database_is_not_a_store(
    tmp_path: Path,
) -> None:
    import sqlite3

    other = tmp_path / "other.db"
    with sqlite3.connect(other) as db:
        db.execute("CREATE TABLE t (x)")
    with pytest.raises(StoreNotFound):
        open_store(f"sqlite:///{other}", read_only=True)


def test_reads_work_and_writes_are_refused_on_a_read_only_store(
    db_url: str, tmp_path: Path
) -> None:
    with open_store(db_url) as store:
        store.bots.register("b")
        store.kv.set("b", "k", 1)
        head = store.history.head()
    with open_store(db_url, read_only=True) as store:
        # Read the current state.
        assert store.kv.get("b", "k") == 1
        assert {s.state for s in store.projections.status()} == {"live"}
        # Every kind of write is refused, and nothing reaches the log.
        with pytest.raises(ReadOnlyStore):
            store.kv.set("b", "k", 2)
        with pytest.raises(ReadOnlyStore):
            store.bots.register("c")
        with pytest.raises(ReadOnlyStore), store.batch():
            store.kv.set("b", "k", 3)
        for operation in ("rebuild", "verify", "resume"):
            with pytest.raises(ReadOnlyStore):
                getattr(store.projections, operation)()
        assert store.history.head() == head
    with open_store(db_url) as store:
        assert store.kv.get("b", "k") == 1


@pytest.mark.sqlite_only  # reads the SQLite file itself
def test_a_read_only_open_does_not_catch_up_a_lagging_projection(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    with open_store(db_url) as store:
        store.bots.register("b")
        # Make the next write's projection lag: the event commits alone.
        store._runner.apply_appended = lambda *a, **k: None  # type: ignore[method-assign]
        monkeypatch.setattr(store._runner, "catch_up", lambda *a, **k: None)
        store.kv.set("b", "k", 1)
    path = Path(db_url.removeprefix("sqlite:///"))
    before = digest(path)
    with open_store(db_url, read_only=True) as store:
        kv = {s.name: s for s in store.projections.status()}["kv"]
        assert kv.lag == 1  # reported, not repaired
        assert store.kv.get("b", "k") is None
    assert digest(path) == before
    with open_store(db_url) as store:  # a writable open catches up
        assert store.kv.get("b", "k") == 1


def test_cli_read_commands_do_not_create_a_store(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'mistyped.db'}"
    for args in (["kv", "get", "b", "k"], ["bots", "list"], ["projections", "status"]):
        code, _, err = run(capsys, url, *args)
        assert code == 3, args
        assert "no store at" in err
    assert list(tmp_path.iterdir()) == []
    # A write creates it.
    assert run(capsys, url, "bots", "register", "b")[0] == 0
    assert run(capsys, url, "bots", "list")[0] == 0
