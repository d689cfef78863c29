"""The provider read tables: ``provider_health`` exactly as the seed defines it,
and its companion ``provider_breaker`` for what the seed has no column for; and
where each :class:`ProviderState` field is stored in them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Boolean, Column, Float, MetaData, Table, Text, text

from boternity_store.domain.providers.state import (
    MOMENT_FIELDS,
    STATE_FIELDS,
    ProviderState,
)
from boternity_store.projections.engine.columns import INT64
from boternity_store.projections.engine.timestamps import from_text, to_text

if TYPE_CHECKING:
    from sqlalchemy import Row

    from boternity_store.domain.providers.state import Changes


def health_table(metadata: MetaData, named: Callable[[str], str]) -> Table:
    return Table(
        named("provider_health"),
        metadata,
        Column("name", Text, primary_key=True, nullable=False),
        Column("circuit_state", Text, nullable=False, server_default=text("'closed'")),
        Column("last_error", Text),
        Column("last_success", Text),
        Column("total_calls", INT64, nullable=False, server_default=text("0")),
        Column("total_failures", INT64, nullable=False, server_default=text("0")),
        Column("uptime_since", Text),
        Column("updated_at", Text, nullable=False),
    )


def breaker_table(metadata: MetaData, named: Callable[[str], str]) -> Table:
    return Table(
        named("provider_breaker"),
        metadata,
        Column("name", Text, primary_key=True, nullable=False),
        Column("consecutive_failures", INT64, nullable=False),
        Column("open_until", Text),
        Column("forced", Boolean, nullable=False),
        Column("trial_started_at", Text),
        Column("trial_successes", INT64, nullable=False),
        Column("state_reason", Text),
        Column("state_since", Text, nullable=False),
        Column("last_error_kind", Text),
        Column("last_latency_ms", Float),
        Column("failure_threshold", INT64, nullable=False),
        Column("cooldown_seconds", Float, nullable=False),
        Column("half_open_successes", INT64, nullable=False),
    )


# ProviderState fields stored in provider_health, by column; every other field
# (but the key, ``name``, which both tables hold) is a provider_breaker column.
HEALTH_COLUMNS = {
    "circuit": "circuit_state",
    "last_error": "last_error",
    "last_success": "last_success",
    "total_calls": "total_calls",
    "total_failures": "total_failures",
    "uptime_since": "uptime_since",
}


def split_columns(changes: Changes) -> tuple[dict[str, Any], dict[str, Any]]:
    """``changes`` to a ProviderState as (provider_health, provider_breaker)
    column values, times as text."""
    health: dict[str, Any] = {}
    breaker: dict[str, Any] = {}
    for field, value in changes.items():
        value = to_text(value) if isinstance(value, datetime) else value
        if field == "name":
            health[field] = value
        if field in HEALTH_COLUMNS:
            health[HEALTH_COLUMNS[field]] = value
        else:
            breaker[field] = value
    return health, breaker


def read_state(row: Row[Any]) -> ProviderState:
    """The ProviderState a joined provider_health + provider_breaker row holds."""
    values = {}
    for field in STATE_FIELDS:
        value = getattr(row, HEALTH_COLUMNS.get(field, field))
        if field in MOMENT_FIELDS and value is not None:
            value = from_text(value)
        values[field] = value
    return ProviderState(**values)
