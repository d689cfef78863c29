"""The write path: run a command against aggregates, append its events, project.

A command is a function of a :class:`WriteContext`; it loads aggregates, decides,
and leaves new events pending on them. The writer appends all pending events in
one transaction (optimistic concurrency: a concurrent append to the same stream
makes the whole command run again on fresh state) and then brings projections up
to date, so a caller reads its own writes. Inside ``batch()`` commands share one
context and everything is appended in one transaction when the batch ends.

Group commit: commands from concurrent threads queue up; whichever thread gets
the write lock runs every queued command in one context and appends all their
events in one transaction (one fsync), then hands each caller its own result.
A caller returns only after its events are durable and projected.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, TypeVar, cast

from eventsourcing.persistence import IntegrityError

from boternity_store.domain import StoreError

from .write_context import Clock, WriteContext

if TYPE_CHECKING:
    from .append import Appender
    from .eventsourcing_seam import EventStoreApplication

T = TypeVar("T")
MAX_ATTEMPTS = 10
__all__ = ["WriteConflict", "WriteContext", "Writer"]


class WriteConflict(StoreError):
    """Raised when concurrent writers kept changing the same streams."""


class _Slot:
    """One queued command and, once the group ran, its outcome."""

    __slots__ = ("command", "done", "error", "ready", "value")

    def __init__(self, command: Callable[[WriteContext], Any]) -> None:
        self.command = command
        self.done = False
        # Only a caller that waits for another thread needs an event to wait on.
        self.ready: threading.Event | None = None
        self.value: Any = None
        self.error: BaseException | None = None

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
        self._lock = threading.RLock()
        self._queue: list[_Slot] = []
        self._queue_lock = threading.Lock()
        self._leading = False
        self._batch: list[Callable[[WriteContext], Any]] | None = None
        self._batch_context: WriteContext | None = None
        self._batch_thread: int | None = None

    def execute(self, command: Callable[[WriteContext], T]) -> T:
        if self._batch_thread == threading.get_ident():
            assert self._batch is not None and self._batch_context is not None
            result = command(self._batch_context)
            self._batch_context.seal()
            self._batch.append(command)
            return result
        slot = _Slot(command)
        with self._queue_lock:
            self._queue.append(slot)
            lead, self._leading = not self._leading, True
            if not lead:
                slot.ready = threading.Event()
        if not lead:
            assert slot.ready is not None
            slot.ready.wait()
        if not slot.done:  # leader: commit everything queued so far
            self._lead()
        return cast(T, slot.outcome())

    def _lead(self) -> None:
        """Commit the queue as one group, then hand the leadership to the first
        caller that queued meanwhile: while a group commits, the next one forms."""
        try:
            with self._lock:
                with self._queue_lock:
                    group, self._queue = self._queue, []
                self._commit_group(group)
        finally:
            with self._queue_lock:
                if self._queue:  # woken without an outcome: it leads next
                    ready = self._queue[0].ready
                    assert ready is not None  # queued while this thread led
                    ready.set()
                else:
                    self._leading = False

    def _commit_group(self, group: list[_Slot]) -> None:
        """Run queued commands together; a command that raises gets its error and
        the others run again without it (it may have changed shared state)."""
        try:
            while group:
                self.appender.before_decide()
                context = WriteContext(self.app, self.clock)
                failed = self._run_group(context, group)
                if not failed:
                    self._save_group(context, group)
                    break
                context.evict()
                group = [slot for slot in group if slot not in failed]
        except BaseException as error:  # e.g. KeyboardInterrupt in the leader
            for slot in group:
                slot.error = error
            raise
        finally:
            for slot in group:
                slot.finish()

    @staticmethod
    def _run_group(context: WriteContext, group: list[_Slot]) -> list[_Slot]:
        failed = []
        for slot in group:
            try:
                slot.value = slot.command(context)
                context.seal()
            except Exception as error:
                slot.error = error
                slot.finish()
                failed.append(slot)
        return failed

    def _save_group(self, context: WriteContext, group: list[_Slot]) -> None:
        if not context.touched:
            return
        try:
            self.appender.append(context.touched.values(), context.sequence)
        except IntegrityError:
            # Another process wrote meanwhile: decide again, one command at a time.
            context.evict()
            for slot in group:
                try:
                    slot.value = self._commit([slot.command])[0]
                except Exception as error:
                    slot.error = error
            return
        except BaseException as error:
            context.evict()
            for slot in group:
                slot.error = error

    @contextmanager
    def batch(self) -> Iterator[None]:
        """Group many commands into one transaction: all are appended, or none."""
        if self._batch_thread == threading.get_ident():  # nested: join the outer
            yield
            return
        with self._lock:
            self.appender.before_decide()
            context = WriteContext(self.app, self.clock)
            self._batch, self._batch_context = [], context
            self._batch_thread = threading.get_ident()
            try:
                yield
                commands = self._batch
            except BaseException:
                context.evict()
                raise
            finally:
                self._batch, self._batch_context, self._batch_thread = None, None, None
            if commands:
                self._commit(commands, decided=context)

    def pending(self) -> WriteContext | None:
        """The open batch's context, for the thread running the batch (reads in
        the batch lay it over the read tables)."""
        if self._batch_thread == threading.get_ident():
            return self._batch_context
        return None

    def _commit(
        self,
        commands: list[Callable[[WriteContext], Any]],
        decided: WriteContext | None = None,
    ) -> list[Any]:
        for attempt in range(MAX_ATTEMPTS):
            if decided is None:
                self.appender.before_decide()
                fresh = WriteContext(self.app, self.clock, optimistic=attempt == 0)
                context, to_run = fresh, commands
            else:  # a batch whose commands already ran once
                context, to_run, decided = decided, [], None
            try:
                results = []
                for command in to_run:
                    results.append(command(context))
                    context.seal()
                if not context.touched:
                    return results
                self.appender.append(context.touched.values(), context.sequence)
            except IntegrityError:
                context.evict()  # another writer got there first: decide again
                continue
            except BaseException:
                # Cached aggregates are shared, not copied: drop what this
                # command may have changed but not recorded.
                context.evict()
                raise
            return results
        raise WriteConflict(
            f"gave up after {MAX_ATTEMPTS} conflicting concurrent writes"
        )
