"""Projections: the read tables, the processors that fill them from the event
log, and the queries that read them."""

from __future__ import annotations

from .bots import BotsProjection
from .engine import EventLog, Projection, ProjectionRunner
from .kv import KvProjection

__all__ = [
    "BotsProjection",
    "EventLog",
    "KvProjection",
    "Projection",
    "ProjectionRunner",
]
