"""``boternity-store bots ...``"""

from __future__ import annotations

from typing import Annotated

import typer

from boternity_store.infrastructure.cli.common import (
    ActorOpt,
    JsonOpt,
    print_deleted,
    print_events,
    print_json,
    print_table,
    store_of,
)

app = typer.Typer(help="Register, delete and list bots.", no_args_is_help=True)


@app.command("register")
def register(
    ctx: typer.Context,
    bot_id: str,
    name: Annotated[str | None, typer.Option(help="Display name.")] = None,
    actor: ActorOpt = "cli",
    json_: JsonOpt = False,
) -> None:
    """Register a bot.

    Example: boternity-store bots register bot-1 --name Helper
    """
    with store_of(ctx) as store:
        bot = store.bots.register(bot_id, name=name, actor=actor)
    print_json(bot) if json_ else typer.echo(f"registered {bot.bot_id}")


@app.command("delete")
def delete(
    ctx: typer.Context, bot_id: str, actor: ActorOpt = "cli", json_: JsonOpt = False
) -> None:
    """Delete a bot and its read rows (events stay).

    Example: boternity-store bots delete bot-1
    """
    with store_of(ctx) as store:
        store.bots.delete(bot_id, actor=actor)
    print_deleted(json_, True, bot_id, bot_id=bot_id)


@app.command("list")
def list_(ctx: typer.Context, json_: JsonOpt = False) -> None:
    """List live bots.

    Example: boternity-store bots list --json
    """
    with store_of(ctx, read_only=True) as store:
        bots = store.bots.list()
    if json_:
        print_json(bots)
    else:
        print_table(
            "bots",
            ["bot_id", "name", "created_at"],
            [(b.bot_id, b.name, b.created_at) for b in bots],
        )


@app.command("history")
def history(ctx: typer.Context, bot_id: str, json_: JsonOpt = False) -> None:
    """Every change, oldest first, with version, actor, time and position.

    Example: boternity-store bots history bot-1
    """
    with store_of(ctx, read_only=True) as store:
        found = store.bots.history(bot_id)
    print_events(found, json_)
