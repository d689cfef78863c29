"""A write whose events committed is never reported to its caller as failed,
even when projecting them afterwards fails: a caller that retried would write
twice. The projection lags until the next write or open catches it up."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.exc import OperationalError

from boternity_store.infrastructure import open_store


def test_a_write_succeeds_when_projecting_it_after_its_commit_fails(
    any_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    with open_store(any_url) as store:
        store.bots.register("b")
        runner = store._runner
        real_catch_up = runner.catch_up

        def lost_connection(*args: Any, **kwargs: Any) -> None:
            raise OperationalError("SELECT 1", {}, Exception("connection lost"))

        # On SQLite events normally commit with their projection; make the
        # in-transaction projection step aside so the catch-up runs after.
        monkeypatch.setattr(runner, "apply_appended", lambda *a, **k: None)
        monkeypatch.setattr(runner, "catch_up", lost_connection)
        entry = store.kv.set("b", "k", 1, actor="u")  # acknowledged, no error
        assert entry.version == 1
        head = store.history.head()
        assert store.history.events(after=head - 1)[0].type == "KvKey.FirstValueSet"
        kv = {s.name: s for s in store.projections.status()}["kv"]
        assert kv.lag == 1
        # The next write projects it too.
        monkeypatch.setattr(runner, "catch_up", real_catch_up)
        store.kv.set("b", "j", 2)
        assert store.kv.get("b", "k") == 1
        assert store.projections.verify() == []
        # Exactly one event for the first write: nothing was retried.
        types = [e.type for e in store.history.events(after=0, limit=100)]
        assert types.count("KvKey.FirstValueSet") == 2
