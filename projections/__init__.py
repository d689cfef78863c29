"""Projections: the read tables, the processors that fill them from the event
log, and the queries that read them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from boternity_store.domain.lazy_exports import lazy_exports

if TYPE_CHECKING:
    from boternity_store.projections.bots.projection import (
        BotsProjection,
    )
    from boternity_store.projections.engine.projection import (
        EventLog,
        Projection,
    )
    from boternity_store.projections.engine.runner import (
        ProjectionRunner,
    )
    from boternity_store.projections.kv.projection import (
        KvProjection,
    )

# Imported on first use, so that a command that needs one part (the CLI
# printing --help, reading a key) does not pay for the others.
_EXPORTS = {
    "BotsProjection": "boternity_store.projections.bots.projection",
    "EventLog": "boternity_store.projections.engine.projection",
    "KvProjection": "boternity_store.projections.kv.projection",
    "Projection": "boternity_store.projections.engine.projection",
    "ProjectionRunner": "boternity_store.projections.engine.runner",
}
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
__all__ = [
    "BotsProjection",
    "EventLog",
    "KvProjection",
    "Projection",
    "ProjectionRunner",
]
