"""Eight processes writing one key at once: every write lands, none gives up
(conflicting appends are decided again after jittered, growing pauses)."""

from __future__ import annotations

import multiprocessing

from boternity_store.infrastructure import open_store

PROCESSES, WRITES = 8, 40


def write_hot_key(url: str, worker: int) -> int:
    with open_store(url) as store:
        for n in range(WRITES):
            store.kv.set("bot-1", "hot", {"worker": worker, "n": n}, actor=f"w{worker}")
    return WRITES


def test_eight_processes_on_one_key_all_land(any_url: str) -> None:
    with open_store(any_url) as store:
        store.bots.register("bot-1")
    with multiprocessing.get_context("spawn").Pool(PROCESSES) as pool:
        done = pool.starmap(write_hot_key, [(any_url, i) for i in range(PROCESSES)])
    assert sum(done) == PROCESSES * WRITES  # a WriteConflict would have raised
    with open_store(any_url) as store:
        entry = store.kv.get_entry("bot-1", "hot")
        assert entry is not None and entry.version == PROCESSES * WRITES
        assert store.projections.verify() == []
