"""Everything a store (or a view of its past, or a ModelStore) answers about a
small universe of names, as plain data that compares equal across them.

Ids the store draws at random (file ids, the audit ids of commands) differ
between a store and the model, so they are replaced: a file id by its bot and
filename, a generated audit id by ``"<generated>"``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from pydantic import BaseModel


@dataclass(frozen=True)
class Universe:
    """The names a comparison asks about."""

    bot_ids: tuple[str, ...] = ("b1", "b2", "b3")
    keys: tuple[str, ...] = ("a", "b", "c")
    memory_ids: tuple[str, ...] = ("m1", "m2", "m3", "m4", "m5")
    provider_names: tuple[str, ...] = ("openai", "anthropic")
    filenames: tuple[str, ...] = ("a.txt", "b.txt")


def read_answers(api: Any, universe: Universe) -> dict[str, Any]:
    """Every read of ``api`` (``Store``, ``StoreView`` or ``ModelStore``) about
    ``universe``, normalised (see the module's docstring)."""
    labels = {
        f.id: f"{f.bot_id}/{f.filename}"
        for bot in universe.bot_ids
        for f in api.files.list_files(bot)
    }
    out: dict[str, Any] = {
        "bots": [plain(b, labels) for b in api.bots.list()],
        "providers": [plain(p, labels) for p in api.providers.list()],
        "needing_index": [plain(f, labels) for f in api.files.needing_index()],
    }
    for bot in universe.bot_ids:
        out[f"bot {bot}"] = plain(api.bots.get(bot), labels)
        keys = api.kv.list_keys(bot)
        out[f"keys {bot}"] = keys
        for key in sorted({*keys, *universe.keys}):
            entry = api.kv.get_entry(bot, key)
            out[f"kv {bot}/{key}"] = plain(entry, labels)
            if entry is not None:
                out[f"kv {bot}/{key} versions"] = [
                    plain(api.kv.get_entry(bot, key, version=v), labels)
                    for v in range(1, entry.version + 1)
                ]
        out[f"audit {bot}"] = [
            plain(e, labels) for e in api.audit.get_for_bot(bot, limit=10_000)
        ]
        out[f"files {bot}"] = [plain(f, labels) for f in api.files.list_files(bot)]
        for name in universe.filenames:
            out[f"file {bot}/{name}"] = plain(api.files.get_file(bot, name), labels)
    for file_id, label in labels.items():
        out[f"versions {label}"] = [
            plain(v, labels) for v in api.files.get_versions(file_id)
        ]
    for memory in universe.memory_ids:
        out[f"memory {memory}"] = plain(api.memories.get(memory), labels)
        out[f"audit {memory}"] = [
            plain(e, labels) for e in api.audit.get_for_memory(memory)
        ]
    for name in universe.provider_names:
        out[f"provider {name}"] = plain(api.providers.status(name), labels)
    return out


def plain(value: Any, file_labels: dict[str, str] | None = None) -> Any:
    """``value`` (an answer) as plain data, with random ids replaced."""
    labels = file_labels or {}
    if isinstance(value, BaseModel):
        data = value.model_dump()
        kind = type(value).__name__
        if kind == "StorageFile":
            data["id"] = f"{data['bot_id']}/{data['filename']}"  # unique while live
        elif kind == "FileVersion":
            label = labels.get(data["file_id"], "<file>")
            data["file_id"] = label
            data["id"] = f"{label}@{data['version']}"
        elif kind == "MemoryAuditEntry" and _is_uuid(data["id"]):
            data["id"] = "<generated>"
        return {"type": kind, **data}
    if isinstance(value, (list, tuple)):
        return [plain(v, labels) for v in value]
    if isinstance(value, dict):
        return {k: plain(v, labels) for k, v in value.items()}
    return value


def _is_uuid(text: str) -> bool:
    try:
        return str(UUID(text)) == text
    except ValueError:
        return False
