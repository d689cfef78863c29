"""Rules about memory commands that depend only on their arguments."""

from __future__ import annotations

from collections.abc import Sequence

from boternity_store.domain.errors import InvalidInput, InvalidTransition

ACTIVE, DELETED, MERGED = "active", "deleted", "merged"
ACTIONS = ("add", "delete", "share", "revoke", "merge")


def check_merge_sources(memory_id: str, source_ids: Sequence[str]) -> None:
    """Refuse an empty or repetitive source list (InvalidInput) and a memory
    merged into itself (InvalidTransition)."""
    if not source_ids:
        raise InvalidInput("source_ids must name at least one memory")
    if len(set(source_ids)) != len(source_ids):
        raise InvalidInput(f"source_ids has duplicates: {list(source_ids)!r}")
    if memory_id in source_ids:
        raise InvalidTransition(f"memory {memory_id!r} cannot be merged into itself")
