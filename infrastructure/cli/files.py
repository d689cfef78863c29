"""``boternity-store files ...``"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from boternity_store.domain.files.rules import DEFAULT_MIME_TYPE
from boternity_store.infrastructure.cli.common import (
    ActorOpt,
    JsonOpt,
    print_deleted,
    print_events,
    print_json,
    print_table,
    require_bot,
    state_text,
    store_of,
)

if TYPE_CHECKING:
    from boternity_store.domain.files.models import StorageFile

app = typer.Typer(
    help="Per-bot file metadata: versions and indexing status.", no_args_is_help=True
)
IndexerOpt = Annotated[str, typer.Option("--actor", help="Who is doing this.")]


@app.command("put")
def put(
    ctx: typer.Context,
    bot_id: str,
    filename: str,
    size: Annotated[int, typer.Option("--size", help="Size in bytes.")],
    mime_type: Annotated[str, typer.Option(help="MIME type.")] = DEFAULT_MIME_TYPE,
    sha256: Annotated[
        str | None, typer.Option(help="Content hash; unchanged means no new version.")
    ] = None,
    actor: ActorOpt = "cli",
    json_: JsonOpt = False,
) -> None:
    """Create a file, or add its next version.

    Example: boternity-store files put bot-1 notes.md --size 120 --mime-type text/plain
    """
    with store_of(ctx) as store:
        file = store.files.put(
            bot_id,
            filename,
            size_bytes=size,
            mime_type=mime_type,
            sha256=sha256,
            actor=actor,
        )
    _print_file(file, json_)


@app.command("list")
def list_(ctx: typer.Context, bot_id: str, json_: JsonOpt = False) -> None:
    """List a bot's files by filename.

    Example: boternity-store files list bot-1
    """
    with store_of(ctx, read_only=True) as store:
        require_bot(store, bot_id)
        files = store.files.list_files(bot_id)
    _print_files(f"files of {bot_id}", files, json_)


@app.command("needing-index")
def needing_index(
    ctx: typer.Context,
    bot_id: Annotated[str | None, typer.Argument(help="Only this bot.")] = None,
    json_: JsonOpt = False,
) -> None:
    """List files to (re)index: pending, stale or failed.

    Example: boternity-store files needing-index bot-1 --json
    """
    with store_of(ctx, read_only=True) as store:
        files = store.files.needing_index(bot_id)
    _print_files("files needing indexing", files, json_, with_bot=True)


@app.command("versions")
def versions(ctx: typer.Context, file_id: str, json_: JsonOpt = False) -> None:
    """List a file's versions, newest first.

    Example: boternity-store files versions FILE_ID
    """
    with store_of(ctx, read_only=True) as store:
        rows = store.files.get_versions(file_id)
    if json_:
        print_json(rows)
        return
    print_table(
        f"versions of {file_id}",
        ["version", "size_bytes", "created_at", "id"],
        [(v.version, v.size_bytes, v.created_at, v.id) for v in rows],
    )


@app.command("indexing")
def indexing(
    ctx: typer.Context,
    file_id: str,
    actor: IndexerOpt = "indexer",
    json_: JsonOpt = False,
) -> None:
    """Mark a file as being indexed.

    Example: boternity-store files indexing FILE_ID
    """
    with store_of(ctx) as store:
        file = store.files.mark_indexing(file_id, actor=actor)
    _print_file(file, json_)


@app.command("indexed")
def indexed(
    ctx: typer.Context,
    file_id: str,
    version: Annotated[int, typer.Option(help="The version that was indexed.")],
    actor: IndexerOpt = "indexer",
    json_: JsonOpt = False,
) -> None:
    """Mark the current version of a file as indexed.

    Example: boternity-store files indexed FILE_ID --version 2
    """
    with store_of(ctx) as store:
        file = store.files.mark_indexed(file_id, version=version, actor=actor)
    _print_file(file, json_)


@app.command("failed")
def failed(
    ctx: typer.Context,
    file_id: str,
    error: Annotated[str, typer.Option(help="Why indexing failed.")],
    actor: IndexerOpt = "indexer",
    json_: JsonOpt = False,
) -> None:
    """Mark indexing of a file as failed.

    Example: boternity-store files failed FILE_ID --error timeout
    """
    with store_of(ctx) as store:
        file = store.files.mark_index_failed(file_id, error=error, actor=actor)
    _print_file(file, json_)


@app.command("delete")
def delete(
    ctx: typer.Context,
    bot_id: str,
    filename: str,
    actor: ActorOpt = "cli",
    json_: JsonOpt = False,
) -> None:
    """Delete a file (its events stay in the log).

    Example: boternity-store files delete bot-1 notes.md
    """
    with store_of(ctx) as store:
        existed = store.files.delete_file(bot_id, filename, actor=actor)
    print_deleted(
        json_, existed, f"{bot_id}/{filename}", bot_id=bot_id, filename=filename
    )


def _print_file(file: StorageFile, json_: bool) -> None:
    if json_:
        print_json(file)
    else:
        typer.echo(
            f"{file.bot_id}/{file.filename} {file.id} version {file.version} "
            f"({file.index_status})"
        )


def _print_files(
    title: str, files: list[StorageFile], json_: bool, *, with_bot: bool = False
) -> None:
    if json_:
        print_json(files)
        return
    columns = ["filename", "version", "size", "status", "id"]
    rows: list[list[object]] = [
        [f.filename, f.version, f.size_bytes, state_text(f.index_status), f.id]
        for f in files
    ]
    if with_bot:
        columns.insert(0, "bot_id")
        for row, f in zip(rows, files, strict=True):
            row.insert(0, f.bot_id)
    print_table(title, columns, rows)


@app.command("history")
def history(
    ctx: typer.Context, bot_id: str, filename: str, json_: JsonOpt = False
) -> None:
    """Every change, oldest first, with version, actor, time and position.

    Example: boternity-store files history bot-1 notes.md
    """
    with store_of(ctx, read_only=True) as store:
        found = store.files.history(bot_id, filename)
    print_events(found, json_)
