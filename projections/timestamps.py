"""Timestamps in read tables: ISO 8601 text in UTC with a fixed width, so text
order is time order (the seed stores times as TEXT)."""

from __future__ import annotations

from datetime import UTC, datetime


def to_text(moment: datetime) -> str:
    if moment.tzinfo is not UTC:  # events carry the store's UTC clock
        moment = moment.astimezone(UTC)
    return moment.isoformat(timespec="microseconds")


def from_text(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo is UTC else moment.astimezone(UTC)
