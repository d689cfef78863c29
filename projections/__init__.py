"""Projections: the read tables, the processors that fill them from the event
log, and the queries that read them."""

from __future__ import annotations

from boternity_store.projections.bots import BotsProjection
from boternity_store.projections.engine import ProjectionRunner
from boternity_store.projections.kv import KvProjection
from boternity_store.projections.projection import EventLog, Projection

__all__ = [
    "BotsProjection",
    "EventLog",
    "KvProjection",
    "Projection",
    "ProjectionRunner",
]
