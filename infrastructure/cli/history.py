"""``boternity-store log`` and ``show``: the timeline of what happened, and a
bot's whole state at a point."""

from __future__ import annotations

import json
import sys
import time
from typing import TYPE_CHECKING, Annotated, Any

import typer

from boternity_store.infrastructure.cli.common import (
    JsonOpt,
    console,
    print_json,
    print_table,
    store_of,
    time_text,
    to_jsonable,
)
from boternity_store.infrastructure.cli.when import parse_when

if TYPE_CHECKING:
    from boternity_store.infrastructure.history import LoggedEvent
    from boternity_store.infrastructure.store import Store

WhenOpt = Annotated[
    str | None,
    typer.Option(help="A position, an ISO-8601 time, or relative: -2h, -30m, -1d."),
]


def log(
    ctx: typer.Context,
    bot: Annotated[str | None, typer.Option("--bot", help="Only this bot.")] = None,
    key: Annotated[
        str | None, typer.Option("--key", help="Only this key (with --bot).")
    ] = None,
    type_: Annotated[
        list[str] | None,
        typer.Option("--type", help="Only this event type (repeatable)."),
    ] = None,
    actor: Annotated[str | None, typer.Option(help="Only this actor.")] = None,
    since: WhenOpt = None,
    until: WhenOpt = None,
    limit: Annotated[int, typer.Option(help="At most this many events.")] = 50,
    follow: Annotated[
        bool,
        typer.Option(
            "--follow",
            help="Then keep printing new events as they are logged (Ctrl-C"
            " stops); without --since it starts with the last --limit events.",
        ),
    ] = False,
    json_: JsonOpt = False,
) -> None:
    """The timeline: time, position, actor, type and what changed, oldest first.

    Example: boternity-store log --bot bot-1 --since -2h
    """
    with store_of(ctx, read_only=True) as store:
        tail = follow and since is None
        events = _events(store, bot, key, type_, actor, since, until, limit, tail=tail)
        _emit(events, json_)
        if not follow:
            return
        last = events[-1].position if events else store.history.head()
        try:
            while True:
                time.sleep(FOLLOW_POLL_S)  # polling the log: nothing to wait on
                new = _events(
                    store, bot, key, type_, actor, None, until, 1000, after=last
                )
                _emit(new, json_)
                last = new[-1].position if new else last
        except KeyboardInterrupt:
            return


FOLLOW_POLL_S = 0.5


def _emit(events: list[LoggedEvent], json_: bool) -> None:
    for event in events:
        if json_:  # one object per line, for jq and friends
            typer.echo(json.dumps(to_jsonable(event), ensure_ascii=False))
        else:
            console.print(event_line(event), highlight=False, markup=False)
    sys.stdout.flush()


def _events(
    store: Store,
    bot: str | None,
    key: str | None,
    types: list[str] | None,
    actor: str | None,
    since: str | None,
    until: str | None,
    limit: int,
    *,
    tail: bool = False,
    after: int | None = None,
) -> list[LoggedEvent]:
    from boternity_store.domain.errors import InvalidInput

    arguments: dict[str, Any] = {"bot_id": bot, "actor": actor, "limit": limit}
    if after is not None:
        arguments["after"] = after
    elif tail:  # the last `limit` events
        arguments["before"] = store.history.head() + 1
    if types:
        arguments["types"] = types
    if key is not None:
        if bot is None:
            raise InvalidInput("--key needs --bot")
        from boternity_store.domain import KvKey

        store.kv.history(bot, key)  # BotNotFound for an unknown bot
        life = store.bots.history(bot)[-1].incarnation
        arguments["stream"] = str(KvKey.create_id(bot, life, key))
        arguments["bot_id"] = None
    elif bot is not None and not store.bots.history(bot):
        from boternity_store.domain.errors import BotNotFound

        raise BotNotFound(bot)
    now = store.now()
    for name, when in (("since", since), ("until", until)):
        if when is None:
            continue
        point = parse_when(when, now)
        if isinstance(point, int):  # positions: since is inclusive, until too
            if name == "since":
                arguments["after"] = max(point - 1, 0)
            else:
                arguments["before"] = point + 1
        else:
            arguments[name] = point
    return store.history.events(**arguments)


