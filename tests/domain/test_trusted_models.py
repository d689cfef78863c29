"""Models built from projected rows without validation equal validated ones."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from boternity_store.domain.memories.models import MemoryAuditEntry
from boternity_store.domain.memories.rules import ACTIONS
from boternity_store.domain.models import trusted_builder

build = trusted_builder(MemoryAuditEntry)

entries = st.builds(
    MemoryAuditEntry,
    id=st.text(min_size=1),
    bot_id=st.text(min_size=1),
    memory_id=st.text(min_size=1),
    action=st.sampled_from(sorted(ACTIONS)),
    actor=st.text(),
    details=st.none() | st.integers() | st.lists(st.text(), max_size=3),
    created_at=st.datetimes(timezones=st.just(UTC)),
)


@given(entries)
def test_a_trusted_build_equals_the_validated_model(entry: MemoryAuditEntry) -> None:
    built = build(dict(entry))
    assert built == entry
    assert built.model_dump() == entry.model_dump()
    assert built.model_dump_json() == entry.model_dump_json()
    assert built.model_fields_set == entry.model_fields_set
    assert repr(built) == repr(entry)


def test_a_trusted_build_is_frozen_like_the_model() -> None:
    entry = build(
        {
            "id": "a",
            "bot_id": "b",
            "memory_id": "m",
            "action": "add",
            "actor": "x",
            "details": None,
            "created_at": datetime(2026, 1, 1, tzinfo=UTC),
        }
    )
    with pytest.raises(ValidationError):
        entry.actor = "y"
    assert entry.model_copy(update={"actor": "y"}).actor == "y"
