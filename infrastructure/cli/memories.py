"""``boternity-store memories ...``: the memory actions, each one audit row."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from boternity_store.domain.errors import MemoryNotFound
from boternity_store.infrastructure.cli.common import (
    ActorOpt,
    JsonOpt,
    parse_json,
    print_events,
    print_json,
    print_model,
    store_of,
    time_text,
    to_jsonable,
)

if TYPE_CHECKING:
    from boternity_store.domain.memories.models import MemoryAuditEntry

app = typer.Typer(
    help="Memory actions (add, delete, share, revoke, merge) and their status.",
    no_args_is_help=True,
)

DetailsOpt = Annotated[
    str | None, typer.Option("--details", help="Any JSON value to record.")
]
ReasonOpt = Annotated[str | None, typer.Option("--reason", help="Why it is deleted.")]
WithBotOpt = Annotated[str, typer.Option("--with-bot", help="The bot to share with.")]
FromBotOpt = Annotated[str, typer.Option("--from-bot", help="The bot to revoke.")]
SourceOpt = Annotated[
    list[str], typer.Option("--source", help="A memory to fold in (repeatable).")
]


def _done(entry: MemoryAuditEntry, json_: bool) -> None:
    if json_:
        print_json(entry)
    else:
        typer.echo(
            f"{entry.action} {entry.memory_id} (bot {entry.bot_id}) by {entry.actor}"
            f" at {time_text(entry.created_at)}: audit id {entry.id}"
        )


@app.command("add")
def add(
    ctx: typer.Context,
    bot_id: str,
    memory_id: str,
    actor: ActorOpt = "cli",
    details: DetailsOpt = None,
    json_: JsonOpt = False,
) -> None:
    """Record that a bot added a memory.

    Example: boternity-store memories add bot-1 mem-1 --details '{"source":"chat"}'
    """
    parsed = None if details is None else parse_json(details, "details")
    with store_of(ctx) as store:
        entry = store.memories.add(bot_id, memory_id, actor=actor, details=parsed)
    _done(entry, json_)


@app.command("delete")
def delete(
    ctx: typer.Context,
    bot_id: str,
    memory_id: str,
    actor: ActorOpt = "cli",
    reason: ReasonOpt = None,
    json_: JsonOpt = False,
) -> None:
    """Delete a memory.

    Example: boternity-store memories delete bot-1 mem-1 --reason outdated
    """
    with store_of(ctx) as store:
        entry = store.memories.delete(bot_id, memory_id, actor=actor, reason=reason)
    if json_:  # the shape of every delete, with the audit row it logged
        ids = {"bot_id": bot_id, "memory_id": memory_id}
        print_json({"deleted": True, **ids, "audit_entry": to_jsonable(entry)})
    else:
        _done(entry, json_)


@app.command("share")
def share(
    ctx: typer.Context,
    bot_id: str,
    memory_id: str,
    with_bot: WithBotOpt,
    actor: ActorOpt = "cli",
    json_: JsonOpt = False,
) -> None:
    """Share a memory with another bot.

    Example: boternity-store memories share bot-1 mem-1 --with-bot bot-2
    """
    with store_of(ctx) as store:
        entry = store.memories.share(
            bot_id, memory_id, with_bot_id=with_bot, actor=actor
        )
    _done(entry, json_)


@app.command("revoke")
def revoke(
    ctx: typer.Context,
    bot_id: str,
    memory_id: str,
    from_bot: FromBotOpt,
    actor: ActorOpt = "cli",
    json_: JsonOpt = False,
) -> None:
    """Revoke a memory's share with a bot.

    Example: boternity-store memories revoke bot-1 mem-1 --from-bot bot-2
    """
    with store_of(ctx) as store:
        entry = store.memories.revoke(
            bot_id, memory_id, from_bot_id=from_bot, actor=actor
        )
    _done(entry, json_)


@app.command("merge")
def merge(
    ctx: typer.Context,
    bot_id: str,
    memory_id: str,
    source: SourceOpt,
    actor: ActorOpt = "cli",
    json_: JsonOpt = False,
) -> None:
    """Fold source memories into a memory.

    Example: boternity-store memories merge bot-1 mem-1 --source mem-2 --source mem-3
    """
    with store_of(ctx) as store:
        entry = store.memories.merge(bot_id, memory_id, source_ids=source, actor=actor)
    _done(entry, json_)


@app.command("get")
def get(ctx: typer.Context, memory_id: str, json_: JsonOpt = False) -> None:
    """Show a memory's status and shares (exit 3 if unknown).

    Example: boternity-store memories get mem-1 --json
    """
    with store_of(ctx, read_only=True) as store:
        info = store.memories.get(memory_id)
    if info is None:
        raise MemoryNotFound(memory_id)
    print_json(info) if json_ else print_model(info)


@app.command("history")
def history(
    ctx: typer.Context, bot_id: str, memory_id: str, json_: JsonOpt = False
) -> None:
    """Every change, oldest first, with version, actor, time and position.

    Example: boternity-store memories history bot-1 mem-1
    """
    with store_of(ctx, read_only=True) as store:
        found = store.memories.history(bot_id, memory_id)
    print_events(found, json_)
