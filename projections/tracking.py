"""Where each projection is in the log: one row per projection, written in the
same transaction as the projection's view rows."""

from __future__ import annotations

from typing import NamedTuple

from sqlalchemy import Column, Integer, MetaData, Table, Text

tracking_metadata = MetaData()

tracking_table = Table(
    "projection_tracking",
    tracking_metadata,
    Column("name", Text, primary_key=True),
    Column("version", Integer, nullable=False),
    Column("position", Integer, nullable=False),
    Column("state", Text, nullable=False),
    Column("error_position", Integer),
    Column("error", Text),
    Column("updated_at", Text, nullable=False),
)


class TrackingState(NamedTuple):
    name: str
    version: int
    position: int
    state: str
    error_position: int | None
    error: str | None
