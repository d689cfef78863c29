"""Public read models returned by the store (pydantic, UTC-aware datetimes)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict


def _to_utc(value: datetime) -> datetime:
    return value.astimezone(UTC)


UtcDatetime = Annotated[AwareDatetime, AfterValidator(_to_utc)]


class PublicModel(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class BotInfo(PublicModel):
    """A registered bot."""

    bot_id: str
    name: str | None
    created_at: UtcDatetime


class KvEntry(PublicModel):
    """One key of a bot's key-value store; ``version`` counts writes since creation."""

    bot_id: str
    key: str
    value: Any
    version: int
    created_at: UtcDatetime
    updated_at: UtcDatetime
