"""Random sequences of puts, deletes, marks and restarts agree with a small model
of versions and indexing status; failed commands leave the log unchanged."""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from boternity_store.infrastructure import (
    FileNotFound,
    InvalidTransition,
    Store,
    open_store,
)
from tests.conftest import FakeClock

BOT = "bot-1"
NAMES = st.sampled_from(["a.txt", "b.txt", "c.txt"])
SHAS = st.sampled_from([None, "a" * 64, "b" * 64])


@dataclass
class Expected:
    id: str
    version: int = 1
    status: str = "pending"
    sha256: str | None = None


class FileMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.folder = tempfile.mkdtemp()
        self.clock = FakeClock()
        self.store = self._open()
        self.store.bots.register(BOT)
        self.model: dict[str, Expected] = {}
        self.gone: list[str] = []

    def _open(self) -> Store:
        return open_store(f"sqlite:///{Path(self.folder) / 's.db'}", clock=self.clock)

    def _refused(self, error: type[Exception], call: Any) -> None:
        head = self.store.history.head()
        try:
            call()
        except error:
            assert self.store.history.head() == head
        else:
            raise AssertionError(f"expected {error.__name__}")

    @rule(name=NAMES, size=st.integers(0, 10**12), sha=SHAS)
    def put(self, name: str, size: int, sha: str | None) -> None:
        self.clock.advance(1)
        file = self.store.files.put(BOT, name, size_bytes=size, sha256=sha, actor="u")
        known = self.model.get(name)
        if known is None:
            self.model[name] = Expected(file.id, sha256=sha)
        elif sha is None or sha != known.sha256:
            known.version, known.status, known.sha256 = known.version + 1, "stale", sha
        expected = self.model[name]
        assert (file.id, file.version) == (expected.id, expected.version)

    @rule(name=NAMES)
    def delete(self, name: str) -> None:
        known = self.model.pop(name, None)
        assert self.store.files.delete_file(BOT, name) is (known is not None)
        if known is not None:
            self.gone.append(known.id)

    @precondition(lambda self: self.model)
    @rule(data=st.data())
    def mark_indexing(self, data: st.DataObject) -> None:
        known = self.model[data.draw(st.sampled_from(sorted(self.model)))]
        if known.status in ("pending", "stale", "failed"):
            self.store.files.mark_indexing(known.id)
            known.status = "in_progress"
        else:
            self._refused(
                InvalidTransition, lambda: self.store.files.mark_indexing(known.id)
            )

    @precondition(lambda self: self.model)
    @rule(data=st.data(), offset=st.sampled_from([0, 0, 0, -1, 1]))
    def mark_indexed(self, data: st.DataObject, offset: int) -> None:
        known = self.model[data.draw(st.sampled_from(sorted(self.model)))]
        version = known.version + offset
        if version < 1:
            return
        if offset == 0 and known.status in ("pending", "stale", "in_progress"):
            assert self.store.files.mark_indexed(known.id, version=version).is_indexed
            known.status = "completed"
        else:
            self._refused(
                InvalidTransition,
                lambda: self.store.files.mark_indexed(known.id, version=version),
            )

    @precondition(lambda self: self.model)
    @rule(data=st.data())
    def mark_failed(self, data: st.DataObject) -> None:
        known = self.model[data.draw(st.sampled_from(sorted(self.model)))]
        if known.status in ("pending", "stale", "in_progress"):
            self.store.files.mark_index_failed(known.id, error="boom")
            known.status = "failed"
        else:
            self._refused(
                InvalidTransition,
                lambda: self.store.files.mark_index_failed(known.id, error="x"),
            )

    @precondition(lambda self: self.gone)
    @rule(data=st.data())
    def mark_a_deleted_file(self, data: st.DataObject) -> None:
        file_id = data.draw(st.sampled_from(self.gone))
        self._refused(FileNotFound, lambda: self.store.files.mark_indexing(file_id))

    @rule()
    def restart(self) -> None:
        self.store.close()
        self.store = self._open()

    @invariant()
    def read_tables_agree_with_the_model(self) -> None:
        files = {f.filename: f for f in self.store.files.list_files(BOT)}
        assert sorted(files) == sorted(self.model)
        for name, known in self.model.items():
            got = files[name]
            assert (got.id, got.version, got.index_status, got.sha256) == (
                known.id,
                known.version,
                known.status,
                known.sha256,
            )
            assert got.is_indexed == (known.status == "completed")
            versions = self.store.files.get_versions(known.id)
            assert [v.version for v in versions] == list(range(known.version, 0, -1))
        needing = {f.filename for f in self.store.files.needing_index(BOT)}
        assert needing == {
            n
            for n, k in self.model.items()
            if k.status in ("pending", "stale", "failed")
        }

    def teardown(self) -> None:
        try:
            assert self.store.projections.verify(["files"]) == []
        finally:
            self.store.close()
            shutil.rmtree(self.folder, ignore_errors=True)


FileMachine.TestCase.settings = settings(stateful_step_count=15)
TestFileMachine = FileMachine.TestCase
