"""``boternity-store projections ...``: status, rebuild, verify, resume, run."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from boternity_store.infrastructure.cli.common import (
    JsonOpt,
    console,
    print_json,
    print_table,
    state_text,
    store_of,
)

app = typer.Typer(
    help="Read-table operations: status, rebuild, verify, resume, run.",
    no_args_is_help=True,
)
NamesArg = Annotated[
    list[str] | None, typer.Argument(help="Projection names (default: all).")
]


@app.command("status")
def status(ctx: typer.Context, json_: JsonOpt = False) -> None:
    """Show each projection's version, position, lag and state.

    Example: boternity-store projections status
    """
    with store_of(ctx, read_only=True) as store:
        report = store.projections.status()
    if json_:
        print_json(report)
        return
    print_table(
        "projections",
        ["name", "version", "position", "head", "lag", "state", "error"],
        [
            (
                s.name,
                s.version,
                s.position,
                s.head,
                s.lag,
                state_text(s.state),
                f"at event {s.error.position}: {s.error.message}" if s.error else "",
            )
            for s in report
        ],
    )


@app.command("rebuild")
def rebuild(ctx: typer.Context, names: NamesArg = None, json_: JsonOpt = False) -> None:
    """Rebuild projections from the event log and swap them in atomically.

    Example: boternity-store projections rebuild kv
    """
    with store_of(ctx) as store:
        store.projections.select(names)  # unknown names fail before any work
        if json_:
            store.projections.rebuild(names)
            print_json(store.projections.status())
            return
        with Progress(
            TextColumn("rebuilding"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[rate]} events/s"),
            TextColumn("elapsed"),
            TimeElapsedColumn(),
            TextColumn("remaining"),
            TimeRemainingColumn(),
            console=console,
        ) as bar:
            task = bar.add_task("rebuild", total=None, rate="-")

            def progress(done: int, total: int) -> None:
                elapsed = bar.tasks[task].elapsed or 0.0
                rate = f"{done / elapsed:,.0f}" if elapsed > 0 else "-"
                bar.update(task, completed=done, total=total, rate=rate)

            store.projections.rebuild(names, progress=progress)
    console.print(f"rebuilt {', '.join(names) if names else 'all projections'}")


@app.command("verify")
def verify(ctx: typer.Context, names: NamesArg = None, json_: JsonOpt = False) -> None:
    """Compare read tables with a fresh build from the log; exit 1 on drift.

    Example: boternity-store projections verify
    """
    with store_of(ctx) as store:
        found = store.projections.verify(names)
    if json_:
        print_json(found)
    elif found:
        for difference in found:
            console.print(
                f"[red]drift[/red] {difference.projection}: {difference.describe()}"
            )
    else:
        console.print("all projections match the event log")
    if found:
        raise typer.Exit(1)


@app.command("resume")
def resume(ctx: typer.Context, names: NamesArg = None, json_: JsonOpt = False) -> None:
    """Retry failed projections from the event they stopped at.

    Example: boternity-store projections resume kv
    """
    with store_of(ctx) as store:
        store.projections.resume(names)
        report = store.projections.status()
    if json_:
        print_json(report)
    else:
        for s in report:
            console.print(f"{s.name}: {s.state} at {s.position}/{s.head}")


@app.command("run")
def run(
    ctx: typer.Context,
    names: NamesArg = None,
    batch_size: Annotated[
        int, typer.Option(min=1, help="Events applied per transaction.")
    ] = 1000,
) -> None:
    """Keep projections up to date in the background until SIGTERM or SIGINT.

    Follows the log (PostgreSQL: LISTEN/NOTIFY; SQLite: a 20 ms poll) and
    applies each event exactly once. A second runner for the same projections
    stands by and takes over when the first stops or dies. Writers then open
    the store with projections="background".

    Example: boternity-store --url postgresql://db/bots projections run
    """
    from boternity_store.infrastructure.background.follower import (
        Follower,
        RunnerReport,
    )
    from boternity_store.infrastructure.cli.signals import stop_on_signals

    def tell(report: RunnerReport) -> None:
        which = ", ".join(report.names)
        if report.kind == "waiting":
            line = f"standing by: another runner holds {which}"
        elif report.kind == "running":
            line = f"running {which} from position {report.position}"
        else:
            line = f"stopped at position {report.position}"
        typer.echo(line, err=True)

    with store_of(ctx, projections="background") as store:
        follower = Follower(store, names, batch_size=batch_size, report=tell)
        with stop_on_signals() as stop:
            follower.run(stop)
