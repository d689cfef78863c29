"""Deterministic aggregate ids: the same name always maps to the same stream."""

from __future__ import annotations

from functools import lru_cache
from uuid import NAMESPACE_URL, UUID, uuid5

NAMESPACE = uuid5(NAMESPACE_URL, "https://boternity.dev/store")


@lru_cache(maxsize=65536)
def stream_id(kind: str, *parts: str | int) -> UUID:
    # NUL cannot appear in validated names, so joining on it is unambiguous.
    return uuid5(NAMESPACE, "\x00".join([kind, *map(str, parts)]))
