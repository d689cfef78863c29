"""Projections: the read tables, the processors that fill them from the event
log, and the queries that read them."""

from __future__ import annotations

from boternity_store.projections.bots.projection import BotsProjection
from boternity_store.projections.engine.projection import EventLog, Projection
from boternity_store.projections.engine.runner import ProjectionRunner
from boternity_store.projections.kv.projection import KvProjection

__all__ = [
    "BotsProjection",
    "EventLog",
    "KvProjection",
    "Projection",
    "ProjectionRunner",
]
