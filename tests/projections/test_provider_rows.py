"""The provider read rows hold the same state the shared transitions give: any
event sequence, projected, reads back as the fold of its events."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from sqlalchemy import create_engine

from boternity_store.domain.providers.models import provider_status
from boternity_store.domain.providers.state import fold
from boternity_store.projections.engine.view import View
from boternity_store.projections.providers.projection import ProvidersProjection
from boternity_store.projections.providers.queries import ProviderQueries
from tests.domain.provider_event_strategies import provider_histories
from tests.domain.test_provider_transitions import initial_state, replay


def project(history: list[Any]) -> ProviderQueries:
    engine = create_engine("sqlite://")
    projection = ProvidersProjection()
    projection.metadata.create_all(engine)
    with engine.begin() as conn:
        view = View(conn)
        for event in history:
            projection.process_event(event, view)
        view.flush()
    return ProviderQueries(engine, projection)


@given(provider_histories())
def test_projected_rows_equal_the_fold_and_the_aggregate(history: list[Any]) -> None:
    folded = fold(initial_state(history[0]), history[1:])
    aggregate = replay(history)
    expected = provider_status(folded, updated_at=history[-1].timestamp)
    assert project(history).status("p") == expected
    assert expected == provider_status(
        aggregate.state, updated_at=aggregate.modified_on
    )
