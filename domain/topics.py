"""Old topics of moved classes.

Every stored event and snapshot names its class by topic (``module:QualName``).
The aggregates moved into one package per store; stores written before that
hold the old module paths, which resolve here (the library's
``register_topic``). ``tests/golden/`` reads a store written before the move.
Never remove an entry: old events stay in the log for ever.
"""

from __future__ import annotations

from types import ModuleType

from eventsourcing.domain import Aggregate, CanMutateAggregate
from eventsourcing.utils import register_topic

from boternity_store.domain.bots import bot
from boternity_store.domain.files import bot_file, names, version_ids
from boternity_store.domain.kv import key
from boternity_store.domain.memories import audit_entry, memory
from boternity_store.domain.providers import events, provider

MOVED: dict[str, ModuleType] = {
    "boternity_store.domain.bot": bot,
    "boternity_store.domain.kv": key,
    "boternity_store.domain.memory": memory,
    "boternity_store.domain.audit_entry": audit_entry,
    "boternity_store.domain.provider": provider,
    "boternity_store.domain.provider_events": events,
    "boternity_store.domain.files": bot_file,
    "boternity_store.domain.file_names": names,
    "boternity_store.domain.file_version_ids": version_ids,
}


def register_moved_topics() -> None:
    """Each aggregate and event class written in a moved module, under its old
    module path (an aggregate's topic also resolves its nested events)."""
    for old, module in MOVED.items():
        for name, obj in vars(module).items():
            if (
                isinstance(obj, type)
                and obj.__module__ == module.__name__
                and issubclass(obj, Aggregate | CanMutateAggregate)
            ):
                register_topic(f"{old}:{name}", obj)


register_moved_topics()
