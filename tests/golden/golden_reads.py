"""Everything the public read API answers about a store, as plain JSON data:
what the golden store test compares across versions of the code."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from boternity_store.infrastructure import Store


def read_everything(store: Store) -> dict[str, Any]:
    bots = store.bots.list()
    bot_ids = [b.bot_id for b in bots] + ["bot-gone"]
    kv: dict[str, Any] = {}
    audit: dict[str, Any] = {}
    files: dict[str, Any] = {}
    for bot_id in bot_ids:
        if store.bots.get(bot_id) is None:
            continue
        kv[bot_id] = {
            key: _dump(store.kv.get_entry(bot_id, key))
            for key in store.kv.list_keys(bot_id)
        }
        audit[bot_id] = [_dump(e) for e in store.audit.get_for_bot(bot_id, 1000)]
        files[bot_id] = [
            {
                "file": _dump(f),
                "versions": [_dump(v) for v in store.files.get_versions(f.id)],
            }
            for f in store.files.list_files(bot_id)
        ]
    memories = {
        m: _dump(store.memories.get(m)) for m in ("m1", "m2", "m3", "m9", "busy", "mg")
    }
    head = store.history.head()
    events = []
    after = 0
    while after < head:
        page = store.history.events(after=after, limit=500)
        events += [_dump(e) for e in page]
        after = page[-1].position
    return {
        "bots": [_dump(b) for b in bots],
        "kv": kv,
        "audit": audit,
        "memories": memories,
        "providers": [_dump(p) for p in store.providers.list()],
        "provider_health": [_dump(p) for p in store.provider_health.load_all()],
        "files": files,
        "needing_index": [_dump(f) for f in store.files.needing_index()],
        "events": events,
    }


def _dump(model: Any) -> Any:
    return None if model is None else model.model_dump(mode="json")


def missing_from(expected: Any, actual: Any, path: str = "") -> list[str]:
    """Where ``actual`` differs from ``expected``; keys that only ``actual`` has
    (fields added by later versions) are not differences."""
    if isinstance(expected, dict) and isinstance(actual, dict):
        found = []
        for key, value in expected.items():
            if key not in actual:
                found.append(f"{path}.{key}: missing")
            else:
                found += missing_from(value, actual[key], f"{path}.{key}")
        return found
    if isinstance(expected, list) and isinstance(actual, list):
        if len(expected) != len(actual):
            return [f"{path}: {len(expected)} items, now {len(actual)}"]
        found = []
        for n, (a, b) in enumerate(zip(expected, actual, strict=True)):
            found += missing_from(a, b, f"{path}[{n}]")
        return found
    return [] if expected == actual else [f"{path}: {expected!r} != {actual!r}"]
