"""Timestamps in read tables: ISO 8601 text in UTC with a fixed width, so text
order is time order (the seed stores times as TEXT)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Text, TypeDecorator


def to_text(moment: datetime) -> str:
    if moment.tzinfo is not UTC:  # events carry the store's UTC clock
        moment = moment.astimezone(UTC)
    return moment.isoformat(timespec="microseconds")


def from_text(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo is UTC else moment.astimezone(UTC)


class MomentText(TypeDecorator[datetime]):
    """A timestamp column read back as a datetime (select with ``type_coerce``)."""

    impl = Text
    cache_ok = True

    def process_result_value(self, value: Any, dialect: Any) -> datetime | None:
        return None if value is None else from_text(value)
