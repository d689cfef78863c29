"""Root of the CLI: global options, command groups, and the one place where
errors become a message and an exit code."""

from __future__ import annotations

import sys
from typing import Annotated

import typer
from eventsourcing.persistence import PersistenceError
from sqlalchemy.exc import SQLAlchemyError

from boternity_store.domain.errors import InvalidInput, NotFound, StoreError
from boternity_store.infrastructure.cli import (
    audit,
    bench,
    bots,
    files,
    kv,
    memories,
    projections,
    providers,
)
from boternity_store.infrastructure.config import ENV_URL

app = typer.Typer(
    name="boternity-store",
    help="Event-sourced bot storage: KV, memory audit, provider health, files.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.add_typer(bots.app, name="bots")
app.add_typer(kv.app, name="kv")
app.add_typer(files.app, name="files")
app.add_typer(memories.app, name="memories")
app.add_typer(audit.app, name="audit")
app.add_typer(projections.app, name="projections")
app.command("bench")(bench.bench)
app.add_typer(providers.app, name="providers")

EXIT_ERROR, EXIT_USAGE, EXIT_NOT_FOUND = 1, 2, 3


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
) -> None:
    ctx.obj = {"url": url}


def main(argv: list[str] | None = None) -> int:
    try:
        result = app(args=argv, prog_name="boternity-store", standalone_mode=False)
    except typer.Exit as done:
        return done.exit_code
    except typer.Abort:
        return _fail("aborted", EXIT_ERROR)
    except typer.TyperException as error:
        message = error.format_message()
        return _fail(message, EXIT_USAGE) if message else EXIT_USAGE
    except InvalidInput as error:
        return _fail(f"invalid input: {error}", EXIT_USAGE)
    except NotFound as error:
        return _fail(str(error), EXIT_NOT_FOUND)
    except StoreError as error:
        return _fail(f"{type(error).__name__}: {error}", EXIT_ERROR)
    except (SQLAlchemyError, PersistenceError, OSError) as error:
        return _fail(f"database error: {str(error).splitlines()[0]}", EXIT_ERROR)
    return result if isinstance(result, int) else 0


def _fail(message: str, code: int) -> int:
    print(f"error: {message}", file=sys.stderr)
    return code
