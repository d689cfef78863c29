"""The KvStore protocol: the per-bot JSON key-value store (the seed's trait)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from boternity_store.domain.models import KvEntry


class KvStore(Protocol):
    """The seed's key-value interface; ``store.kv`` implements it."""

    def get(self, bot_id: str, key: str) -> Any: ...

    def get_entry(self, bot_id: str, key: str) -> KvEntry | None: ...

    def set(
        self,
        bot_id: str,
        key: str,
        value: Any,
        *,
        actor: str = "system",
        expected_version: int | None = None,
    ) -> KvEntry: ...

    def delete(self, bot_id: str, key: str, *, actor: str = "system") -> bool: ...

    def list_keys(self, bot_id: str, prefix: str | None = None) -> list[str]: ...
