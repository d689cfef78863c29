"""The model's key-value store: each live bot's keys, with every version of
each key's current life."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from boternity_store.domain.errors import InvalidInput, VersionConflict
from boternity_store.domain.models import KvEntry
from boternity_store.domain.validation import (
    check_actor,
    check_identifier,
    check_int,
    check_storable_text,
    decode_json_value,
    encode_json_value,
)

if TYPE_CHECKING:
    from boternity_store.testing.model.store import ModelStore

# bot id -> key -> the entries of the key's current life, version 1 first
KvState = dict[str, dict[str, list[KvEntry]]]


class ModelKv:
    """``store.kv`` without a database: versions, compare-and-set, deletes."""

    def __init__(self, store: ModelStore) -> None:
        self._store = store
        self.max_value_bytes = store.max_value_bytes

    @property
    def _keys(self) -> KvState:
        return self._store.state.kv

    def set(
        self,
        bot_id: str,
        key: str,
        value: Any,
        *,
        actor: str = "system",
        expected_version: int | None = None,
    ) -> KvEntry:
        _check_names(bot_id, key)
        check_actor(actor)
        if expected_version is not None and (
            type(expected_version) is not int or expected_version < 0
        ):
            raise InvalidInput("expected_version must be an int >= 0")
        # What the store keeps is the value's JSON text: it answers with that.
        text = encode_json_value(value, max_bytes=self.max_value_bytes)
        self._store.state.bots.check_live(bot_id)
        versions = self._keys[bot_id].setdefault(key, [])
        current = len(versions)
        if expected_version is not None and expected_version != current:
            if not versions:
                del self._keys[bot_id][key]
            raise VersionConflict(f"{bot_id}/{key}", expected_version, current)
        at = self._store.now()
        entry = KvEntry(
            bot_id=bot_id,
            key=key,
            value=decode_json_value(text),
            version=current + 1,
            created_at=versions[0].created_at if versions else at,
            updated_at=at,
            updated_by=actor,
        )
        versions.append(entry)
        return entry

    def delete(self, bot_id: str, key: str, *, actor: str = "system") -> bool:
        _check_names(bot_id, key)
        check_actor(actor)
        self._store.state.bots.check_live(bot_id)
        return self._keys[bot_id].pop(key, None) is not None

    def get(self, bot_id: str, key: str) -> Any:
        entry = self.get_entry(bot_id, key)
        return None if entry is None else entry.value

    def get_entry(
        self, bot_id: str, key: str, *, version: int | None = None
    ) -> KvEntry | None:
        _check_names(bot_id, key)
        versions = self._keys.get(bot_id, {}).get(key, [])
        if version is not None:
            check_int(version, "version", minimum=1)
            self._store.state.bots.check_live(bot_id)
            return versions[version - 1] if version <= len(versions) else None
        return versions[-1] if versions else None

    def list_keys(self, bot_id: str, prefix: str | None = None) -> list[str]:
        check_identifier(bot_id, "bot_id")
        if prefix is not None:
            if not isinstance(prefix, str):
                raise InvalidInput("prefix must be a string")
            check_storable_text(prefix, "prefix")
        keys = self._keys.get(bot_id, {})
        return sorted(k for k in keys if prefix is None or k.startswith(prefix))


def _check_names(bot_id: str, key: str) -> None:
    check_identifier(bot_id, "bot_id")
    check_identifier(key, "key")
