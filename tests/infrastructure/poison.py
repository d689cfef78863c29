"""A poison event for the tests: the kv projection's handler raises on the
value ``"poison"`` (and on nothing else) once this is applied."""

from __future__ import annotations

from typing import Any

import pytest

from boternity_store.projections.kv.projection import KvProjection


def poison_kv_handler(monkeypatch: pytest.MonkeyPatch) -> None:
    """From now on (until ``monkeypatch.undo()``), the kv projection fails on
    the value ``"poison"``."""
    write = KvProjection._write

    def poisoned(self: KvProjection, view: Any, *args: Any, **kwargs: Any) -> None:
        if '"poison"' in args:
            raise RuntimeError("handler failed")
        write(self, view, *args, **kwargs)

    monkeypatch.setattr(KvProjection, "_write", poisoned)