def event_line(event: LoggedEvent) -> str:
    fields = " ".join(
        f"{name}={_short(value)}"
        for name, value in event.data.items()
        if name not in ("bot_id",)
    )
    who = event.actor or "-"
    bot = f" {event.bot_id}" if event.bot_id else ""
    when = time_text(event.timestamp)
    return f"{when}  #{event.position}  {who}  {event.type}{bot}  {fields}"


def _short(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, default=str)
    return text if len(text) <= 60 else text[:57] + "..."


def show(
    ctx: typer.Context,
    bot_id: str,
    at: WhenOpt = None,
    json_: JsonOpt = False,
) -> None:
    """A bot's whole state at a point: keys, memories and audit tail, files,
    and the providers (default: now).

    Example: boternity-store show bot-1 --at -2h
    """
    with store_of(ctx, read_only=True) as store:
        point = None if at is None else parse_when(at, store.now())
        with store.at_point(point, bot_id=bot_id) as view:
            state = _state(view, bot_id)
    if json_:
        print_json(state)
        return
    console.print(f"[bold]{bot_id}[/bold] at position {state['position']}")
    if state["bot"] is None:
        console.print("(not registered at that point)")
        return
    print_table(
        "keys",
        ["key", "value", "version", "updated_by", "updated_at"],
        [
            (e["key"], json.dumps(e["value"]), e["version"], e["updated_by"],
             e["updated_at"])
            for e in state["kv"]
        ],
    )  # fmt: skip
    print_table(
        "audit (newest first)",
        ["created_at", "memory", "action", "actor"],
        [
            (a["created_at"], a["memory_id"], a["action"], a["actor"])
            for a in state["audit"]
        ],
    )
    print_table(
        "files",
        ["filename", "version", "status"],
        [(f["filename"], f["version"], f["index_status"]) for f in state["files"]],
    )
    print_table(
        "providers",
        ["name", "state", "failed/calls"],
        [(p["name"], p["circuit_state"], f"{p['total_failures']}/{p['total_calls']}")
         for p in state["providers"]],
    )  # fmt: skip


def _state(view: Any, bot_id: str) -> dict[str, Any]:
    bot = view.bots.get(bot_id)
    state: dict[str, Any] = {
        "bot_id": bot_id,
        "position": view.position,
        "bot": to_jsonable(bot),
        "kv": [],
        "audit": [],
        "files": [],
        "providers": to_jsonable(view.providers.list()),
    }
    if bot is not None:
        state["kv"] = [
            to_jsonable(view.kv.get_entry(bot_id, key))
            for key in view.kv.list_keys(bot_id)
        ]
        state["audit"] = to_jsonable(view.audit.get_for_bot(bot_id, limit=20))
        state["files"] = to_jsonable(view.files.list_files(bot_id))
    return state


def diff(
    ctx: typer.Context,
    from_: Annotated[str, typer.Argument(metavar="FROM", help="WHEN to compare from.")],
    to: Annotated[
        str | None, typer.Argument(metavar="[TO]", help="WHEN to compare to (now).")
    ] = None,
    bot: Annotated[str | None, typer.Option("--bot", help="Only this bot.")] = None,
    json_: JsonOpt = False,
) -> None:
    """What changed between two points: bots, keys (old -> new), files,
    breakers, and the memory actions between.

    Example: boternity-store diff -2h --bot bot-1
    """
    with store_of(ctx, read_only=True) as store:
        now = store.now()
        start = parse_when(from_, now)
        end = None if to is None else parse_when(to, now)
        found = store.diff(start, end, bot_id=bot)
    if json_:
        print_json(found)
    else:
        console.print(found.describe(), highlight=False, markup=False)
