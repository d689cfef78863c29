"""``boternity-store kv ...``"""

from __future__ import annotations

import json
from typing import Annotated

import typer

from boternity_store.domain.errors import NotFound
from boternity_store.infrastructure.cli.common import (
    ActorOpt,
    JsonOpt,
    print_deleted,
    print_events,
    print_json,
    print_model,
    read_json_argument,
    require_bot,
    store_of,
)

app = typer.Typer(help="Per-bot JSON key-value store.", no_args_is_help=True)


@app.command("set")
def set_(
    ctx: typer.Context,
    bot_id: str,
    key: str,
    value: Annotated[
        str,
        typer.Argument(
            help="The value as JSON text, e.g. '{\"a\": 1}'; - reads it from"
            " standard input, @FILE from a file."
        ),
    ],
    expected_version: Annotated[
        int | None,
        typer.Option(help="Compare-and-set: write only at this version (0: new)."),
    ] = None,
    actor: ActorOpt = "cli",
    json_: JsonOpt = False,
) -> None:
    """Set a key to a JSON value.

    Example: boternity-store kv set bot-1 prefs '{"tone":"warm"}'
    (also: ... prefs @prefs.json from a file, ... prefs - from standard input)
    """
    parsed = read_json_argument(value)
    with store_of(ctx) as store:
        entry = store.kv.set(
            bot_id, key, parsed, actor=actor, expected_version=expected_version
        )
    print_json(entry) if json_ else typer.echo(
        f"{bot_id}/{key} = version {entry.version}"
    )


@app.command("get")
def get(ctx: typer.Context, bot_id: str, key: str, json_: JsonOpt = False) -> None:
    """Print a key's value (exit 3 if missing).

    Example: boternity-store kv get bot-1 prefs --json
    """
    with store_of(ctx, read_only=True) as store:
        entry = store.kv.get_entry(bot_id, key)
    if entry is None:
        raise NotFound(f"key {key!r} not found for bot {bot_id!r}")
    if json_:
        print_json(entry.value)
    else:
        print_model(entry)


@app.command("delete")
def delete(
    ctx: typer.Context,
    bot_id: str,
    key: str,
    actor: ActorOpt = "cli",
    json_: JsonOpt = False,
) -> None:
    """Delete a key.

    Example: boternity-store kv delete bot-1 prefs
    """
    with store_of(ctx) as store:
        existed = store.kv.delete(bot_id, key, actor=actor)
    print_deleted(json_, existed, f"{bot_id}/{key}", bot_id=bot_id, key=key)


@app.command("list")
def list_(
    ctx: typer.Context,
    bot_id: str,
    prefix: Annotated[
        str | None, typer.Option(help="Only keys starting with this.")
    ] = None,
    json_: JsonOpt = False,
) -> None:
    """List a bot's keys, sorted.

    Example: boternity-store kv list bot-1 --prefix pref
    """
    with store_of(ctx, read_only=True) as store:
        require_bot(store, bot_id)
        keys = store.kv.list_keys(bot_id, prefix)
    if json_:
        typer.echo(json.dumps(keys, ensure_ascii=False))
    else:
        for key in keys:
            typer.echo(key)


@app.command("history")
def history(ctx: typer.Context, bot_id: str, key: str, json_: JsonOpt = False) -> None:
    """Every change, oldest first, with version, actor, time and position.

    Example: boternity-store kv history bot-1 prefs
    """
    with store_of(ctx, read_only=True) as store:
        found = store.kv.history(bot_id, key)
    print_events(found, json_)
