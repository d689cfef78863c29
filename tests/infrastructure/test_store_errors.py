"""Every failure of the database, the driver or the system reaches the caller
as a StoreError subclass that names the cause, through the API and the CLI."""

from __future__ import annotations

import os
import socket
import sqlite3
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from eventsourcing.persistence import OperationalError as LibraryOperationalError
from eventsourcing.persistence import PersistenceError
from sqlalchemy.exc import OperationalError as SQLAlchemyOperationalError

from boternity_store.infrastructure import (
    DatabaseFailure,
    DatabaseUnavailable,
    InvalidInput,
    NotAStore,
    ReadOnlyStore,
    StoreBusy,
    StoreError,
    StoreNotFound,
    open_store,
)
from boternity_store.infrastructure.eventstore.driver_errors import store_error
from tests.cli.cli_run import run


def side_files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(("-wal", "-shm")))


# -- a file that is not a store -------------------------------------------------


def test_a_text_file_is_not_a_store_and_is_left_untouched(tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("shopping: milk, eggs\n")
    for read_only in (False, True):
        with pytest.raises(NotAStore, match=r"notes\.txt is not a SQLite database"):
            open_store(f"sqlite:///{notes}", read_only=read_only)
    assert notes.read_text() == "shopping: milk, eggs\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


def test_a_folder_is_not_a_store(tmp_path: Path) -> None:
    with pytest.raises(NotAStore, match="is a folder"):
        open_store(f"sqlite:///{tmp_path}")


def test_an_empty_url_is_refused_not_taken_for_the_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(InvalidInput, match="URL is empty"):
        open_store("")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "url", ["postgresql://h:port/x", "postgresql://[::1/x", "mysql://h/x"]
)
def test_a_malformed_url_is_invalid_input(url: str) -> None:
    with pytest.raises(InvalidInput):
        open_store(url)


@pytest.mark.parametrize(
    "options",
    [
        {"max_value_bytes": "x"},
        {"max_value_bytes": 0},
        {"busy_timeout": -1},
        {"busy_timeout": "1"},
        {"connect_timeout": 0},
        {"read_only": "yes"},
        {"clock": 5},
    ],
)
def test_bad_open_options_are_invalid_input(db_url: str, options: dict) -> None:
    with pytest.raises(InvalidInput):
        open_store(db_url, **options)


# -- read-only files and file systems ------------------------------------------


@pytest.fixture
def read_only_fs(tmp_path: Path) -> Iterator[Path]:
    """A folder on a file system mounted read-only, holding a store with one key."""
    mount = tmp_path / "ro"
    mount.mkdir()
    if os.geteuid() != 0:
        pytest.skip("mounting a read-only file system needs root")
    done = subprocess.run(["mount", "-t", "tmpfs", "tmpfs", str(mount)], check=False)
    if done.returncode != 0:
        pytest.skip("this machine does not allow mounting a tmpfs")
    try:
        with open_store(f"sqlite:///{mount / 'store.db'}") as store:
            store.bots.register("bot-1")
            store.kv.set("bot-1", "prefs", {"tone": "warm"})
        subprocess.run(["mount", "-o", "remount,ro", str(mount)], check=True)
        yield mount
    finally:
        subprocess.run(["umount", str(mount)], check=False)


def test_reads_work_on_a_read_only_file_system_and_writes_are_refused(
    read_only_fs: Path,
) -> None:
    url = f"sqlite:///{read_only_fs / 'store.db'}"
    with open_store(url, read_only=True) as store:
        assert store.kv.get("bot-1", "prefs") == {"tone": "warm"}
        assert {s.state for s in store.projections.status()} == {"live"}
        with pytest.raises(ReadOnlyStore):
            store.kv.set("bot-1", "prefs", 1)
    with pytest.raises(ReadOnlyStore, match="read_only=True"):
        open_store(url)
    assert side_files(read_only_fs) == []


