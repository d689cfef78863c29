"""``boternity-store copy``: a store moved to another database with its whole
history, with a progress bar."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Annotated

import typer
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from boternity_store.infrastructure.cli.common import JsonOpt, console, print_json

if TYPE_CHECKING:
    from boternity_store.infrastructure.copy_store import CopyProgress, CopyResult

PHASE_TEXT = {
    "read": "read source",
    "write": "write target",
    "project": "project",
    "compare": "compare logs",
    "verify": "verify",
}


def copy(
    from_: Annotated[
        str, typer.Option("--from", help="The store to copy (opened read-only).")
    ],
    to: Annotated[
        str, typer.Option("--to", help="An empty store or database to copy into.")
    ],
    json_: JsonOpt = False,
) -> None:
    """Copy a store with its whole history into an empty one (SQLite or
    PostgreSQL, either way), then verify the copy; exit 1 if it differs.

    Example: boternity-store copy --from sqlite:///bots.db --to postgresql://u@db/bots
    """
    from boternity_store.infrastructure.copy_store import copy_store

    if json_:
        result = copy_store(from_, to)
    else:
        with _progress_bar() as progress:
            result = copy_store(from_, to, progress=progress)
    if json_:
        print_json(result)
    else:
        _describe(result)
    if not result.ok:
        raise typer.Exit(1)


@contextmanager
def _progress_bar() -> Iterator[CopyProgress]:
    """One bar per phase, each added when its phase starts."""
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(bar_width=None),
        MofNCompleteColumn(),
        TextColumn("{task.fields[rate]}/s"),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=console,
        expand=True,
    ) as bar:
        tasks: dict[str, TaskID] = {}

        def progress(phase: str, done: int, total: int) -> None:
            if phase not in tasks:
                tasks[phase] = bar.add_task(
                    f"{PHASE_TEXT[phase]:<12}", total=total, rate="-"
                )
            task = tasks[phase]
            elapsed = bar.tasks[task].elapsed or 0.0
            rate = f"{done / elapsed:,.0f}" if elapsed > 0 else "-"
            bar.update(task, completed=done, total=total, rate=rate)

        yield progress


def _describe(result: CopyResult) -> None:
    console.print(
        f"copied {result.events:,} events from {result.source} to {result.target}",
        highlight=False,
        markup=False,
    )
    if result.same_log:
        console.print("the target's log is the source's, event for event")
    else:
        console.print("[red]the target's log differs from the source's[/red]")
    if not result.heads_equal:
        console.print(
            f"positions renumbered without gaps: head {result.source_head}"
            f" -> {result.target_head}, same order"
        )
    for difference in result.differences:
        console.print(
            f"[red]drift[/red] {difference.projection}: {difference.describe()}"
        )
    if not result.differences:
        console.print("all projections match the event log")
