"""Reads of the ``bots`` read table."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import select

from boternity_store.domain.models import BotInfo
from boternity_store.projections.engine.timestamps import from_text

if TYPE_CHECKING:
    from sqlalchemy import Engine, Row

    from boternity_store.projections.bots.projection import BotsProjection


class BotQueries:
    def __init__(self, engine: Engine, projection: BotsProjection) -> None:
        self.engine = engine
        self.bots = projection.bots

    def get(self, bot_id: str) -> BotInfo | None:
        with self.engine.connect() as conn:
            row = conn.execute(
                select(self.bots).where(self.bots.c.id == bot_id)
            ).one_or_none()
        return None if row is None else _to_bot(row)

    def list(self) -> list[BotInfo]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(self.bots).order_by(self.bots.c.id)).all()
        return [_to_bot(row) for row in rows]


def _to_bot(row: Row[tuple[object, ...]]) -> BotInfo:
    return BotInfo(bot_id=row.id, name=row.name, created_at=from_text(row.created_at))
