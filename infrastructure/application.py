"""The eventsourcing application: the event store every write goes through."""

from __future__ import annotations

from typing import Any, ClassVar

from eventsourcing.application import Application

from boternity_store.domain import Bot, KvKey

SNAPSHOT_INTERVAL = 100


class EventStoreApplication(Application[Any]):
    name = "boternity"
    snapshotting_intervals: ClassVar[dict[type[Any], int]] = {
        Bot: SNAPSHOT_INTERVAL,
        KvKey: SNAPSHOT_INTERVAL,
    }

    @classmethod
    def for_env(cls, env: dict[str, str]) -> EventStoreApplication:
        return cls(env={
            "AGGREGATE_CACHE_MAXSIZE": "10000",
            "AGGREGATE_CACHE_FASTFORWARD": "n",
            "CREATE_TABLE": "y",
            **env,
        })
