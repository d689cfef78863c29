"""``store.kv``: the per-bot JSON key-value store (implements ``KvStore``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from boternity_store.domain import KvKey
from boternity_store.domain.errors import InvalidInput
from boternity_store.domain.models import KvChange, KvEntry, trusted_builder
from boternity_store.domain.validation import (
    MAX_ID_LENGTH,
    check_actor,
    check_identifier,
    check_storable_text,
    decode_json_value,
    encode_json_value,
)
from boternity_store.infrastructure.eventstore.driver_errors import public_api
from boternity_store.infrastructure.kv.pending import PendingKeys, pending_keys

if TYPE_CHECKING:
    from boternity_store.infrastructure.eventstore.writer import WriteContext, Writer
    from boternity_store.infrastructure.kv.history import KeyHistory
    from boternity_store.projections.kv.queries import KvQueries


@public_api
class Kv:
    """``store.kv``: each bot's JSON key-value store (the seed's ``KvStore``
    protocol), with versions and compare-and-set."""

    def __init__(
        self,
        writer: Writer,
        queries: KvQueries,
        *,
        max_value_bytes: int,
        past: KeyHistory,
    ) -> None:
        self._writer = writer
        self._queries = queries
        self._past = past
        self.max_value_bytes = max_value_bytes

    def set(
        self,
        bot_id: str,
        key: str,
        value: Any,
        *,
        actor: str = "system",
        expected_version: int | None = None,
    ) -> KvEntry:
        """Write ``value`` (any JSON value); with ``expected_version``, only if the
        entry's version equals it (0: must not exist), else VersionConflict."""
        _check_names(bot_id, key)
        check_actor(actor)
        if expected_version is not None and (
            type(expected_version) is not int or expected_version < 0
        ):
            raise InvalidInput("expected_version must be an int >= 0")
        value_json = encode_json_value(value, max_bytes=self.max_value_bytes)

        def command(ctx: WriteContext) -> KvEntry:
            bot = ctx.live_bot(bot_id)
            at = ctx.now()
            entry_id = KvKey.create_id(bot_id, bot.incarnation, key)
            # Assuming "new" is safe only when the append will verify it: a
            # compare-and-set against an existing version needs the real state.
            # A key the read table has is loaded (a process that has not
            # cached it, after a restart say, would otherwise conflict once).
            entry = ctx.get(
                KvKey,
                entry_id,
                maybe_new=expected_version in (None, 0),
                seen=lambda: self._queries.exists(bot_id, key),
            )
            if entry is None:
                entry = KvKey.first_set(
                    bot_id,
                    bot.incarnation,
                    key,
                    value_json,
                    actor=actor,
                    at=at,
                    expected_version=expected_version,
                )
            else:
                entry.set(
                    value_json, actor=actor, at=at, expected_version=expected_version
                )
            ctx.add(entry)
            # An immutable value need not be decoded again to hand back a copy.
            return _to_entry(entry, value if type(value) in _IMMUTABLE else _DECODE)

        return self._writer.execute(command)

    def delete(self, bot_id: str, key: str, *, actor: str = "system") -> bool:
        """Delete a key; True if it existed."""
        _check_names(bot_id, key)
        check_actor(actor)

        def command(ctx: WriteContext) -> bool:
            bot = ctx.live_bot(bot_id)
            entry = ctx.get(KvKey, KvKey.create_id(bot_id, bot.incarnation, key))
            if entry is None or not entry.delete(actor=actor, at=ctx.now()):
                return False
            ctx.add(entry)
            return True

        return self._writer.execute(command)

    def get(self, bot_id: str, key: str) -> Any:
        """The value, or None when the key does not exist."""
        _check_names(bot_id, key)
        pending = pending_keys(self._writer.pending(), bot_id)
        if pending is not None:
            entry = self._pending_entry(pending, bot_id, key)
            return None if entry is None else entry.value
        return self._queries.get(bot_id, key)

    def get_entry(
        self, bot_id: str, key: str, *, version: int | None = None
    ) -> KvEntry | None:
        """The value with its version, times and last writer, or None. With
        ``version``: the entry as it was at that version (in the key's current
        life: after a delete, versions count again from 1), or None."""
        _check_names(bot_id, key)
        if version is not None:
            return self._past.entry_at(bot_id, key, version)
        pending = pending_keys(self._writer.pending(), bot_id)
        if pending is not None:
            return self._pending_entry(pending, bot_id, key)
        return self._queries.get_entry(bot_id, key)

    def _pending_entry(
        self, pending: PendingKeys, bot_id: str, key: str
    ) -> KvEntry | None:
        entry = pending.entries.get(key)
        if entry is not None:
            return _to_entry(entry) if entry.exists else None
        return None if pending.replaces_table else self._queries.get_entry(bot_id, key)

    def history(
        self, bot_id: str, key: str, *, incarnation: int | None = None
    ) -> list[KvChange]:
        """Every change of the key, oldest first: each value set and each
        delete, with version, actor, time and log position. In the bot's
        current life unless ``incarnation`` names an earlier one (a deleted
        and re-registered bot starts anew: ``bots.history`` lists its lives).
        BotNotFound for a bot that is not live, unless ``incarnation`` is given."""
        _check_names(bot_id, key)
        return self._past.changes(bot_id, key, incarnation)

    def list_keys(self, bot_id: str, prefix: str | None = None) -> list[str]:
        """The bot's keys, sorted; only those starting with ``prefix`` if given."""
        check_identifier(bot_id, "bot_id")
        if prefix is not None:
            if not isinstance(prefix, str):
                raise InvalidInput("prefix must be a string")
            check_storable_text(prefix, "prefix")
        pending = pending_keys(self._writer.pending(), bot_id)
        if pending is None:
            return self._queries.list_keys(bot_id, prefix)
        keys = pending.keys_over(self._queries.list_keys(bot_id))
        return sorted(k for k in keys if prefix is None or k.startswith(prefix))


def _check_names(bot_id: str, key: str) -> None:
    # The common case in one expression (reads are hot); anything else gets
    # the full check and its message.
    if (
        type(bot_id) is str
        and type(key) is str
        and 0 < len(bot_id) <= MAX_ID_LENGTH
        and 0 < len(key) <= MAX_ID_LENGTH
        and bot_id.isprintable()
        and key.isprintable()
    ):
        return
    check_identifier(bot_id, "bot_id")
    check_identifier(key, "key")


_IMMUTABLE = frozenset({str, int, float, bool, type(None)})
_DECODE: Any = object()


def _to_entry(entry: KvKey, value: Any = _DECODE) -> KvEntry:
    """The entry as the caller sees it. Not validated again: its fields were
    checked when decided, and its times come from the store's UTC clock."""
    assert entry.value_json is not None  # set() always leaves a value
    return _build_entry(
        {
            "bot_id": entry.bot_id,
            "key": entry.key,
            "value": decode_json_value(entry.value_json) if value is _DECODE else value,
            "version": entry.entry_version,
            "created_at": entry.created_at,
            "updated_at": entry.updated_at,
            "updated_by": entry.updated_by,
        }
    )


_build_entry = trusted_builder(KvEntry)
