"""A key's past: every value it held, read from the key's own stream (found
through the event index), for ``kv.history`` and ``kv.get_entry(version=N)``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from boternity_store.domain import KvKey
from boternity_store.domain.models import KvChange, KvEntry
from boternity_store.domain.validation import check_int, decode_json_value
from boternity_store.infrastructure.stream_history import current_life

if TYPE_CHECKING:
    from boternity_store.infrastructure.history import History, LoggedEvent


class KeyHistory:
    def __init__(self, history: History) -> None:
        self._history = history

    def changes(
        self, bot_id: str, key: str, incarnation: int | None = None
    ) -> list[KvChange]:
        """Every change of the key in one life of the bot (the current one
        unless ``incarnation`` is given), oldest first."""
        life = self._life(bot_id, incarnation)
        stream = str(KvKey.create_id(bot_id, life, key))
        return [_change(e, life) for e in self._history.stream(stream)]

    def entry_at(self, bot_id: str, key: str, version: int) -> KvEntry | None:
        """The entry as it was at ``version`` in the current life of the key
        (after a delete, versions count again from 1), or None."""
        check_int(version, "version", minimum=1)
        changes = self.changes(bot_id, key)
        start = 0  # where the key's current life (since its last delete) began
        for i, change in enumerate(changes):
            if change.deleted:
                start = i + 1
        created = None
        for change in changes[start:]:
            created = created or change.timestamp
            if change.version == version:
                return KvEntry(
                    bot_id=bot_id,
                    key=key,
                    value=change.value,
                    version=version,
                    created_at=created,
                    updated_at=change.timestamp,
                    updated_by=change.actor,
                )
        return None

    def _life(self, bot_id: str, incarnation: int | None) -> int:
        if incarnation is not None:
            return check_int(incarnation, "incarnation", minimum=1)
        return current_life(self._history, bot_id)[0]


def _change(event: LoggedEvent, incarnation: int) -> KvChange:
    data = event.data
    deleted = event.type == "KvKey.ValueDeleted"
    version = 0 if deleted else int(data.get("entry_version", 1))
    return KvChange(
        bot_id=event.bot_id or "",
        key=data["key"],
        incarnation=incarnation,
        version=version,
        value=None if deleted else decode_json_value(data["value_json"]),
        deleted=deleted,
        actor=event.actor or "",
        timestamp=event.timestamp,
        position=event.position,
    )
