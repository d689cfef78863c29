"""Writers in separate processes (``multiprocessing``, spawn), each with its
own stores and its own CRUD connection, started together on a barrier: kv
writes/s as processes are added.

The processes are started once (:class:`WriterPool`) and serve every round:
in a round of ``n`` processes, the first ``n`` each write their own bot's
keys (``bot-<i>``, 100 keys in turn) through ``kv.set`` on a store in inline
mode (the round's store database), on one in background mode
(``projections="background"``, its background database), and as plain CRUD,
in alternating slices (inline, background, CRUD; all ``n`` start each slice
together), so that a slower minute of the disk falls on all three. Both
stores stay open for the whole round, as an application's would.

Connections: each store holds about 4 (the library's pool starts at one:
``eventsourcing_seam.POSTGRES_POOL_DEFAULTS``), so 8 processes with two stores
each, their CRUD connections and the runner stay under PostgreSQL's default
``max_connections`` of 100.

A rate is all the round's writes of one kind over the sum of its slices'
times, each from the first process's start to the last one's end
(``time.monotonic``: one clock for every process on the machine).

Each background write is also recorded as ``(position, time)``: its log
position (``store.last_position``) and ``time.monotonic()`` right after
``kv.set`` returned, when its commit was acknowledged; the runner's lag is
measured from there (:mod:`.runner_lag`)."""

from __future__ import annotations

import itertools
import multiprocessing
import time
import traceback
from collections.abc import Callable, Iterable
from contextlib import suppress
from dataclasses import dataclass
from multiprocessing.connection import wait
from types import TracebackType
from typing import TYPE_CHECKING, Any

from boternity_store.domain.errors import StoreError
from boternity_store.infrastructure.bench.crud_postgres import PgCrudKv
from boternity_store.infrastructure.store import Store, open_store

if TYPE_CHECKING:
    from multiprocessing.connection import Connection
    from multiprocessing.synchronize import Barrier

KEYS = 100
# Failure detection only (a process that hangs): no step of a round waits this
# long unless something is broken. A process that dies is noticed at once.
STUCK_S = 600.0

SLICES = 4  # of each process's writes, alternating inline, background and CRUD
Span = tuple[float, float]  # (start, end), time.monotonic()
Ack = tuple[int, float]  # a background write: (log position, time it returned)


@dataclass(frozen=True)
class _Slice:
    """One process's slice of a round."""

    inline: Span
    background: Span
    crud: Span
    acks: tuple[Ack, ...]  # of its background writes, in order


@dataclass(frozen=True)
class BackgroundSlice:
    """A slice of background writes, all the round's processes together."""

    start: float  # when the first process started it (time.monotonic)
    acks: tuple[Ack, ...]  # every process's writes, by position


@dataclass(frozen=True)
class WriterRates:
    inline: float  # store.kv.set in inline mode, writes/s over all processes
    background: float  # store.kv.set in background mode (a runner following)
    crud: float  # the same writes as plain CRUD
    background_slices: tuple[BackgroundSlice, ...]

    @property
    def last_position(self) -> int:
        """The log position of the round's last background write."""
        return max(s.acks[-1][0] for s in self.background_slices)


@dataclass(frozen=True)
class _Round:
    processes: int
    store_url: str
    background_url: str
    crud_dsn: str
    writes: int


def bot_of(process: int) -> str:
    return f"bot-{process}"


def last_values(process: int, writes: int, count: int = 3) -> dict[str, Any]:
    """The values of the last ``count`` keys process ``process`` wrote, as a
    round of ``writes`` writes leaves them."""
    return {key_of(i): value_of(i) for i in range(max(0, writes - count), writes)}


def key_of(write: int) -> str:
    return f"k{write % KEYS}"


def value_of(write: int) -> dict[str, int]:
    return {"i": write}


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
        self,
        processes: int,
        urls: tuple[str, str],
        crud_dsn: str,
        writes: int,
    ) -> WriterRates:
        """One round: ``processes`` writers of ``writes`` writes each. The
        stores at ``urls`` (inline, background) must have their bots
        registered, a runner must follow the background one, and ``crud_dsn``
        must have the CRUD table."""
        job = _Round(processes, *urls, crud_dsn, writes)
        for conn in self._conns[:processes]:
            conn.send(job)
        answers: list[list[_Slice]] = self._gather(processes)
        inline = background = crud = 0.0
        slices = []
        for one in zip(*answers, strict=True):  # one slice, every process
            inline += _length([s.inline for s in one])
            background += _length([s.background for s in one])
            crud += _length([s.crud for s in one])
            acks = sorted(itertools.chain.from_iterable(s.acks for s in one))
            start = min(s.background[0] for s in one)
            slices.append(BackgroundSlice(start, tuple(acks)))
        total = processes * writes
        return WriterRates(
            inline=total / inline,
            background=total / background,
            crud=total / crud,
            background_slices=tuple(slices),
        )

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


def _length(spans: list[Span]) -> float:
    """From the first start to the last end."""
    return max(end for _, end in spans) - min(start for start, _ in spans)


def _write(job: _Round, index: int, barrier: Barrier) -> list[_Slice]:
    bot = bot_of(index)
    slices = min(SLICES, job.writes)
    bounds = [job.writes * n // slices for n in range(slices + 1)]
    done: list[_Slice] = []
    with (
        open_store(job.store_url) as store,
        open_store(job.background_url, projections="background") as background,
    ):
        crud = PgCrudKv(job.crud_dsn)
        try:
            # Connections open, the bot cached.
            store.kv.set(bot, "warm-up", 0)
            background.kv.set(bot, "warm-up", 0)
            crud.set(bot, "warm-up", 0)
            for first, last in itertools.pairwise(bounds):
                writes = range(first, last)
                acks: list[Ack] = []
                inline = _timed(
                    barrier, writes, lambda i: store.kv.set(bot, key_of(i), value_of(i))
                )
                background_span = _timed(
                    barrier, writes, _acknowledged(background, bot, acks)
                )
                crud_span = _timed(
                    barrier, writes, lambda i: crud.set(bot, key_of(i), value_of(i))
                )
                done.append(_Slice(inline, background_span, crud_span, tuple(acks)))
        finally:
            crud.close()
    return done


def _timed(barrier: Barrier, writes: range, write: Callable[[int], object]) -> Span:
    """Start with every process of the round, then ``write`` each of
    ``writes``: from the start to the end."""
    barrier.wait(timeout=STUCK_S)
    start = time.monotonic()
    for i in writes:
        write(i)
    return start, time.monotonic()


def _acknowledged(store: Store, bot: str, acks: list[Ack]) -> Callable[[int], None]:
    """A background write that records its position and when it returned."""

    def write(i: int) -> None:
        store.kv.set(bot, key_of(i), value_of(i))
        returned = time.monotonic()
        acks.append((_position(store), returned))

    return write


def _position(store: Store) -> int:
    position = store.last_position
    if position is None:
        raise StoreError("a background write recorded no log position")
    return position
