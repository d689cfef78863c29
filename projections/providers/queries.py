"""Reads of the provider health tables, returning public models."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from boternity_store.domain.providers.models import (
    ProviderHealthRow,
    ProviderStatus,
    provider_status,
)
from boternity_store.projections.engine.timestamps import from_text
from boternity_store.projections.providers.tables import read_state

if TYPE_CHECKING:
    from datetime import datetime

    from sqlalchemy import Engine, Row, Select

    from boternity_store.projections.providers.projection import ProvidersProjection


def _moment(value: str | None) -> datetime | None:
    return None if value is None else from_text(value)


class ProviderQueries:
    def __init__(self, engine: Engine, projection: ProvidersProjection) -> None:
        self.engine = engine
        self.health = projection.health
        self.breaker = projection.breaker

    def load(self, name: str) -> ProviderHealthRow | None:
        rows = self._rows(select(self.health).where(self.health.c.name == name))
        return _health_row(rows[0]) if rows else None

    def load_all(self) -> list[ProviderHealthRow]:
        return [
            _health_row(row)
            for row in self._rows(select(self.health).order_by(self.health.c.name))
        ]

    def status(self, name: str) -> ProviderStatus | None:
        rows = self._rows(self._status_query().where(self.health.c.name == name))
        return _status(rows[0]) if rows else None

    def statuses(self) -> list[ProviderStatus]:
        query = self._status_query().order_by(self.health.c.name)
        return [_status(row) for row in self._rows(query)]

    def _status_query(self) -> Select[Any]:
        b = self.breaker
        return select(self.health, *(c for c in b.c if c.name != "name")).join(
            b, b.c.name == self.health.c.name
        )

    def _rows(self, query: Select[Any]) -> list[Row[Any]]:
        with self.engine.connect() as conn:
            return list(conn.execute(query).all())


def _health_row(row: Row[Any]) -> ProviderHealthRow:
    return ProviderHealthRow(
        name=row.name,
        circuit_state=row.circuit_state,
        last_error=row.last_error,
        last_success=_moment(row.last_success),
        total_calls=row.total_calls,
        total_failures=row.total_failures,
        uptime_since=_moment(row.uptime_since),
        updated_at=from_text(row.updated_at),
    )


def _status(row: Row[Any]) -> ProviderStatus:
    return provider_status(read_state(row), updated_at=from_text(row.updated_at))
