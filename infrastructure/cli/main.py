"""Root of the CLI: global options, command groups, and the one place where
errors become a message and an exit code."""

from __future__ import annotations

import json
import os
import sys
from typing import Annotated

import typer

from boternity_store.domain.errors import InvalidInput, NotFound, StoreError
from boternity_store.infrastructure.cli import (
    audit,
    bench,
    bots,
    exit_codes,
    files,
    history,
    kv,
    log_files,
    memories,
    projections,
    providers,
    store_copy,
)
from boternity_store.infrastructure.cli.common import store_of
from boternity_store.infrastructure.config import ENV_URL

app = typer.Typer(
    name="boternity-store",
    help="Event-sourced bot storage: KV, memory audit, provider health, files.",
    no_args_is_help=True,
    add_completion=True,  # --install-completion / --show-completion (bash, zsh, fish)
    pretty_exceptions_enable=False,
)
app.add_typer(bots.app, name="bots")
app.add_typer(kv.app, name="kv")
app.add_typer(files.app, name="files")
app.add_typer(memories.app, name="memories")
app.add_typer(audit.app, name="audit")
app.add_typer(projections.app, name="projections")
app.command("bench")(bench.bench)
app.command("log")(history.log)
app.command("show")(history.show)
app.command("diff")(history.diff)
app.command("replay")(log_files.replay)
app.command("export")(log_files.export)
app.command("import")(log_files.import_)
app.command("copy")(store_copy.copy)
app.add_typer(providers.app, name="providers")

ENV_DEBUG = "BOTERNITY_STORE_DEBUG"


def _print_version(asked: bool) -> None:
    if asked:
        from importlib.metadata import version

        typer.echo(f"boternity-store {version('boternity-store')}")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    url: Annotated[
        str | None,
        typer.Option(
            "--url",
            envvar=ENV_URL,
            help="Database URL (default sqlite:///boternity.db).",
        ),
    ] = None,
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            callback=_print_version,
            is_eager=True,
            help="Print the version and exit.",
        ),
    ] = False,
) -> None:
    ctx.obj = {"url": url}


@app.command("init")
def init(ctx: typer.Context) -> None:
    """Create an empty store at --url (reads never create one; writes do too).

    Example: boternity-store --url sqlite:///bots.db init
    """
    with store_of(ctx) as store:
        where = store.config.where
        events = store.history.head()
    typer.echo(f"store ready at {where} ({events} events)")


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; return its exit code. Every error is one line on stderr
    (JSON with --json) and a documented exit code, never a traceback."""
    args = sys.argv[1:] if argv is None else argv
    as_json = "--json" in args
    try:
        result = app(args=args, prog_name="boternity-store", standalone_mode=False)
    except typer.Exit as done:
        return done.exit_code
    except typer.Abort:
        return _fail("Aborted", "aborted", exit_codes.FAILURE, as_json)
    except typer.TyperException as error:
        message = error.format_message() or "usage error"
        return _fail("UsageError", message, exit_codes.USAGE, as_json)
    except StoreError as error:
        return _store_failure(error, as_json)
    except Exception as error:
        from boternity_store.infrastructure.eventstore.driver_errors import store_error

        mapped = store_error(error)
        if mapped is not None:
            return _store_failure(mapped, as_json)
        if os.environ.get(ENV_DEBUG):
            raise
        message = f"internal error: {type(error).__name__}: {error}"
        hint = f" (set {ENV_DEBUG}=1 for the traceback)"
        return _fail(type(error).__name__, message + hint, exit_codes.FAILURE, as_json)
    return result if isinstance(result, int) else exit_codes.OK


def _store_failure(error: StoreError, as_json: bool) -> int:
    message = str(error).splitlines()[0] if str(error) else type(error).__name__
    if isinstance(error, InvalidInput):
        message = f"invalid input: {message}"
    elif not isinstance(error, NotFound):
        message = f"{type(error).__name__}: {message}"
    return _fail(type(error).__name__, message, exit_codes.exit_code_of(error), as_json)


def _fail(kind: str, message: str, code: int, as_json: bool) -> int:
    if as_json:
        line = json.dumps(
            {"error": kind, "message": message, "exit_code": code}, ensure_ascii=False
        )
    else:
        line = f"error: {message}"
    print(line, file=sys.stderr)
    return code
