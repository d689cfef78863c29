"""kill -9 a writer at random points (single writes, batches, rebuilds), reopen,
and check: every acknowledged write is present, no event was applied twice, and
every projection equals a fresh rebuild."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import textwrap

import pytest

from boternity_store.infrastructure import open_store

KEYS = 5
CHILD = textwrap.dedent(
    """
    import sys
    from boternity_store.infrastructure import open_store

    url, mode = sys.argv[1], sys.argv[2]
    store = open_store(url)
    if store.bots.get("bot") is None:
        store.bots.register("bot")
    i = 0

    def write():
        global i
        store.kv.set("bot", f"k{i % KEYS}", i)
        i += 1

    if mode == "rebuild":
        for _ in range(150):
            write()
        print("ack", i - 1, flush=True)
        store.projections.batch_size = 25
    while True:
        if mode == "single":
            write()
        elif mode == "batch":
            with store.batch():
                for _ in range(20):
                    write()
        else:
            store.projections.rebuild(progress=lambda d, t: print("r", d, flush=True))
            write()
        print("ack", i - 1, flush=True)
    """
).replace("KEYS", str(KEYS))
MODES = ["single", "batch", "rebuild"]


def crash_once(db_url: str, seed: int) -> list[int]:
    """Run a writer, SIGKILL it at a random point; return the acknowledged writes."""
    rng = random.Random(seed)
    mode = MODES[seed % len(MODES)]
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, db_url, mode],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None
    kill_after, acked = rng.randint(1, 40), []
    for lines, line in enumerate(child.stdout, start=1):
        if line.startswith("ack"):
            acked.append(int(line.split()[1]))
        if lines >= kill_after:
            os.kill(child.pid, signal.SIGKILL)
            break
    child.wait()
    child.stdout.close()
    assert child.returncode == -signal.SIGKILL
    return acked


def check_after_crash(db_url: str, acked: list[int]) -> None:
    with open_store(db_url) as store:
        last = max(acked, default=-1)
        for i in range(max(0, last - KEYS + 1), last + 1):
            # Every acknowledged write is present (or overwritten by a later one).
            assert store.kv.get("bot", f"k{i % KEYS}") >= i
        sets_per_key: dict[str, int] = {}
        for event in events(store):
            if event.type in ("KvKey.FirstValueSet", "KvKey.ValueSet"):
                key = event.data["key"]
                sets_per_key[key] = sets_per_key.get(key, 0) + 1
        for key, count in sets_per_key.items():
            # Each set event was applied exactly once: versions count the log.
            entry = store.kv.get_entry("bot", key)
            assert entry is not None and entry.version == count
        assert all(s.lag == 0 for s in store.projections.status())
        assert store.projections.verify() == []
        store.projections.rebuild()
        assert {s.state for s in store.projections.status()} == {"live"}


def events(store):  # type: ignore[no-untyped-def]
    after = 0
    while batch := store.history.events(after=after, limit=500):
        yield from batch
        after = batch[-1].position


@pytest.mark.parametrize("seed", range(25))
def test_kill_9_at_a_random_point_loses_nothing(db_url: str, seed: int) -> None:
    check_after_crash(db_url, crash_once(db_url, seed))


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(25, 225))
def test_kill_9_soak(db_url: str, seed: int) -> None:
    check_after_crash(db_url, crash_once(db_url, seed))


def test_repeated_crashes_on_one_database(db_url: str) -> None:
    acked: list[int] = []
    for seed in (3, 4, 5):
        acked = crash_once(db_url, seed) or acked
        check_after_crash(db_url, acked)
