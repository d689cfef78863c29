"""The eventsourcing application: the event store every write goes through."""

from __future__ import annotations

from typing import Any, ClassVar

from eventsourcing.application import Application

from boternity_store.domain import Bot, BotFile, FileName, KvKey, VersionIdClaim
from boternity_store.domain.memory import Memory
from boternity_store.domain.provider import Provider

SNAPSHOT_INTERVAL = 100


class EventStoreApplication(Application[Any]):
    name = "boternity"
    snapshotting_intervals: ClassVar[dict[type[Any], int]] = {
        Bot: SNAPSHOT_INTERVAL,
        KvKey: SNAPSHOT_INTERVAL,
        BotFile: SNAPSHOT_INTERVAL,
        FileName: SNAPSHOT_INTERVAL,
        VersionIdClaim: SNAPSHOT_INTERVAL,
        Provider: SNAPSHOT_INTERVAL,
        Memory: SNAPSHOT_INTERVAL,
    }

    @classmethod
    def for_env(cls, env: dict[str, str]) -> EventStoreApplication:
        return cls(env={
            "AGGREGATE_CACHE_MAXSIZE": "10000",
            # A stale cache is safe: a decision on stale state appends a version
            # that already exists, the append fails and the writer decides again.
            "AGGREGATE_CACHE_FASTFORWARD": "n",
            # Commands decide before they record, and the writer evicts whatever
            # a failed command touched, so cached aggregates need no copy.
            "DEEPCOPY_FROM_AGGREGATE_CACHE": "n",
            "CREATE_TABLE": "y",
            **env,
        })
