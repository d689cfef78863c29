"""What every CLI command shares: the store URL, --json, output and parsing."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Annotated, Any

import typer
from pydantic import BaseModel
from rich.console import Console
from rich.table import Table

from boternity_store.domain.errors import InvalidInput
from boternity_store.infrastructure.store import Store, open_store

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON (for scripts).")]
ActorOpt = Annotated[str, typer.Option("--actor", help="Who is doing this.")]

console = Console(highlight=False, soft_wrap=True)


@contextmanager
def store_of(ctx: typer.Context, *, read_only: bool = False) -> Iterator[Store]:
    """The store the command works on; read commands open it read-only, so a
    mistyped URL is not created and nothing is written."""
    with open_store(ctx.obj["url"], read_only=read_only) as store:
        yield store


def parse_json(text: str, what: str = "value") -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise InvalidInput(f"{what} is not valid JSON: {error}") from None


def to_jsonable(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if isinstance(value, list):
        return [to_jsonable(item) for item in value]
    return value


def print_json(value: Any) -> None:
    typer.echo(json.dumps(to_jsonable(value), ensure_ascii=False))


def print_table(
    title: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]
) -> None:
    table = Table(title=title, title_justify="left")
    for column in columns:
        table.add_column(column)
    for row in rows:
        table.add_row(*("" if cell is None else str(cell) for cell in row))
    console.print(table)


def print_model(value: BaseModel) -> None:
    for name, field in value.model_dump(mode="json").items():
        console.print(f"[bold]{name}[/bold]: {json.dumps(field, ensure_ascii=False)}")
