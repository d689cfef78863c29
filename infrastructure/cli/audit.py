"""``boternity-store audit ...``: read the memory audit log."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Annotated

import typer

from boternity_store.infrastructure.cli.common import (
    JsonOpt,
    print_json,
    print_table,
    require_bot,
    store_of,
)

if TYPE_CHECKING:
    from collections.abc import Sequence

    from boternity_store.domain.memories.models import MemoryAuditEntry

app = typer.Typer(help="Read the memory audit log.", no_args_is_help=True)

LimitOpt = Annotated[int, typer.Option("--limit", min=0, help="At most this many.")]


@app.command("bot")
def bot(
    ctx: typer.Context, bot_id: str, limit: LimitOpt = 100, json_: JsonOpt = False
) -> None:
    """A bot's audit rows, newest first.

    Example: boternity-store audit bot bot-1 --limit 20
    """
    with store_of(ctx, read_only=True) as store:
        require_bot(store, bot_id)
        entries = store.audit.get_for_bot(bot_id, limit=limit)
    _show(f"audit log of bot {bot_id}", entries, json_)


@app.command("memory")
def memory(ctx: typer.Context, memory_id: str, json_: JsonOpt = False) -> None:
    """A memory's audit trail, oldest first.

    Example: boternity-store audit memory mem-1 --json
    """
    with store_of(ctx, read_only=True) as store:
        entries = store.audit.get_for_memory(memory_id)
    _show(f"audit trail of memory {memory_id}", entries, json_)


def _show(title: str, entries: Sequence[MemoryAuditEntry], json_: bool) -> None:
    if json_:
        print_json(list(entries))
        return
    print_table(
        title,
        ["created_at", "bot", "memory", "action", "actor", "details"],
        [
            (
                e.created_at,
                e.bot_id,
                e.memory_id,
                e.action,
                e.actor,
                None if e.details is None else json.dumps(e.details),
            )
            for e in entries
        ],
    )
