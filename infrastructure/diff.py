"""``store.diff``: what changed between two points of the log, read by
comparing two views of the past (``store.at``), so it says exactly what the
read API would have answered before and after."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict

from boternity_store.domain.memories.models import MemoryAuditEntry

if TYPE_CHECKING:
    from boternity_store.infrastructure.time_travel import StoreView


class Change(BaseModel):
    """One thing that changed: its kind (``key``, ``file``, ``provider``), what
    it is, and its value before and after (None: it did not exist)."""

    model_config = ConfigDict(frozen=True)

    kind: str
    bot_id: str | None
    name: str
    before: Any
    after: Any


class StoreDiff(BaseModel):
    """Everything that changed from position ``from_position`` to
    ``to_position``: bots registered and deleted, keys, files and provider
    breakers before and after, and the memory audit rows logged between."""

    model_config = ConfigDict(frozen=True)

    from_position: int
    to_position: int
    bot_id: str | None
    bots_registered: list[str]
    bots_deleted: list[str]
    changes: list[Change]
    memory_actions: list[MemoryAuditEntry]

    def describe(self) -> str:
        """The change set, one line per change."""
        lines = [f"from position {self.from_position} to {self.to_position}"]
        lines += [f"+ bot {b} registered" for b in self.bots_registered]
        lines += [f"- bot {b} deleted" for b in self.bots_deleted]
        for c in self.changes:
            where = f"{c.bot_id}/{c.name}" if c.bot_id else c.name
            lines.append(f"~ {c.kind} {where}: {_text(c.before)} -> {_text(c.after)}")
        lines += [
            f"* memory {a.memory_id} {a.action} by {a.actor} (bot {a.bot_id})"
            for a in self.memory_actions
        ]
        return "\n".join(lines)


def diff_views(before: StoreView, after: StoreView, bot_id: str | None) -> StoreDiff:
    old_bots = {b.bot_id for b in before.bots.list()}
    new_bots = {b.bot_id for b in after.bots.list()}
    bots = sorted((old_bots | new_bots) if bot_id is None else {bot_id})
    changes: list[Change] = []
    memory_actions: list[MemoryAuditEntry] = []
    for bot in bots:
        changes += _changed(
            "key", bot, _keys(before, bot, old_bots), _keys(after, bot, new_bots)
        )
        changes += _changed(
            "file", bot, _files(before, bot, old_bots), _files(after, bot, new_bots)
        )
        seen = {a.id for a in _audit(before, bot, old_bots)}
        memory_actions += [a for a in _audit(after, bot, new_bots) if a.id not in seen]
    changes += _changed("provider", None, _providers(before), _providers(after))
    memory_actions.sort(key=lambda a: (a.created_at, a.id))
    return StoreDiff(
        from_position=before.position,
        to_position=after.position,
        bot_id=bot_id,
        bots_registered=sorted(b for b in new_bots - old_bots if b in bots),
        bots_deleted=sorted(b for b in old_bots - new_bots if b in bots),
        changes=changes,
        memory_actions=memory_actions,
    )


def _changed(
    kind: str, bot_id: str | None, old: dict[str, Any], new: dict[str, Any]
) -> list[Change]:
    return [
        Change(
            kind=kind,
            bot_id=bot_id,
            name=name,
            before=old.get(name),
            after=new.get(name),
        )
        for name in sorted(old.keys() | new.keys())
        if old.get(name) != new.get(name)
    ]


def _keys(view: StoreView, bot: str, live: set[str]) -> dict[str, Any]:
    if bot not in live:
        return {}
    return {key: view.kv.get(bot, key) for key in view.kv.list_keys(bot)}


def _files(view: StoreView, bot: str, live: set[str]) -> dict[str, Any]:
    if bot not in live:
        return {}
    return {
        f.filename: {"version": f.version, "index_status": f.index_status}
        for f in view.files.list_files(bot)
    }


def _audit(view: StoreView, bot: str, live: set[str]) -> list[MemoryAuditEntry]:
    return view.audit.get_for_bot(bot, limit=2**62) if bot in live else []


def _providers(view: StoreView) -> dict[str, Any]:
    return {
        p.name: {
            "circuit_state": p.circuit_state,
            "total_calls": p.total_calls,
            "total_failures": p.total_failures,
        }
        for p in view.providers.list()
    }


def _text(value: Any) -> str:
    return "(none)" if value is None else json.dumps(value, ensure_ascii=False)
