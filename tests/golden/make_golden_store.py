"""Write the golden store: a small SQLite store holding every event type and
every snapshot kind, as the code of the day wrote them, plus ``expected.json``
with what the public read API answered right after.

Run once, when the event format changes in a way that needs a new golden file
(never to "fix" a failing golden test: an old store in production cannot be
regenerated). Usage::

    python tests/golden/make_golden_store.py tests/golden/v1

The committed ``v1`` was written by the code before events had a
``class_version`` (commit 7f7f631).
"""

from __future__ import annotations

import json
import sqlite3
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from boternity_store.infrastructure import open_store

sys.path.insert(0, str(Path(__file__).resolve().parent))
from golden_reads import read_everything


class StepClock:
    """Deterministic time: one second per call."""

    def __init__(self) -> None:
        self.now = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        self.now += timedelta(seconds=1)
        return self.now


def write(store_path: Path) -> None:
    clock = StepClock()
    with open_store(f"sqlite:///{store_path}", clock=clock) as store:
        bots, kv, mem = store.bots, store.kv, store.memories
        bots.register("bot-1", name="Helper", actor="admin")
        bots.register("bot-2", name="Other", actor="admin")
        bots.register("bot-gone", name="Short-lived", actor="admin")
        store.memories.add("bot-gone", "mg", actor="bot-gone")
        # Bot: Registered, Deleted, Reregistered, and a Bot snapshot (100 events).
        for _ in range(50):
            bots.delete("bot-gone", actor="admin")
            bots.register("bot-gone", name="Back again", actor="admin")
        # Memory.AddedAgain: the id of a memory whose owner was deleted.
        store.memories.add("bot-gone", "mg", actor="bot-gone")

        # KvKey: FirstValueSet, ValueSet (past the snapshot interval of 20),
        # ValueDeleted, and a key deleted then set again.
        kv.set("bot-1", "prefs", {"tone": "warm", "langs": ["en", "de"]}, actor="u1")
        for n in range(25):
            kv.set("bot-1", "counter", n, actor="bot-1")
        kv.set("bot-1", "temp", "x", actor="u1")
        kv.delete("bot-1", "temp", actor="u1")
        kv.set("bot-1", "again", [1, 2], actor="u1")
        kv.delete("bot-1", "again", actor="u1")
        kv.set("bot-1", "again", {"n": None}, actor="u2")
        kv.set("bot-2", "big", 2**62, actor="bot-2")
        kv.set("bot-gone", "k", "v", actor="bot-gone")

        # Memory: Added, Audited (delete, share, revoke, merge), MergedAway;
        # AuditEntry: Logged (through store.audit.log).
        mem.add("bot-1", "m1", actor="bot-1", details={"text": "likes tea"})
        mem.add("bot-1", "m2", actor="bot-1")
        mem.add("bot-1", "m3", actor="bot-1")
        mem.share("bot-1", "m1", with_bot_id="bot-2", actor="admin")
        mem.revoke("bot-1", "m1", from_bot_id="bot-2", actor="admin")
        mem.share("bot-1", "m1", with_bot_id="bot-2", actor="admin")
        mem.merge("bot-1", "m1", source_ids=["m2"], actor="bot-1")
        mem.delete("bot-1", "m3", actor="bot-1", reason="outdated")
        from boternity_store.domain import MemoryAuditEntry

        store.audit.log(
            MemoryAuditEntry(
                id="audit-explicit",
                bot_id="bot-2",
                memory_id="m9",
                action="add",
                actor="bot-2",
                details='{"text": "logged explicitly"}',
                created_at=clock.now,
            )
        )
        # A Memory past its snapshot interval (100 events).
        mem.add("bot-2", "busy", actor="bot-2")
        for _ in range(55):
            mem.share("bot-2", "busy", with_bot_id="bot-1", actor="bot-2")
            mem.revoke("bot-2", "busy", from_bot_id="bot-1", actor="bot-2")

        # Provider: every transition, and past the snapshot interval.
        prov = store.providers
        prov.configure("openai", failure_threshold=2, cooldown_seconds=30)
        prov.configure("openai", half_open_successes=1, actor="ops")
        prov.record_success("openai", latency_ms=12.5)
        prov.record_failure("openai", error="timeout", error_kind="timeout")
        prov.record_failure("openai", error="500 from upstream")  # opens
        clock.now += timedelta(seconds=60)
        prov.allow_request("openai")  # half-opens, starts a trial
        prov.record_success("openai", latency_ms=8.0)  # closes
        prov.force_open("openai", actor="ops", reason="maintenance")
        prov.force_close("openai", actor="ops", reason="done")
        prov.reset("openai", actor="ops", reason="fresh start")
        prov.record_failure(
            "openai", error="429", open_until=clock.now + timedelta(seconds=5)
        )
        store.provider_health.save(
            "anthropic", "closed", None, clock.now, 10, 1, clock.now, actor="ops"
        )
        for n in range(110):
            prov.record_success("local", latency_ms=float(n))

        # Files: Created, VersionAdded, MetadataUpdated, indexing transitions,
        # Deleted; FileName Assigned/Reassigned/Released; VersionIdClaim.
        files = store.files
        doc = files.put("bot-1", "notes.md", size_bytes=10, actor="bot-1")
        files.mark_indexing(doc.id)
        files.mark_indexed(doc.id, version=1)
        doc = files.put(
            "bot-1", "notes.md", size_bytes=20, sha256="a" * 64, actor="bot-1"
        )
        files.mark_index_failed(doc.id, error="parser crashed")
        files.put("bot-1", "notes.md", size_bytes=20, sha256="a" * 64, actor="bot-1")
        pdf = files.put(
            "bot-1",
            "paper.pdf",
            size_bytes=999,
            mime_type="application/pdf",
            actor="bot-1",
        )
        files.delete_file("bot-1", "paper.pdf", actor="bot-1")
        files.put("bot-1", "paper.pdf", size_bytes=5, actor="bot-1")
        del pdf
        busy = files.put("bot-2", "log.txt", size_bytes=1, actor="bot-2")
        for n in range(2, 60):
            busy = files.put("bot-2", "log.txt", size_bytes=n, actor="bot-2")
            files.mark_indexed(busy.id, version=busy.version)
        files.put("bot-gone", "f.txt", size_bytes=3, actor="bot-gone")
        # A FileName snapshot: the name assigned and released 100 times.
        for _ in range(50):
            files.put("bot-2", "cycle.txt", size_bytes=1, actor="bot-2")
            files.delete_file("bot-2", "cycle.txt", actor="bot-2")
        # The seed's compat writes: MetadataUpdated, IndexInvalidated, and a
        # version with an id of its own (VersionIdClaim.Claimed).
        from boternity_store.domain.files.models import FileVersion, StorageFile

        seeded = files.save_file(
            StorageFile(
                id="file-seed",
                bot_id="bot-2",
                filename="seed.txt",
                mime_type="text/plain",
                size_bytes=4,
                version=1,
                is_indexed=True,
                created_at=clock.now,
                updated_at=clock.now,
            ),
            actor="seed",
        )
        files.update_file(
            seeded.model_copy(update={"mime_type": "text/markdown"}), actor="seed"
        )
        files.update_file(
            files.get_file_by_id("file-seed").model_copy(  # type: ignore[union-attr]
                update={"is_indexed": False}
            ),
            actor="seed",
        )
        files.save_version(
            FileVersion(
                id="version-own-id",
                file_id="file-seed",
                version=2,
                size_bytes=8,
                created_at=clock.now,
            ),
            actor="seed",
        )

        # Bot deletion cascades to its KV, memories and files.
        bots.delete("bot-gone", actor="admin")

        expected = read_everything(store)
    with sqlite3.connect(store_path) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        db.execute("PRAGMA journal_mode=DELETE")
    (store_path.parent / "expected.json").write_text(
        json.dumps(expected, indent=1, sort_keys=True) + "\n"
    )


if __name__ == "__main__":
    folder = Path(sys.argv[1])
    folder.mkdir(parents=True, exist_ok=False)
    write(folder / "store.sqlite")
