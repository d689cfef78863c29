"""``boternity-store providers ...``"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Annotated

import typer

from boternity_store.domain.errors import InvalidInput, ProviderNotFound
from boternity_store.infrastructure.cli import exit_codes
from boternity_store.infrastructure.cli.common import (
    ActorOpt,
    JsonOpt,
    print_events,
    print_json,
    store_of,
)
from boternity_store.infrastructure.cli.provider_views import (
    print_status,
    print_statuses,
    show,
)

if TYPE_CHECKING:
    from boternity_store.domain.providers.models import ProviderStatus
    from boternity_store.infrastructure.store import Store

app = typer.Typer(
    help="LLM-provider health: the persisted circuit breakers.", no_args_is_help=True
)

ReasonOpt = Annotated[str, typer.Option("--reason", help="Why (kept in the log).")]


@app.command("status")
def status(
    ctx: typer.Context,
    name: Annotated[str | None, typer.Argument()] = None,
    json_: JsonOpt = False,
) -> None:
    """Show one provider's breaker, or all. Example: boternity-store providers status"""
    with store_of(ctx, read_only=True) as store:
        statuses = store.providers.list() if name is None else [_one(store, name)]
    if json_:
        print_json(statuses if name is None else statuses[0])
    elif name is None:
        print_statuses(statuses)
    else:
        print_status(statuses[0])


@app.command("allow")
def allow(ctx: typer.Context, name: str, json_: JsonOpt = False) -> None:
    """Ask if a call may go out now; exit 4 if the open circuit refuses it.

    Example: boternity-store providers allow openai && call-openai
    """
    with store_of(ctx) as store:
        allowed = store.providers.allow_request(name)
    if json_:
        print_json({"name": name, "allowed": allowed})
    else:
        typer.echo(f"{name}: {'allowed' if allowed else 'rejected'}")
    if not allowed:
        raise typer.Exit(exit_codes.REFUSED)


@app.command("success")
def success(
    ctx: typer.Context,
    name: str,
    latency_ms: Annotated[float | None, typer.Option(help="Call latency.")] = None,
    json_: JsonOpt = False,
) -> None:
    """Record a successful call. Example: boternity-store providers success openai"""
    with store_of(ctx) as store:
        show(store.providers.record_success(name, latency_ms=latency_ms), json_)


@app.command("failure")
def failure(
    ctx: typer.Context,
    name: str,
    error: Annotated[str, typer.Option(help="The error message.")],
    kind: Annotated[str | None, typer.Option(help="Error kind, e.g. timeout.")] = None,
    retry_after: Annotated[
        float | None,
        typer.Option(
            help="Seconds the provider asked to wait (overrides the cooldown)."
        ),
    ] = None,
    json_: JsonOpt = False,
) -> None:
    """Record a failed call.

    Example: boternity-store providers failure openai --error "HTTP 503"
    """
    with store_of(ctx) as store:
        until = None if retry_after is None else _after(store.now(), retry_after)
        show(
            store.providers.record_failure(
                name, error=error, error_kind=kind, open_until=until
            ),
            json_,
        )


@app.command("force-open")
def force_open(
    ctx: typer.Context,
    name: str,
    reason: ReasonOpt,
    actor: ActorOpt = "cli",
    json_: JsonOpt = False,
) -> None:
    """Open a circuit until closed by hand.

    Example: boternity-store providers force-open openai --reason outage
    """
    with store_of(ctx) as store:
        show(store.providers.force_open(name, actor=actor, reason=reason), json_)


@app.command("force-close")
def force_close(
    ctx: typer.Context,
    name: str,
    reason: ReasonOpt = "closed via cli",
    actor: ActorOpt = "cli",
    json_: JsonOpt = False,
) -> None:
    """Close an open circuit. Example: boternity-store providers force-close openai"""
    with store_of(ctx) as store:
        show(store.providers.force_close(name, actor=actor, reason=reason), json_)


@app.command("reset")
def reset(
    ctx: typer.Context,
    name: str,
    reason: ReasonOpt = "reset via cli",
    actor: ActorOpt = "cli",
    json_: JsonOpt = False,
) -> None:
    """Close and zero the counters. Example: boternity-store providers reset openai"""
    with store_of(ctx) as store:
        show(store.providers.reset(name, actor=actor, reason=reason), json_)


@app.command("configure")
def configure(
    ctx: typer.Context,
    name: str,
    failure_threshold: Annotated[
        int | None, typer.Option(help="Consecutive failures that open the circuit.")
    ] = None,
    cooldown: Annotated[
        float | None, typer.Option(help="Seconds an opened circuit stays open.")
    ] = None,
    half_open_successes: Annotated[
        int | None, typer.Option(help="Successful trial calls that close it.")
    ] = None,
    actor: ActorOpt = "cli",
    json_: JsonOpt = False,
) -> None:
    """Change a provider's breaker policy.

    Example: boternity-store providers configure openai --cooldown 60
    """
    with store_of(ctx) as store:
        show(
            store.providers.configure(
                name,
                failure_threshold=failure_threshold,
                cooldown_seconds=cooldown,
                half_open_successes=half_open_successes,
                actor=actor,
            ),
            json_,
        )


def _one(store: Store, name: str) -> ProviderStatus:
    status = store.providers.status(name)
    if status is None:
        raise ProviderNotFound(name)
    return status


def _after(now: datetime, seconds: float) -> datetime:
    if not 0 <= seconds <= 366 * 24 * 3600:
        raise InvalidInput("--retry-after must be between 0 and one year of seconds")
    return now + timedelta(seconds=seconds)


@app.command("history")
def history(ctx: typer.Context, name: str, json_: JsonOpt = False) -> None:
    """Every change, oldest first, with version, actor, time and position.

    Example: boternity-store providers history openai
    """
    with store_of(ctx, read_only=True) as store:
        found = store.providers.history(name)
    print_events(found, json_)


@app.command("explain")
def explain(ctx: typer.Context, name: str, json_: JsonOpt = False) -> None:
    """Why the breaker is in its state: the transition and the events behind it.

    Example: boternity-store providers explain openai
    """
    with store_of(ctx, read_only=True) as store:
        found = store.providers.explain(name)
    if json_:
        print_json(found)
        return
    typer.echo(found.text)
    print_events(found.events, False)
