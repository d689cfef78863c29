"""Every provider event type reaches the read tables exactly as the aggregate
has it, and a fresh rebuild from the log gives the same rows."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from boternity_store.domain.providers.models import provider_status
from boternity_store.domain.providers.provider import Provider
from boternity_store.infrastructure import Store
from tests.conftest import FakeClock

Step = Callable[[Store, FakeClock], object]


def half_open(store: Store, clock: FakeClock) -> object:
    clock.advance(10)
    return store.providers.allow_request("p")


STEPS: list[tuple[str, Step]] = [
    (
        "Registered PolicyChanged",
        lambda s, c: s.providers.configure(
            "p", failure_threshold=2, cooldown_seconds=10, half_open_successes=2
        ),
    ),
    ("CallSucceeded", lambda s, c: s.providers.record_success("p", latency_ms=9.5)),
    (
        "CallFailed",
        lambda s, c: s.providers.record_failure(
            "p", error="timeout", error_kind="timeout"
        ),
    ),
    (
        "CallFailed CircuitOpened",
        lambda s, c: s.providers.record_failure("p", error="HTTP 503"),
    ),
    ("CircuitHalfOpened TrialStarted", half_open),
    ("CallSucceeded", lambda s, c: s.providers.record_success("p", latency_ms=20)),
    ("TrialStarted", lambda s, c: s.providers.allow_request("p")),
    ("CallSucceeded CircuitClosed", lambda s, c: s.providers.record_success("p")),
    ("ForcedOpen", lambda s, c: s.providers.force_open("p", actor="ops", reason="x")),
    (
        "ForcedClosed",
        lambda s, c: s.providers.force_close("p", actor="ops", reason="y"),
    ),
    (
        "HealthOverridden",
        lambda s, c: s.provider_health.save("p", "open", "manual", c.now, 40, 3, None),
    ),
    ("CircuitHalfOpened TrialStarted", half_open),
    (
        "CallFailed CircuitOpened",
        lambda s, c: s.providers.record_failure("p", error="429", open_until=c.now),
    ),
    ("Reset", lambda s, c: s.providers.reset("p", actor="ops", reason="fresh start")),
]


@pytest.fixture
def walked(store: Store, clock: FakeClock) -> list[tuple[str, bool]]:
    """Run STEPS; for each, note the events it recorded and whether the read
    tables then equal the aggregate's state."""
    seen = []
    for _, step in STEPS:
        head = store.history.head()
        clock.advance(1)
        step(store, clock)
        recorded = " ".join(
            e.type.removeprefix("Provider.") for e in store.history.events(after=head)
        )
        provider = store._app.repository.get(Provider.create_id("p"))
        status = provider_status(provider.state, updated_at=provider.modified_on)
        seen.append((recorded, store.providers.status("p") == status))
    return seen


def test_every_event_type_reaches_the_read_tables(
    walked: list[tuple[str, bool]],
) -> None:
    assert walked == [(events, True) for events, _ in STEPS]


def test_a_rebuild_from_the_log_equals_the_live_tables(
    walked: list[tuple[str, bool]], store: Store
) -> None:
    before = store.providers.list()
    assert store.projections.verify(["providers"]) == []
    store.projections.rebuild(["providers"])
    assert store.providers.list() == before
