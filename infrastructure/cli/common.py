"""What every CLI command shares: the store URL, --json, output and parsing."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from boternity_store.domain.errors import BotNotFound, InvalidInput

if TYPE_CHECKING:
    from boternity_store.infrastructure.store import Store

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON (for scripts).")]
ActorOpt = Annotated[str, typer.Option("--actor", help="Who is doing this.")]

console = Console(highlight=False, soft_wrap=True)


@contextmanager
def store_of(
    ctx: typer.Context, *, read_only: bool = False, projections: str = "inline"
) -> Iterator[Store]:
    """The store the command works on; read commands open it read-only, so a
    mistyped URL is not created and nothing is written."""
    # Imported here: --help and argument errors never load the store.
    from boternity_store.infrastructure.store import open_store

    url = ctx.obj["url"]
    with open_store(url, read_only=read_only, projections=projections) as store:
        yield store


def parse_json(text: str, what: str = "value") -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        word = text.strip()
        if word and word[0] not in '[{"' and "\n" not in word and len(word) < 80:
            raise InvalidInput(
                f"{what} is not valid JSON; to store the string, quote it:"
                f" '{json.dumps(word)}'"
            ) from None
        raise InvalidInput(f"{what} is not valid JSON: {error}") from None


def read_json_argument(argument: str, what: str = "value") -> Any:
    """A JSON value given on the command line: the text itself, ``-`` for
    standard input, or ``@path`` for a file's contents."""
    if argument == "-":
        return parse_json(sys.stdin.read(), what)
    if argument.startswith("@"):
        path = Path(argument[1:])
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            reason = getattr(error, "strerror", None) or str(error)
            raise InvalidInput(f"cannot read {what} from {path}: {reason}") from None
        return parse_json(text, what)
    return parse_json(argument, what)


def require_bot(store: Store, bot_id: str) -> None:
    """Reads of a bot's things answer 'not found' (exit 3) for an unknown bot,
    as writes do, rather than an empty list."""
    if store.bots.get(bot_id) is None:
        raise BotNotFound(bot_id)


def print_deleted(json_: bool, deleted: bool, what: str, **ids: str) -> None:
    """Every delete command's outcome, in one shape."""
    if json_:
        print_json({"deleted": deleted, **ids})
    else:
        typer.echo(f"deleted {what}" if deleted else f"{what} did not exist")


def to_jsonable(value: Any) -> Any:
    if hasattr(value, "model_dump"):  # a pydantic model
        return value.model_dump(mode="json")
    if isinstance(value, list):
        return [to_jsonable(item) for item in value]
    if isinstance(value, datetime):
        return time_text(value)
    return value


def time_text(moment: datetime) -> str:
    """A time as tables and JSON both print it: ISO 8601 in UTC, ``Z``."""
    text = moment.astimezone(UTC).isoformat()
    return text.removesuffix("+00:00") + "Z"


STATE_STYLES = {
    "closed": "green",
    "open": "bold red",
    "half_open": "yellow",
    "live": "green",
    "failed": "bold red",
    "completed": "green",
    "failed_index": "red",
}


def cell_text(value: Any) -> Text:
    """A table cell: data is never read as markup; a state is coloured."""
    if isinstance(value, Text):
        return value
    if value is None:
        return Text("")
    if isinstance(value, datetime):
        return Text(time_text(value))
    return Text(str(value))


def state_text(state: str, suffix: str = "") -> Text:
    """A state (breaker, projection) in the colour that says good or bad."""
    return Text(state + suffix, style=STATE_STYLES.get(state, ""))


def print_json(value: Any) -> None:
    typer.echo(json.dumps(to_jsonable(value), ensure_ascii=False))


def print_table(
    title: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]
) -> None:
    table = Table(title=title, title_justify="left")
    for column in columns:
        table.add_column(column)
    for row in rows:
        table.add_row(*(cell_text(cell) for cell in row))
    console.print(table)


def print_model(value: Any) -> None:
    for name, field in value.model_dump(mode="json").items():
        console.print(f"[bold]{name}[/bold]: {json.dumps(field, ensure_ascii=False)}")


def print_events(events: Sequence[Any], json_: bool) -> None:
    """A per-thing history: one JSON object per line, or one line per event."""
    if json_:
        for event in events:
            typer.echo(json.dumps(to_jsonable(event), ensure_ascii=False))
        return
    if events and not hasattr(events[0], "data"):  # changes (kv), lives (bots)
        rows = [to_jsonable(event) for event in events]
        columns = [name for name in rows[0] if name not in ("bot_id", "key")]
        print_table(
            "history",
            columns,
            [[_cell_value(row[c]) for c in columns] for row in rows],
        )
        return
    from boternity_store.infrastructure.cli.history import event_line

    for event in events:
        console.print(event_line(event), highlight=False, markup=False)


def _cell_value(value: Any) -> Any:
    return (
        json.dumps(value, ensure_ascii=False)
        if isinstance(value, dict | list)
        else value
    )
