"""Keeping this process's aggregate cache honest about other processes' writes.

The cache is not fast-forwarded: a stale aggregate that a command writes makes
the append conflict, and the command is decided again. But a decision can also
read a stream it does not write (a KV write reads its bot: is it deleted?), and
no conflict would catch that. So before commands decide, the streams that other
processes appended to since this process last looked are evicted from the
cache, and load fresh when next used.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from boternity_store.infrastructure.eventstore.eventsourcing_seam import (
        EventStoreApplication,
    )

_BATCH = 1000


class ForeignWrites:
    def __init__(
        self,
        app: EventStoreApplication,
        *,
        maybe_changed: Callable[[], bool] = lambda: True,
    ) -> None:
        """``maybe_changed``: a cheap test that returns False only when no other
        connection can have written since it last returned True (SQLite's
        ``data_version``); by default the log's head is read every time."""
        self.app = app
        self.maybe_changed = maybe_changed
        self.seen = app.recorder.max_notification_id() or 0

    def forget(self) -> None:
        """Before deciding: evict the streams others appended to meanwhile."""
        if not self.maybe_changed():
            return
        head = self.app.recorder.max_notification_id() or 0
        if head > self.seen:
            self._evict(self.seen, head)
            self.seen = head

    def appended(self, first: int, last: int) -> None:
        """After this process appended positions ``first`` to ``last``: what
        others appended just before is evicted too."""
        if first > self.seen + 1:
            self._evict(self.seen, first - 1)
        self.seen = max(self.seen, last)

    def _evict(self, after: int, upto: int) -> None:
        capacity = self.app.cache_capacity()
        if capacity is not None and upto - after > capacity:
            # More foreign events than cached aggregates: start afresh rather
            # than read them all.
            self.app.forget_cache()
            return
        while after < upto:
            notifications = self.app.recorder.select_notifications(
                start=after + 1, limit=min(_BATCH, upto - after), stop=upto
            )
            if not notifications:
                return
            self.app.evict(n.originator_id for n in notifications)
            after = notifications[-1].id