def test_cli_reads_a_store_on_a_read_only_file_system(
    read_only_fs: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{read_only_fs / 'store.db'}"
    code, out, err = run(capsys, url, "kv", "get", "bot-1", "prefs", "--json")
    assert (code, out, err) == (0, '{"tone": "warm"}\n', "")
    code, out, err = run(capsys, url, "kv", "set", "bot-1", "prefs", "1")
    assert code == 4, err
    assert err.startswith("error: ") and err.count("\n") == 1
    assert side_files(read_only_fs) == []


@pytest.mark.sqlite_only  # reads the SQLite file itself
def test_a_read_only_open_leaves_no_side_files_behind(db_url: str) -> None:
    folder = Path(db_url.removeprefix("sqlite:///")).parent
    with open_store(db_url) as store:
        store.bots.register("bot-1")
    assert side_files(folder) == []
    with open_store(db_url, read_only=True) as store:
        assert store.bots.get("bot-1") is not None
    assert side_files(folder) == []


@pytest.mark.sqlite_only  # reads the SQLite file itself
def test_a_read_only_open_beside_a_writer_shares_its_side_files(db_url: str) -> None:
    folder = Path(db_url.removeprefix("sqlite:///")).parent
    with open_store(db_url) as writer:
        writer.bots.register("bot-1")
        with open_store(db_url, read_only=True) as reader:
            writer.kv.set("bot-1", "k", 1)
            assert reader.kv.get("bot-1", "k") == 1
        assert side_files(folder) == ["store.db-shm", "store.db-wal"]  # the writer's
        writer.kv.set("bot-1", "k", 2)  # and they still work for it
    assert side_files(folder) == []


# -- a lock held by another process --------------------------------------------


@pytest.mark.sqlite_only  # reads the SQLite file itself
def test_a_write_lock_held_past_the_busy_timeout_is_store_busy(db_url: str) -> None:
    path = db_url.removeprefix("sqlite:///")
    with open_store(db_url, busy_timeout=0.2) as store:
        store.bots.register("bot-1")
        head = store.history.head()
        other = sqlite3.connect(path, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")  # another process's long transaction
        try:
            started = time.monotonic()
            with pytest.raises(StoreBusy, match="busy_timeout"):
                store.kv.set("bot-1", "k", 1)
            assert time.monotonic() - started < 5
        finally:
            other.execute("ROLLBACK")
            other.close()
        assert store.history.head() == head
        assert store.kv.set("bot-1", "k", 1).version == 1  # nothing was lost


# -- PostgreSQL that cannot be reached -----------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_a_refused_postgresql_connection_fails_fast_with_the_reason() -> None:
    started = time.monotonic()
    with pytest.raises(DatabaseUnavailable, match="Connection refused"):
        open_store(f"postgresql://nope@127.0.0.1:{free_port()}/x")
    assert time.monotonic() - started < 5


@pytest.fixture
def silent_server() -> Iterator[int]:
    """A port that accepts TCP connections and never answers."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.1)
        while not stop.is_set():
            try:
                accepted.append(server.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield int(server.getsockname()[1])
    stop.set()
    thread.join()
    for conn in accepted:
        conn.close()
    server.close()


@pytest.mark.parametrize("how", ["argument", "url"])
def test_a_silent_postgresql_server_times_out_after_the_connect_timeout(
    silent_server: int, how: str
) -> None:
    url = f"postgresql://postgres@127.0.0.1:{silent_server}/x"
    started = time.monotonic()
    with pytest.raises(DatabaseUnavailable, match="timeout"):
        if how == "url":
            open_store(url + "?connect_timeout=2")
        else:
            open_store(url, connect_timeout=2)
    assert 1.5 < time.monotonic() - started < 5


@pytest.mark.postgres
def test_a_missing_postgresql_database_or_role_names_the_cause(pg_url: str) -> None:
    from sqlalchemy.engine import make_url

    base = make_url(pg_url)
    missing_db = base.set(database="no_such_db").render_as_string(hide_password=False)
    with pytest.raises(DatabaseUnavailable, match='database "no_such_db" does not'):
        open_store(missing_db)
    missing_role = base.set(username="nope").render_as_string(hide_password=False)
    with pytest.raises(DatabaseUnavailable, match='role "nope" does not exist'):
        open_store(missing_role)


@pytest.mark.postgres
def test_a_read_only_postgresql_database_refuses_with_read_only_store(
    pg_url: str,
) -> None:
    from sqlalchemy.engine import make_url

    with open_store(pg_url) as store:
        store.bots.register("bot-1")
    admin = make_url(pg_url).set(drivername="postgresql")
    name = admin.database
    dsn = admin.set(database="postgres").render_as_string(hide_password=False)
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f'ALTER DATABASE "{name}" SET default_transaction_read_only = on')
    with open_store(pg_url, read_only=True) as store:
        assert store.bots.get("bot-1") is not None
    with pytest.raises(ReadOnlyStore, match="read-only transaction"):
        open_store(pg_url)


# -- the translation table, one row per class of failure -----------------------


def _sqlite(message: str) -> sqlite3.Error:
    return sqlite3.OperationalError(message)


def _wrapped_in_sqlalchemy(error: Exception) -> Exception:
    return SQLAlchemyOperationalError("INSERT ...", {}, error)


def _wrapped_in_library(error: Exception) -> Exception:
    try:
        raise LibraryOperationalError(error) from error
    except LibraryOperationalError as wrapped:
        return wrapped


CASES = [
    (sqlite3.DatabaseError("file is not a database"), NotAStore),
    (_sqlite("database is locked"), StoreBusy),
    (_sqlite("attempt to write a readonly database"), ReadOnlyStore),
    (_sqlite("unable to open database file"), DatabaseUnavailable),
    (_sqlite("database or disk is full"), DatabaseFailure),
    (_sqlite("disk I/O error"), DatabaseFailure),
    (sqlite3.IntegrityError("UNIQUE constraint failed"), DatabaseFailure),
    (psycopg.OperationalError("connection failed: Connection refused"),
     DatabaseUnavailable),
    (psycopg.errors.LockNotAvailable("lock timeout"), StoreBusy),
    (psycopg.errors.QueryCanceled("canceling statement due to lock timeout"),
     StoreBusy),
    (psycopg.errors.ReadOnlySqlTransaction("read-only transaction"), ReadOnlyStore),
    (psycopg.errors.DiskFull("could not extend file"), DatabaseFailure),
    (OSError(28, "No space left on device"), DatabaseFailure),
    (OSError(30, "Read-only file system"), ReadOnlyStore),
    (PersistenceError("something below"), DatabaseFailure),
]  # fmt: skip


@pytest.mark.parametrize(("error", "expected"), CASES, ids=lambda c: repr(c)[:40])
@pytest.mark.parametrize(
    "wrap",
    [lambda e: e, _wrapped_in_sqlalchemy, _wrapped_in_library],
    ids=["raw", "sqlalchemy", "eventsourcing"],
)
def test_each_failure_below_becomes_one_store_error(
    error: Exception, expected: type[StoreError], wrap: object
) -> None:
    assert callable(wrap)
    mapped = store_error(wrap(error))
    assert type(mapped) is expected
    assert str(mapped)


def test_a_bug_is_not_disguised_as_a_database_failure() -> None:
    assert store_error(TypeError("unsupported operand")) is None
    assert store_error(KeyError("x")) is None


def test_cli_errors_are_one_line_with_a_documented_exit_code(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("hello")
    code, out, err = run(capsys, f"sqlite:///{notes}", "bots", "list")
    assert code == 5 and out == ""
    assert err == f"error: NotAStore: {notes} is not a SQLite database\n"
    other = tmp_path / "other.db"
    code, out, err = run(capsys, f"sqlite:///{other}", "kv", "list", "b")
    assert (code, out) == (3, "")
    assert err == f"error: no store at {tmp_path / 'other.db'}\n"
    assert not (tmp_path / "other.db").exists()
    code, out, err = run(capsys, f"postgresql://nope@127.0.0.1:{free_port()}/x",
                         "bots", "list")  # fmt: skip
    assert code == 5 and "Connection refused" in err and err.count("\n") == 1
    code, out, err = run(capsys, "", "bots", "list")
    assert code == 2 and "URL is empty" in err
    assert StoreNotFound.__mro__  # the classes the codes stand for are public
