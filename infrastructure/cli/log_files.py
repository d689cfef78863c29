"""``boternity-store replay``, ``export`` and ``import``: the read tables as of
a point in a standalone SQLite file, and the log as JSON lines and back."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

import typer

from boternity_store.domain.errors import InvalidInput
from boternity_store.infrastructure.cli.common import JsonOpt, print_json, store_of
from boternity_store.infrastructure.cli.history import WhenOpt
from boternity_store.infrastructure.cli.when import parse_when


def replay(
    ctx: typer.Context,
    out: Annotated[Path, typer.Option("--out", help="The new SQLite file.")],
    until: WhenOpt = None,
    json_: JsonOpt = False,
) -> None:
    """Write every read table as of a point to a standalone SQLite file.

    Example: boternity-store replay --until -2h --out then.db && sqlite3 then.db
    """
    with store_of(ctx, read_only=True) as store:
        point = None if until is None else parse_when(until, store.now())
        with store.at_point(point) as view:
            written = view.save_as(out)
            at = view.position
    if json_:
        print_json({"out": str(written), "position": at})
    else:
        typer.echo(f"wrote the read tables at position {at} to {written}")


def export(
    ctx: typer.Context,
    bot: Annotated[str | None, typer.Option("--bot", help="Only this bot.")] = None,
    since: WhenOpt = None,
) -> None:
    """Print the log as JSON lines, in order, each event verbatim.

    Example: boternity-store export > events.jsonl
    """
    with store_of(ctx, read_only=True) as store:
        moment = None
        if since is not None:
            point = parse_when(since, store.now())
            if isinstance(point, int):
                raise InvalidInput("export --since takes a time, e.g. -2h")
            moment = point
        for record in store.export_events(bot_id=bot, since=moment):
            typer.echo(json.dumps(record, ensure_ascii=False))


def import_(
    ctx: typer.Context,
    source: Annotated[str, typer.Argument(help="A JSON-lines file, or - for stdin.")],
    json_: JsonOpt = False,
) -> None:
    """Append an export to an empty store (created if missing), then project it.

    Example: boternity-store --url sqlite:///copy.db import events.jsonl
    """
    lines = sys.stdin if source == "-" else _open_lines(Path(source))
    with store_of(ctx) as store:
        count = store.import_events(_records(lines))
        head = store.history.head()
    if json_:
        print_json({"imported": count, "head": head})
    else:
        typer.echo(f"imported {count} events")


def _open_lines(path: Path) -> Iterator[str]:
    try:
        with path.open(encoding="utf-8") as file:
            yield from file
    except OSError as error:
        raise InvalidInput(f"cannot read {path}: {error.strerror}") from None


def _records(lines: Any) -> Iterator[object]:
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            yield json.loads(line)
        except json.JSONDecodeError as error:
            raise InvalidInput(f"line {number} is not JSON: {error}") from None
