"""The write path: run a command against aggregates, append its events, project.

A command is a function of a :class:`WriteContext`; it loads aggregates, decides,
and leaves new events pending on them. The writer appends all pending events in
one transaction (optimistic concurrency: a concurrent append to the same stream
makes the whole command run again on fresh state) and then brings projections up
to date, so a caller reads its own writes. Inside ``batch()`` commands share one
context and everything is appended in one transaction when the batch ends.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.persistence import IntegrityError

from boternity_store.domain import Bot, BotNotFound, StoreError

if TYPE_CHECKING:
    from eventsourcing.domain import Aggregate

    from boternity_store.projections import ProjectionRunner

    from .application import EventStoreApplication

T = TypeVar("T")
A = TypeVar("A", bound="Aggregate")
Clock = Callable[[], datetime]
MAX_ATTEMPTS = 10


class WriteConflict(StoreError):
    """Raised when concurrent writers kept changing the same streams."""


class WriteContext:
    """Identity map of the aggregates one command (or one batch) works on."""

    def __init__(self, app: EventStoreApplication, clock: Clock) -> None:
        self.app = app
        self.clock = clock
        self._loaded: dict[UUID, Aggregate | None] = {}
        self.touched: dict[UUID, Aggregate] = {}

    def now(self) -> datetime:
        return self.clock()

    def get(self, cls: type[A], aggregate_id: UUID) -> A | None:
        if aggregate_id not in self._loaded:
            try:
                self._loaded[aggregate_id] = self.app.repository.get(aggregate_id)
            except AggregateNotFoundError:
                self._loaded[aggregate_id] = None
        aggregate = self._loaded[aggregate_id]
        if aggregate is not None and not isinstance(aggregate, cls):
            raise TypeError(f"{aggregate_id} is a {type(aggregate).__name__}")
        return aggregate

    def add(self, aggregate: A) -> A:
        self._loaded[aggregate.id] = aggregate
        self.touched[aggregate.id] = aggregate
        return aggregate

    def live_bot(self, bot_id: str) -> Bot:
        bot = self.get(Bot, Bot.create_id(bot_id))
        if bot is None:
            raise BotNotFound(bot_id)
        bot.check_live()
        return bot

    def evict(self) -> None:
        """Forget cached state of everything this context loaded."""
        cache = self.app.repository.cache
        if cache is None:
            return
        for aggregate_id in self._loaded:
            with suppress(KeyError):
                cache.get(aggregate_id, evict=True)


class Writer:
    def __init__(
        self, app: EventStoreApplication, runner: ProjectionRunner, clock: Clock
    ) -> None:
        self.app = app
        self.runner = runner
        self.clock = clock
        self._lock = threading.RLock()
        self._batch: list[Callable[[WriteContext], Any]] | None = None
        self._batch_context: WriteContext | None = None

    def execute(self, command: Callable[[WriteContext], T]) -> T:
        with self._lock:
            if self._batch is not None and self._batch_context is not None:
                result = command(self._batch_context)
                self._batch.append(command)
                return result
            result = self._commit([command])[0]
            return cast(T, result)

    @contextmanager
    def batch(self) -> Iterator[None]:
        """Group many commands into one transaction: all are appended, or none."""
        with self._lock:
            if self._batch is not None:  # nested: join the outer batch
                yield
                return
            context = WriteContext(self.app, self.clock)
            self._batch, self._batch_context = [], context
            try:
                yield
                commands = self._batch
            except BaseException:
                context.evict()
                raise
            finally:
                self._batch, self._batch_context = None, None
            if commands:
                self._commit(commands, decided=context)

    def pending(self) -> WriteContext | None:
        """The open batch's context (for reads that must see uncommitted writes)."""
        return self._batch_context

    def _commit(
        self,
        commands: list[Callable[[WriteContext], Any]],
        decided: WriteContext | None = None,
    ) -> list[Any]:
        for _ in range(MAX_ATTEMPTS):
            if decided is None:
                context = WriteContext(self.app, self.clock)
                results = [command(context) for command in commands]
            else:  # a batch whose commands already ran once
                context, results, decided = decided, [], None
            if not context.touched:
                return results
            try:
                recordings = self.app.save(*context.touched.values())
            except IntegrityError:
                context.evict()  # another writer got there first: decide again
                continue
            self.runner.catch_up(
                recent=[(r.notification.id, r.domain_event) for r in recordings]
            )
            return results
        raise WriteConflict(
            f"gave up after {MAX_ATTEMPTS} conflicting concurrent writes"
        )
