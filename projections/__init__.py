"""Projections: the read tables, the processors that fill them from the event
log, and the queries that read them."""

from __future__ import annotations

from .bots import BotsProjection
from .engine import ProjectionRunner
from .kv import KvProjection
from .projection import EventLog, Projection

__all__ = [
    "BotsProjection",
    "EventLog",
    "KvProjection",
    "Projection",
    "ProjectionRunner",
]
