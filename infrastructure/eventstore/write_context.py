"""What a write command works with: the aggregates it loads and changes (an
identity map over the application's repository) and the store's clock."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, TypeVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError

from boternity_store.domain import Bot, BotNotFound

if TYPE_CHECKING:
    from eventsourcing.domain import Aggregate

    from boternity_store.infrastructure.eventstore.eventsourcing_seam import (
        EventStoreApplication,
    )

A = TypeVar("A", bound="Aggregate")
Clock = Callable[[], datetime]


class WriteContext:
    """Identity map of the aggregates one command (or one batch) works on."""

    def __init__(
        self, app: EventStoreApplication, clock: Clock, *, optimistic: bool = True
    ) -> None:
        self.app = app
        self.clock = clock
        self.optimistic = optimistic
        self._loaded: dict[UUID, Aggregate | None] = {}
        self.touched: dict[UUID, Aggregate] = {}
        # In the order commands left them: (aggregate, how many new events).
        self.sequence: list[tuple[Aggregate, int]] = []
        self._sequenced: dict[UUID, int] = {}
        self._added_since_seal: dict[UUID, Aggregate] = {}

    def now(self) -> datetime:
        return self.clock()

    def get(
        self,
        cls: type[A],
        aggregate_id: UUID,
        *,
        maybe_new: bool = False,
        seen: Callable[[], bool] | None = None,
    ) -> A | None:
        """The aggregate, or None if it does not exist. With ``maybe_new`` (for
        commands that create it when missing) an aggregate this process has not
        cached is assumed new, unless ``seen()`` (a cheap read of a read
        table) says it exists: if it exists after all, appending its first
        event conflicts and the writer runs the command again with a real
        lookup. Only for commands that, given None, create the aggregate and
        raise nothing that depends on the assumption."""
        if (
            maybe_new
            and self.optimistic
            and not self._cached(aggregate_id)
            and not (seen is not None and seen())
        ):
            self._loaded.setdefault(aggregate_id, None)
        if aggregate_id not in self._loaded:
            try:
                self._loaded[aggregate_id] = self.app.repository.get(aggregate_id)
            except AggregateNotFoundError:
                self._loaded[aggregate_id] = None
        aggregate = self._loaded[aggregate_id]
        if aggregate is not None and not isinstance(aggregate, cls):
            raise TypeError(f"{aggregate_id} is a {type(aggregate).__name__}")
        return aggregate

    def peek(self, aggregate_id: UUID) -> Aggregate | None:
        """The aggregate if this context already holds it; never loads."""
        return self._loaded.get(aggregate_id)

    def add(self, aggregate: A) -> A:
        """Record that the running command changed ``aggregate``."""
        self._loaded[aggregate.id] = aggregate
        self.touched[aggregate.id] = aggregate
        self._added_since_seal[aggregate.id] = aggregate
        return aggregate

    def seal(self) -> None:
        """After each command: note the events it left pending on what it
        added, so that they are appended in the order the commands ran."""
        for aggregate_id, aggregate in self._added_since_seal.items():
            pending = len(aggregate.pending_events)
            new = pending - self._sequenced.get(aggregate_id, 0)
            if new > 0:
                self.sequence.append((aggregate, new))
                self._sequenced[aggregate_id] = pending
        self._added_since_seal.clear()

    def live_bot(self, bot_id: str) -> Bot:
        bot = self.get(Bot, Bot.create_id(bot_id))
        if bot is None:
            raise BotNotFound(bot_id)
        bot.check_live()
        return bot

    def _cached(self, aggregate_id: UUID) -> bool:
        return aggregate_id in self._loaded or self.app.is_cached(aggregate_id)

    def evict(self) -> None:
        """Forget cached state of everything this context loaded."""
        self.app.evict(self._loaded)
