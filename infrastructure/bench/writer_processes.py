"""Writers in separate processes (``multiprocessing``, spawn), each with its
own store and its own CRUD connection, started together on a barrier: kv
writes/s as processes are added.

The processes are started once (:class:`WriterPool`) and serve every round:
in a round of ``n`` processes, the first ``n`` each open their own store on
the round's database and write their own bot's keys (``bot-<i>``, 100 keys in
turn), through ``store.kv.set`` and as plain CRUD, in alternating slices (all
``n`` start each slice together), so that a slower minute of the disk falls
on both. A rate is all the round's writes of one kind over the sum of its
slices' times, each from the first process's start to the last one's end
(``time.monotonic``: one clock for every process on the machine)."""

from __future__ import annotations

import itertools
import multiprocessing
import time
import traceback
from collections.abc import Iterable
from contextlib import suppress
from dataclasses import dataclass
from multiprocessing.connection import wait
from types import TracebackType
from typing import TYPE_CHECKING, Any

from boternity_store.domain.errors import StoreError
from boternity_store.infrastructure.bench.crud_postgres import PgCrudKv
from boternity_store.infrastructure.store import open_store

if TYPE_CHECKING:
    from multiprocessing.connection import Connection
    from multiprocessing.synchronize import Barrier

KEYS = 100
# Failure detection only (a process that hangs): no step of a round waits this
# long unless something is broken. A process that dies is noticed at once.
STUCK_S = 600.0

SLICES = 4  # of each process's writes, alternating the store and CRUD
# One process's slices: (store start, end, CRUD start, end) for each.
Spans = list[tuple[float, float, float, float]]


@dataclass(frozen=True)
class WriterRates:
    inline: float  # store.kv.set, writes/s over all the round's processes
    crud: float  # the same writes as plain CRUD


@dataclass(frozen=True)
class _Round:
    processes: int
    store_url: str
    crud_dsn: str
    writes: int


def bot_of(process: int) -> str:
    return f"bot-{process}"


class WriterPool:
    """Writer processes for rounds of the given sizes (the largest is how
    many are started). Close it (or use ``with``) to stop them."""

    def __init__(self, rounds: Iterable[int]) -> None:
        sizes = sorted(set(rounds))
        context = multiprocessing.get_context("spawn")
        # Barriers reach a process only when it starts: one per round size,
        # kept here for as long as the processes may use them.
        self._barriers = barriers = {n: context.Barrier(n) for n in sizes}
        self._conns: list[Connection] = []
        self._workers: list[Any] = []
        try:
            for index in range(sizes[-1]):
                ours, theirs = context.Pipe()
                worker = context.Process(
                    target=_serve, args=(index, theirs, barriers), daemon=True
                )
                worker.start()
                theirs.close()
                self._conns.append(ours)
                self._workers.append(worker)
            self._gather(len(self._workers))  # every one imported and waiting
        except BaseException:
            self.close()
            raise

    def measure(
        self, processes: int, store_url: str, crud_dsn: str, writes: int
    ) -> WriterRates:
        """One round: ``processes`` writers of ``writes`` writes each. The store
        at ``store_url`` must have their bots registered, and ``crud_dsn`` the
        CRUD table."""
        job = _Round(processes, store_url, crud_dsn, writes)
        for conn in self._conns[:processes]:
            conn.send(job)
        spans: list[Spans] = self._gather(processes)
        inline = crud = 0.0
        for slices in zip(*spans, strict=True):  # one slice, every process
            inline += max(s[1] for s in slices) - min(s[0] for s in slices)
            crud += max(s[3] for s in slices) - min(s[2] for s in slices)
        total = processes * writes
        return WriterRates(inline=total / inline, crud=total / crud)

    def _gather(self, processes: int) -> list[Any]:
        """One answer from each of the first ``processes``; a failure raises
        once all have answered, with the error that came first (the others
        then only saw the barrier break)."""
        pending = {index: self._conns[index] for index in range(processes)}
        sentinels = {self._workers[index].sentinel: index for index in pending}
        answers: list[Any] = []
        errors: list[tuple[int, str]] = []
        while pending:
            ready = wait([*pending.values(), *sentinels], timeout=STUCK_S)
            if not ready:
                raise StoreError(f"bench writers sent nothing in {STUCK_S:.0f} s")
            for index, conn in list(pending.items()):
                if conn.poll():
                    kind, value = self._receive(index)
                    if kind == "ok":
                        answers.append(value)
                    else:
                        errors.append((index, value))
                    del pending[index]
            for sentinel, index in sentinels.items():
                if sentinel in ready and index in pending:
                    code = self._workers[index].exitcode
                    raise StoreError(f"bench writer {index} died (exit code {code})")
        if errors:
            causes = [e for e in errors if "BrokenBarrierError" not in e[1]]
            index, message = (causes or errors)[0]
            raise StoreError(f"bench writer {index} failed: {message}")
        return answers

    def _receive(self, index: int) -> tuple[str, Any]:
        try:
            outcome: tuple[str, Any] = self._conns[index].recv()
        except (EOFError, OSError):
            self._workers[index].join(timeout=STUCK_S)
            code = self._workers[index].exitcode
            raise StoreError(f"bench writer {index} died (exit code {code})") from None
        return outcome

    def close(self) -> None:
        for conn in self._conns:
            with suppress(OSError):  # that process is gone already
                conn.send(None)
        for worker in self._workers:
            worker.join(timeout=30)
            if worker.is_alive():
                worker.terminate()
                worker.join()
        for conn in self._conns:
            conn.close()

    def __enter__(self) -> WriterPool:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def _serve(index: int, conn: Connection, barriers: dict[int, Barrier]) -> None:
    """A writer process: one round per job received, until None."""
    conn.send(("ok", None))  # ready: the store's code is imported
    while (job := conn.recv()) is not None:
        barrier = barriers[job.processes]
        try:
            conn.send(("ok", _write(job, index, barrier)))
        except BaseException as error:
            barrier.abort()  # the round's other processes stop waiting
            conn.send(("error", traceback.format_exception_only(error)[-1].strip()))
            return


def _write(job: _Round, index: int, barrier: Barrier) -> Spans:
    bot = bot_of(index)
    slices = min(SLICES, job.writes)
    bounds = [job.writes * n // slices for n in range(slices + 1)]
    spans: Spans = []
    with open_store(job.store_url) as store:
        crud = PgCrudKv(job.crud_dsn)
        try:
            store.kv.set(bot, "warm-up", 0)  # connections open, the bot cached
            crud.set(bot, "warm-up", 0)
            for first, last in itertools.pairwise(bounds):
                barrier.wait(timeout=STUCK_S)
                start = time.monotonic()
                for i in range(first, last):
                    store.kv.set(bot, f"k{i % KEYS}", {"i": i})
                end = time.monotonic()
                barrier.wait(timeout=STUCK_S)
                crud_start = time.monotonic()
                for i in range(first, last):
                    crud.set(bot, f"k{i % KEYS}", {"i": i})
                spans.append((start, end, crud_start, time.monotonic()))
        finally:
            crud.close()
    return spans
