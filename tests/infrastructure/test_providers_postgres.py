"""Provider health on PostgreSQL: the same breaker, rows and restart behaviour."""

from __future__ import annotations

import pytest

from boternity_store.infrastructure import InvalidTransition, open_store
from tests.conftest import FakeClock

pytestmark = pytest.mark.postgres


def test_the_breaker_persists_and_projects_on_postgres(pg_url: str) -> None:
    clock = FakeClock()
    with open_store(pg_url, clock=clock) as store:
        store.providers.configure("openai", failure_threshold=2, cooldown_seconds=10)
        store.providers.record_failure("openai", error="HTTP 503", error_kind="http")
        opened = store.providers.record_failure("openai", error="HTTP 503")
        store.provider_health.save(
            "anthropic", "half_open", None, clock.now, 3, 0, None
        )
        store.providers.force_open("mistral", actor="ops", reason="outage")
        with pytest.raises(InvalidTransition):
            store.providers.force_open("mistral", actor="ops", reason="again")
    clock.advance(9)
    with open_store(pg_url, clock=clock) as store:
        assert store.providers.status("openai") == opened
        assert store.providers.allow_request("openai") is False
        clock.advance(1)
        assert store.providers.allow_request("openai") is True
        assert store.providers.record_success("openai").circuit_state == "closed"
        rows = store.provider_health.load_all()
        assert [(r.name, r.circuit_state) for r in rows] == [
            ("anthropic", "half_open"),
            ("mistral", "open"),
            ("openai", "closed"),
        ]
        assert store.providers.status("mistral").forced is True  # type: ignore[union-attr]
        assert store.projections.verify(["providers"]) == []
