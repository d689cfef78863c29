"""``bench --url postgresql://...``: kv writes/s on PostgreSQL for 1, 2, 4 and
8 writer processes, in inline mode and in background mode, beside the same
writes as plain CRUD; the background runner's lag and throughput; and
SQLite's single writer beside its CRUD baseline, all in one run.

Every round gets fresh databases, created through the admin URL and dropped
afterwards (:mod:`.scratch_databases`): one for the store in inline mode
(each write projected before it returns), one for it in background mode (a
write returns once its events are durable; the projections follow), and one
for the CRUD table. The writers alternate the three (:mod:`.writer_processes`).

Through every round one runner (``boternity-store projections run``,
:mod:`.runner_process`) follows the background database, started and
listening before the writes begin, so the background figure carries the
projection load on the machine; a listener records when its steps commit
(:mod:`.projected_listener`). At the round's end the bench waits until the
runner has projected the last write and checks that it did (no lag, every
projection live, the last keys' values); a round that fails this fails
the bench, and no figures are reported. The runner's lag (commit
acknowledged to projected, p50/p99) and its events/s: :mod:`.runner_lag`.

With 8 writer processes the bench holds about 85 connections at once (two
stores and a CRUD connection per writer, the runner, the listener: see
:mod:`.writer_processes`), within PostgreSQL's default ``max_connections``
of 100 if nothing else uses many.

Targets: inline single writer >= 0.6 x CRUD; background writes/s with the
most processes >= 3 x one process; runner lag p99 <= 100 ms with the most
processes."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

from boternity_store.domain.errors import StoreError
from boternity_store.infrastructure.background.channels import projected_channel
from boternity_store.infrastructure.bench import crud_postgres
from boternity_store.infrastructure.bench.projected_listener import ProjectedListener
from boternity_store.infrastructure.bench.run import Report, sqlite_single_writer
from boternity_store.infrastructure.bench.runner_lag import RunnerFigure, runner_figure
from boternity_store.infrastructure.bench.runner_process import RunnerChild
from boternity_store.infrastructure.bench.scratch_databases import scratch_database
from boternity_store.infrastructure.bench.writer_processes import (
    WriterPool,
    WriterRates,
    bot_of,
    last_values,
)
from boternity_store.infrastructure.store import open_store

if TYPE_CHECKING:
    from boternity_store.infrastructure.config import StoreConfig

SINGLE_WRITER_TARGET = 0.6  # inline single writer >= 0.6 x its CRUD baseline
SCALING_TARGET = 3.0  # background: the most processes >= 3 x one process
# Failure detection only: the runner has caught up long before this.
PROJECTED_WAIT_S = 120.0


@dataclass(frozen=True)
class PostgresSizes:
    writes_per_process: int = 1000
    processes: tuple[int, ...] = (1, 2, 4, 8)
    sqlite_single_writes: int = 2000

    @classmethod
    def quick(cls) -> PostgresSizes:
        return cls(writes_per_process=25, sqlite_single_writes=200)


@dataclass(frozen=True)
class WriterFigure:
    """kv writes/s with ``processes`` writer processes on ``backend``."""

    backend: str  # "postgresql" or "sqlite"
    processes: int
    inline: float  # the store as it is: each write projected before it returns
    crud: float  # the same writes as plain CRUD, one transaction each
    ratio: float  # inline / crud
    target: str  # "" where there is none
    met: bool | None  # None where there is no target
    # A write returns once durable, a runner projects (None: not measured).
    background: float | None = None


@dataclass(frozen=True)
class ScalingFigure:
    """Background writes/s with the most processes over the fewest."""

    processes: int  # the most
    baseline_processes: int  # the fewest
    ratio: float
    target: str
    met: bool


@dataclass(frozen=True)
class PostgresReport:
    writers: list[WriterFigure]  # a row per round, then SQLite's single writer
    scaling: ScalingFigure
    runners: list[RunnerFigure]  # a row per round; the largest is judged


def writer_figure(
    backend: str,
    processes: int,
    inline: float,
    crud: float,
    background: float | None = None,
) -> WriterFigure:
    ratio = inline / crud
    if processes != 1:
        return WriterFigure(
            backend, processes, inline, crud, ratio, "", None, background
        )
    target = f">= {SINGLE_WRITER_TARGET}"
    met = ratio >= SINGLE_WRITER_TARGET
    return WriterFigure(backend, 1, inline, crud, ratio, target, met, background)


def scaling_figure(figures: list[WriterFigure]) -> ScalingFigure:
    rounds = [f for f in figures if f.background is not None]
    fewest = min(rounds, key=lambda f: f.processes)
    most = max(rounds, key=lambda f: f.processes)
    assert most.background is not None and fewest.background is not None
    ratio = most.background / fewest.background
    return ScalingFigure(
        most.processes,
        fewest.processes,
        ratio,
        f">= {SCALING_TARGET:.0f}x",
        ratio >= SCALING_TARGET,
    )


def run_postgres_bench(
    admin: StoreConfig, sizes: PostgresSizes, report: Report
) -> PostgresReport:
    writers = []
    runners = []
    largest = max(sizes.processes)
    report(f"starting {largest} writer processes")
    with WriterPool(sizes.processes) as pool:
        for processes in sizes.processes:
            report(
                f"{processes} writer process(es) on PostgreSQL: inline, "
                "background (one runner following), CRUD"
            )
            rates, runner = _round(
                pool, admin, processes, sizes, judged=processes == largest
            )
            writers.append(
                writer_figure(
                    "postgresql", processes, rates.inline, rates.crud, rates.background
                )
            )
            runners.append(runner)
    report("SQLite single writer")
    inline, crud = sqlite_single_writer(sizes.sqlite_single_writes)
    scaling = scaling_figure(writers)
    writers.append(writer_figure("sqlite", 1, inline, crud))
    return PostgresReport(writers, scaling, runners)


def _round(
    pool: WriterPool,
    admin: StoreConfig,
    processes: int,
    sizes: PostgresSizes,
    *,
    judged: bool,
) -> tuple[WriterRates, RunnerFigure]:
    with (
        scratch_database(admin, "store") as store_url,
        scratch_database(admin, "background") as background_url,
        scratch_database(admin, "crud") as crud_dsn,
    ):
        _register(store_url, processes)
        channel = _register(background_url, processes)
        crud_postgres.create_schema(crud_dsn)
        with ProjectedListener(background_url, channel) as listener:
            with RunnerChild(background_url) as runner:
                started_at = runner.running()  # following before the writes
                rates = pool.measure(
                    processes,
                    (store_url, background_url),
                    crud_dsn,
                    sizes.writes_per_process,
                )
                _check_projected(background_url, rates, processes, sizes)
                stopped = runner.stop()
            if stopped < rates.last_position:
                raise StoreError(
                    f"the bench's runner stopped at {stopped}, before the last "
                    f"write at {rates.last_position}"
                )
        figure = runner_figure(
            processes,
            rates.background_slices,
            started_at,
            listener.receipts,
            judged=judged,
        )
    return rates, figure


def _register(url: str, processes: int) -> str:
    """Register the round's bots (inline: projected at once); the projected
    channel of the store at ``url``."""
    with open_store(url) as store:
        for n in range(processes):
            store.bots.register(bot_of(n), actor="bench")
        return projected_channel(store.events_channel())


def _check_projected(
    url: str, rates: WriterRates, processes: int, sizes: PostgresSizes
) -> None:
    """Fail the round unless the runner projected every background write."""
    with open_store(url, projections="background") as store:
        store.wait_for(rates.last_position, timeout=PROJECTED_WAIT_S)
        behind = [
            f"{s.name} ({s.state}, lag {s.lag})"
            for s in store.projections.status()
            if s.lag != 0 or s.state != "live"
        ]
        if behind:
            raise StoreError(f"the bench's runner left behind: {', '.join(behind)}")
        for n in range(processes):
            for key, value in last_values(n, sizes.writes_per_process).items():
                found = store.kv.get(bot_of(n), key)
                if found != value:
                    raise StoreError(
                        f"{bot_of(n)}/{key} reads {found!r} after the runner, "
                        f"not {value!r}"
                    )


def as_json(result: PostgresReport) -> str:
    return json.dumps(asdict(result), indent=2)
