"""Provider health rows: ``provider_health`` (exactly the seed's table) plus
``provider_breaker`` (what the seed has no column for: open_until, the trial,
consecutive failures, the policy, why the circuit is in its state).

The rows hold a :class:`ProviderState`: a registration inserts the initial
state, and every other event writes its ``changes()``, the same values the
aggregate assigns. ``updated_at`` is the time of the provider's latest event.
"""

from __future__ import annotations

from dataclasses import asdict
from functools import singledispatchmethod
from typing import TYPE_CHECKING

from boternity_store.domain.providers import events
from boternity_store.domain.providers.state import registered
from boternity_store.projections.engine.projection import Projection
from boternity_store.projections.engine.timestamps import to_text
from boternity_store.projections.providers.tables import (
    breaker_table,
    health_table,
    split_columns,
)

if TYPE_CHECKING:
    from sqlalchemy import Table

    from boternity_store.projections.engine.view import View


class ProvidersProjection(Projection):
    name = "providers"
    version = 2  # 2: 64-bit counters and thresholds on PostgreSQL

    def define_tables(self) -> list[Table]:
        self.health = health_table(self.metadata, self.table_name)
        self.breaker = breaker_table(self.metadata, self.table_name)
        return [self.health, self.breaker]

    @singledispatchmethod
    def process_event(self, event: object, view: View) -> None:
        pass

    @process_event.register(events.Registered)
    def _registered(self, event: events.Registered, view: View) -> None:
        state = registered(
            event.name,
            failure_threshold=event.failure_threshold,
            cooldown_seconds=event.cooldown_seconds,
            half_open_successes=event.half_open_successes,
            at=event.timestamp,
        )
        health, breaker = split_columns(asdict(state))
        view.insert(self.health, **health, updated_at=to_text(event.timestamp))
        view.insert(self.breaker, **breaker)

    @process_event.register(events.ProviderEvent)
    def _changed(self, event: events.ProviderEvent, view: View) -> None:
        health, breaker = split_columns(event.changes())
        key = {"name": event.name}
        view.update(self.health, key, updated_at=to_text(event.timestamp), **health)
        if breaker:
            view.update(self.breaker, key, **breaker)
