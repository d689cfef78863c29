"""A store written by an older version of the code (``v1/``, made by
``make_golden_store.py`` before events had a ``class_version``) still opens,
reads as it did, rebuilds and verifies clean, and takes new writes."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from boternity_store.infrastructure import open_store
from tests.golden.golden_reads import missing_from, read_everything

GOLDEN = Path(__file__).parent / "v1"


@pytest.fixture
def golden_url(tmp_path: Path) -> str:
    shutil.copy(GOLDEN / "store.sqlite", tmp_path / "store.sqlite")
    return f"sqlite:///{tmp_path / 'store.sqlite'}"


def expected() -> dict[str, object]:
    return json.loads((GOLDEN / "expected.json").read_text())  # type: ignore[no-any-return]


def test_golden_store_reads_as_it_was_written(golden_url: str) -> None:
    with open_store(golden_url) as store:
        assert missing_from(expected(), read_everything(store)) == []
        assert {s.state for s in store.projections.status()} == {"live"}


def test_golden_store_rebuilds_and_verifies_clean(golden_url: str) -> None:
    with open_store(golden_url) as store:
        store.projections.rebuild()
        assert store.projections.verify() == []
        assert missing_from(expected(), read_everything(store)) == []


def test_golden_store_takes_new_writes_on_old_streams(golden_url: str) -> None:
    with open_store(golden_url) as store:
        # "counter" and the provider "local" reload from their old snapshots.
        entry = store.kv.set("bot-1", "counter", 99, actor="u9")
        assert entry.version == 26
        assert store.providers.record_success("local").total_calls == 111
        store.memories.share("bot-2", "busy", with_bot_id="bot-1", actor="bot-2")
        store.files.put("bot-2", "log.txt", size_bytes=77, actor="bot-2")
        assert store.projections.verify() == []
    with open_store(golden_url) as store:
        assert store.kv.get("bot-1", "counter") == 99
        assert store.files.get_file("bot-2", "log.txt").size_bytes == 77  # type: ignore[union-attr]
