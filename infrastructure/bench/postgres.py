"""``bench --url postgresql://...``: kv writes/s on PostgreSQL for 1, 2, 4 and
8 writer processes, the store beside the same writes as plain CRUD, and
SQLite's single writer beside its CRUD baseline, all in one run.

Every figure gets fresh databases, created through the admin URL and dropped
afterwards (:mod:`.scratch_databases`). The store is measured as it is: each
write is projected before it returns (*inline*). A *background* mode, where
a write returns once its events are durable and the projections follow, does
not exist yet; its column is there, empty, for when it does."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

from boternity_store.infrastructure.bench import crud_postgres
from boternity_store.infrastructure.bench.run import Report, sqlite_single_writer
from boternity_store.infrastructure.bench.scratch_databases import scratch_database
from boternity_store.infrastructure.bench.writer_processes import (
    WriterPool,
    bot_of,
)
from boternity_store.infrastructure.store import open_store

if TYPE_CHECKING:
    from boternity_store.infrastructure.config import StoreConfig

SINGLE_WRITER_TARGET = 0.6  # inline single writer >= 0.6 x its CRUD baseline


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
    background: float | None = None  # the background mode: not built yet


def writer_figure(
    backend: str, processes: int, inline: float, crud: float
) -> WriterFigure:
    ratio = inline / crud
    if processes != 1:
        return WriterFigure(backend, processes, inline, crud, ratio, "", None)
    target = f">= {SINGLE_WRITER_TARGET}"
    return WriterFigure(
        backend, 1, inline, crud, ratio, target, ratio >= SINGLE_WRITER_TARGET
    )


def run_postgres_bench(
    admin: StoreConfig, sizes: PostgresSizes, report: Report
) -> list[WriterFigure]:
    figures = []
    report(f"starting {max(sizes.processes)} writer processes")
    with WriterPool(sizes.processes) as pool:
        for processes in sizes.processes:
            report(f"{processes} writer process(es) on PostgreSQL: store, then CRUD")
            with (
                scratch_database(admin, "store") as store_url,
                scratch_database(admin, "crud") as crud_dsn,
            ):
                with open_store(store_url) as store:
                    for n in range(processes):
                        store.bots.register(bot_of(n), actor="bench")
                crud_postgres.create_schema(crud_dsn)
                rates = pool.measure(
                    processes, store_url, crud_dsn, sizes.writes_per_process
                )
            figures.append(
                writer_figure("postgresql", processes, rates.inline, rates.crud)
            )
    report("SQLite single writer")
    inline, crud = sqlite_single_writer(sizes.sqlite_single_writes)
    figures.append(writer_figure("sqlite", 1, inline, crud))
    return figures


def as_json(figures: list[WriterFigure]) -> str:
    return json.dumps([asdict(f) for f in figures], indent=2)
