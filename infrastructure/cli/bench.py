"""``boternity-store bench``: our figures beside the seed's CRUD design."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from boternity_store.domain.errors import InvalidInput
from boternity_store.infrastructure.cli.common import JsonOpt, console, print_table
from boternity_store.infrastructure.config import parse_url, resolve_url

if TYPE_CHECKING:
    from boternity_store.infrastructure.bench import Figure
    from boternity_store.infrastructure.bench.postgres import PostgresReport
    from boternity_store.infrastructure.config import StoreConfig


def bench(
    ctx: typer.Context,
    events: Annotated[
        int | None, typer.Option(help="Log size for the rebuild and reopen figures.")
    ] = None,
    quick: Annotated[
        bool, typer.Option(help="Small sizes, for a CI smoke run.")
    ] = False,
    url: Annotated[
        str | None,
        typer.Option(
            help="SQLite URL whose folder holds the bench files, or a PostgreSQL "
            "admin URL: the PostgreSQL figures, in databases the bench creates "
            "there and drops."
        ),
    ] = None,
    debug: Annotated[
        bool,
        typer.Option(
            help="The debugging figures (history, views, replay) instead; "
            "--events sets the store size (default 1,000,000 over 1,000 bots)."
        ),
    ] = False,
    json_: JsonOpt = False,
) -> None:
    """Measure writes, batches, reads, rebuild and reopen against plain CRUD;
    with a PostgreSQL --url, kv writes/s for 1, 2, 4 and 8 writer processes
    (inline and background mode) against plain CRUD on PostgreSQL, and the
    background runner's lag and events/s.

    Example: boternity-store bench --quick
    """
    from boternity_store.infrastructure.bench import BenchSizes, run_bench
    from boternity_store.infrastructure.bench.run import as_json

    config = parse_url(resolve_url(url or ctx.obj["url"]))
    if config.backend != "sqlite":
        if debug or events is not None:
            raise InvalidInput("--debug and --events are for the SQLite bench")
        _postgres(config, quick=quick, json_=json_)
        return
    folder = Path(config.sqlite_path).parent
    if events is not None and events < 1000:
        raise InvalidInput("--events must be at least 1000")
    sizes = (
        BenchSizes.quick(events)
        if quick
        else BenchSizes(log_events=events or BenchSizes().log_events)
    )

    report = _reporter(json_)
    if debug:
        from boternity_store.infrastructure.bench.debug import run_debug_bench

        count = events or (20_000 if quick else 1_000_000)
        figures = run_debug_bench(folder, count, max(count // 1000, 10), report)
    else:
        figures = run_bench(folder, sizes, report)
    if json_:
        typer.echo(as_json(figures))
    else:
        title = (
            "boternity-store bench --debug (ours vs a baseline)"
            if debug
            else "boternity-store bench (ours vs the seed's CRUD design)"
        )
        baseline = "baseline" if debug else "CRUD / floor"
        print_table(
            title,
            ["figure", "unit", "ours", baseline, "ratio", "target", "met"],
            [_row(f) for f in figures],
        )


def _postgres(config: StoreConfig, *, quick: bool, json_: bool) -> None:
    from boternity_store.infrastructure.bench.postgres import (
        PostgresSizes,
        as_json,
        run_postgres_bench,
    )

    sizes = PostgresSizes.quick() if quick else PostgresSizes()
    result = run_postgres_bench(config, sizes, _reporter(json_))
    if json_:
        typer.echo(as_json(result))
        return
    print_postgres(
        result,
        f"boternity-store bench --url {config.where} (kv writes/s, "
        f"{sizes.writes_per_process:,} writes per writer process)",
    )


def print_postgres(result: PostgresReport, title: str) -> None:
    """The PostgreSQL report as tables: writes/s, the runner, the targets."""
    print_table(
        title,
        ["backend", "writers", "inline", "CRUD", "ratio", "background", "target",
         "met"],
        [
            [_BACKENDS[f.backend], str(f.processes), f"{f.inline:,.0f}",
             f"{f.crud:,.0f}", f"{f.ratio:.2f}",
             "-" if f.background is None else f"{f.background:,.0f}", f.target,
             _met(f.met)]
            for f in result.writers
        ],
    )  # fmt: skip
    print_table(
        "the runner in background mode (lag: commit acknowledged -> projected)",
        ["writers", "runner events/s", "lag p50", "lag p99"],
        [
            [str(r.processes), f"{r.events_per_s:,.0f}", f"{r.lag_p50_ms:,.1f} ms",
             f"{r.lag_p99_ms:,.1f} ms"]
            for r in result.runners
        ],
    )  # fmt: skip
    scaling = result.scaling
    rows = [
        [f"background writes/s, {scaling.processes} / {scaling.baseline_processes}"
         " writers", f"x{scaling.ratio:.2f}", scaling.target, _met(scaling.met)],
    ]  # fmt: skip
    rows += [
        [f"runner lag p99, {r.processes} writers", f"{r.lag_p99_ms:,.1f} ms",
         r.target, _met(r.met)]
        for r in result.runners
        if r.met is not None
    ]  # fmt: skip
    print_table("background mode targets", ["figure", "value", "target", "met"], rows)
    console.print(
        "inline: each write projected before it returns. background: a write "
        "returns once durable; one runner (projections run) follows it on the "
        "same machine. Runner events/s: projected while the writers wrote. "
        "SQLite: the SQLite bench's single writer, one process."
    )


def _met(met: bool | None) -> str:
    return "" if met is None else "yes" if met else "NO"


_BACKENDS = {"postgresql": "PostgreSQL", "sqlite": "SQLite"}


def _reporter(json_: bool) -> Callable[[str], None]:
    def report(step: str) -> None:
        if not json_:
            console.print(f"[dim]… {step}[/dim]")

    return report


def _row(f: Figure) -> list[str]:
    return [
        f.name,
        f.unit,
        f"{f.ours:,.1f}",
        "" if f.baseline is None else f"{f.baseline:,.1f}",
        "" if f.ratio is None else f"{f.ratio:.2f}",
        f.target,
        "yes" if f.met else "NO",
    ]
