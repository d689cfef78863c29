"""What ``store.projections.status()`` reports per projection."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict


class ProjectionFailure(BaseModel):
    """Where and why a projection stopped: the event it could not apply."""

    model_config = ConfigDict(frozen=True)

    position: int
    message: str


class ProjectionStatus(BaseModel):
    """One projection: schema version, position in the log, lag and state.

    ``abandoned_rebuild``: a rebuild of it stopped midway (its process died)
    and left its shadow tables; the live tables still serve, and the next
    rebuild drops the leftovers."""

    model_config = ConfigDict(frozen=True)

    name: str
    version: int
    position: int
    head: int
    lag: int
    state: Literal["live", "rebuilding", "failed"]
    error: ProjectionFailure | None = None
    abandoned_rebuild: bool = False
