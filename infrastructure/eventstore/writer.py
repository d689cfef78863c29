"""The write path: run commands against aggregates, append their events, project.

A command is a function of a :class:`WriteContext`; it loads aggregates, decides,
and leaves new events pending on them. Every write, whatever its shape, goes
through one commit-and-retry loop, :meth:`Writer._commit`: decide the commands
in one context, append all their events in one transaction (which also
projects them), and on a concurrent append to one of the same streams
(optimistic concurrency) decide them all again on fresh state, after a short
jittered pause, up to ``MAX_ATTEMPTS`` times.

- **Group commit**: commands from concurrent threads queue up; whichever thread
  leads takes the queue as one group, and each caller gets its own result or
  error. A command that raises gets its error, and the others are decided
  again without it (it may have changed shared state).
- **Batches** (``store.batch()``): the commands run as they are called, and are
  committed as one atomic group when the batch ends: all are appended, or none.

A caller returns only after its events are durable and (in inline mode)
projected; :attr:`Writer.last_position` is then the log position of the
calling thread's last write.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from typing import TYPE_CHECKING, Any, TypeVar, cast

from eventsourcing.persistence import IntegrityError

from boternity_store.domain import StoreError
from boternity_store.infrastructure.eventstore.write_context import Clock, WriteContext

if TYPE_CHECKING:
    from boternity_store.infrastructure.eventstore.append import Appender
    from boternity_store.infrastructure.eventstore.eventsourcing_seam import (
        EventStoreApplication,
    )

T = TypeVar("T")
Command = Callable[[WriteContext], Any]
# Eight processes on one PostgreSQL key: with 10 attempts and a 50 ms cap, 26 of
# 800 writes gave up; with these, none (tests/.../test_hot_key_contention.py).
MAX_ATTEMPTS = 30  # at most about 2.5 s of pauses before a write gives up
# Pause before retry n: uniform in [0, PAUSE_S * 2**n], at most PAUSE_CAP_S.
PAUSE_S, PAUSE_CAP_S = 0.0005, 0.1
__all__ = ["WriteConflict", "WriteContext", "Writer"]


def jittered_pause(attempt: int) -> None:
    """Before retry ``attempt`` after a conflict: a random pause that grows
    with the attempt, so competing processes stop colliding in lockstep."""
    time.sleep(random.uniform(0, min(PAUSE_CAP_S, PAUSE_S * 2**attempt)))


class WriteConflict(StoreError):
    """Raised when concurrent writers kept changing the same streams."""


class _Slot:
    """One command and, once committed, its outcome."""

    __slots__ = ("command", "done", "error", "position", "ready", "value")

    def __init__(self, command: Command) -> None:
        self.command = command
        self.done = False
        # Only a caller that waits for another thread needs an event to wait on.
        self.ready: threading.Event | None = None
        self.value: Any = None
        self.error: BaseException | None = None
        self.position: int | None = None  # the log position its group reached

    def finish(self) -> None:
        self.done = True
        if self.ready is not None:
            self.ready.set()

    def outcome(self) -> Any:
        if self.error is not None:
            raise self.error
        return self.value


class Writer:
    def __init__(
        self, app: EventStoreApplication, appender: Appender, clock: Clock
    ) -> None:
        self.app = app
        self.appender = appender
        self.clock = clock
        self._lock = threading.RLock()  # held by the thread that commits
        self._queue: list[_Slot] = []
        self._queued = threading.Condition()  # guards the queue and leadership
        self._leading = False
        self._batch: list[_Slot] | None = None
        self._batch_context: WriteContext | None = None
        self._batch_thread: int | None = None
        self.pause: Callable[[int], None] = jittered_pause  # tests pass a fake
        self._positions = threading.local()

    @property
    def last_position(self) -> int | None:
        """The log position of the last event committed with this thread's
        last write (the group's last, at or after its own; None before its
        first write that recorded one)."""
        return getattr(self._positions, "last", None)

    def _reached(self, position: int | None) -> None:
        if position is not None:
            self._positions.last = position

    def execute(self, command: Callable[[WriteContext], T]) -> T:
        if self._batch_thread == threading.get_ident():
            return cast(T, self._run_in_batch(command))
        slot = _Slot(command)
        with self._queued:
            self._queue.append(slot)
            lead, self._leading = not self._leading, True
            if not lead:
                slot.ready = threading.Event()
            self._queued.notify_all()
        if not lead:
            assert slot.ready is not None
            slot.ready.wait()
        if not slot.done:  # the leader: commit everything queued so far
            self._lead()
        self._reached(slot.position)
        return cast(T, slot.outcome())

    def _lead(self) -> None:
        """Commit the queue as one group, then hand the leadership to the first
        caller that queued meanwhile: while a group commits, the next one forms."""
        try:
            with self._lock:
                with self._queued:
                    group, self._queue = self._queue, []
                try:
                    self._commit(group, atomic=False)
                finally:
                    for slot in group:
                        slot.finish()
        finally:
            with self._queued:
                if self._queue:  # woken without an outcome: it leads next
                    ready = self._queue[0].ready
                    assert ready is not None  # queued while this thread led
                    ready.set()
                else:
                    self._leading = False

    @contextmanager
    def batch(self) -> Iterator[None]:
        """Group many commands into one transaction: all are appended, or none."""
        if self._batch_thread == threading.get_ident():  # nested: join the outer
            yield
            return
        with self._lock:
            self.appender.before_decide()
            # Not optimistic: a batch hands each command's answer back before
            # the append could verify an assumption (that a key is new).
            context = WriteContext(self.app, self.clock, optimistic=False)
            self._batch, self._batch_context = [], context
            self._batch_thread = threading.get_ident()
            try:
                yield
                slots = self._batch
            except BaseException:
                context.evict()
                raise
            finally:
                self._batch, self._batch_context, self._batch_thread = None, None, None
            if slots:
                self._commit(slots, atomic=True, decided=context)
                self._reached(slots[-1].position)

    def _run_in_batch(self, command: Command) -> Any:
        assert self._batch is not None and self._batch_context is not None
        result = command(self._batch_context)
        self._batch_context.seal()
        self._batch.append(_Slot(command))
        return result

    @contextmanager
    def exclusive(self) -> Iterator[None]:
        """Hold off this process's writes (an import appends meanwhile)."""
        with self._lock:
            yield

    def pending(self) -> WriteContext | None:
        """The open batch's context, for the thread running the batch (reads in
        the batch lay it over the read tables)."""
        if self._batch_thread == threading.get_ident():
            return self._batch_context
        return None

    def _commit(
        self,
        slots: list[_Slot],
        *,
        atomic: bool,
        decided: WriteContext | None = None,
    ) -> None:
        """The one commit-and-retry loop. Decide ``slots`` in one context (unless
        ``decided``: a batch whose commands already ran), append, and decide
        again on a conflict. ``atomic``: a command that raises fails them all
        (raised here); otherwise it gets its own error and the rest go on."""
        pending, attempt = list(slots), 0
        while pending:
            # Decided again after a conflict: with other processes' appends
            # held off (where the appender can), so it cannot conflict again.
            with self.appender.holding_log() if attempt else nullcontext():
                context = decided or self._fresh(optimistic=attempt == 0)
                if decided is None:
                    failed = self._decide(context, pending, atomic=atomic)
                    if failed:
                        context.evict()  # what they changed is unrecorded
                        pending = [slot for slot in pending if slot not in failed]
                        continue
                decided = None
                try:
                    if context.touched:
                        position = self.appender.append(
                            context.touched.values(), context.sequence
                        )
                        for slot in pending:
                            slot.position = position
                    return
                except IntegrityError:
                    context.evict()  # another writer got there first: decide again
                except BaseException as error:
                    # Cached aggregates are shared, not copied: drop what the
                    # commands may have changed but not recorded.
                    context.evict()
                    for slot in pending:
                        slot.error = error
                    raise
            attempt += 1
            if attempt == MAX_ATTEMPTS:
                self._give_up(pending, atomic=atomic)
                return
            self.pause(attempt)

    def _fresh(self, *, optimistic: bool) -> WriteContext:
        self.appender.before_decide()
        return WriteContext(self.app, self.clock, optimistic=optimistic)

    @staticmethod
    def _decide(
        context: WriteContext, slots: list[_Slot], *, atomic: bool
    ) -> list[_Slot]:
        """Run each command; return those that raised (each with its error)."""
        failed = []
        for slot in slots:
            try:
                slot.value = slot.command(context)
                slot.error = None
                context.seal()
            except Exception as error:
                if atomic:
                    context.evict()
                    raise
                slot.error = error
                slot.finish()
                failed.append(slot)
        return failed

    @staticmethod
    def _give_up(slots: list[_Slot], *, atomic: bool) -> None:
        conflict = WriteConflict(
            f"gave up after {MAX_ATTEMPTS} conflicting concurrent writes"
        )
        if atomic:
            raise conflict
        for slot in slots:
            slot.error = conflict
