"""The provider read tables: ``provider_health`` exactly as the seed defines it,
and its companion ``provider_breaker`` for what the seed has no column for."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Boolean, Column, Float, Integer, MetaData, Table, Text, text


def health_table(metadata: MetaData, named: Callable[[str], str]) -> Table:
    return Table(
        named("provider_health"),
        metadata,
        Column("name", Text, primary_key=True, nullable=False),
        Column("circuit_state", Text, nullable=False, server_default=text("'closed'")),
        Column("last_error", Text),
        Column("last_success", Text),
        Column("total_calls", Integer, nullable=False, server_default=text("0")),
        Column("total_failures", Integer, nullable=False, server_default=text("0")),
        Column("uptime_since", Text),
        Column("updated_at", Text, nullable=False),
    )


def breaker_table(metadata: MetaData, named: Callable[[str], str]) -> Table:
    return Table(
        named("provider_breaker"),
        metadata,
        Column("name", Text, primary_key=True, nullable=False),
        Column("consecutive_failures", Integer, nullable=False),
        Column("open_until", Text),
        Column("forced", Boolean, nullable=False),
        Column("trial_started_at", Text),
        Column("trial_successes", Integer, nullable=False),
        Column("state_reason", Text),
        Column("state_since", Text, nullable=False),
        Column("last_error_kind", Text),
        Column("last_latency_ms", Float),
        Column("failure_threshold", Integer, nullable=False),
        Column("cooldown_seconds", Float, nullable=False),
        Column("half_open_successes", Integer, nullable=False),
    )
