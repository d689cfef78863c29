"""File metadata: put files for a bot, bump versions, and run a fake indexer over
``needing_index()`` that marks each file in progress, then indexed. A new
version makes an indexed file stale again; putting unchanged content (same
sha256) writes nothing. Uses ``$BOTERNITY_STORE_URL`` or ``sqlite:///boternity.db``."""

from __future__ import annotations

import hashlib

from boternity_store.infrastructure import Store, open_store

BOT = "docs-bot"


def put(store: Store, filename: str, content: bytes, mime_type: str) -> None:
    before = store.history.head()
    file = store.files.put(
        BOT,
        filename,
        size_bytes=len(content),
        mime_type=mime_type,
        sha256=hashlib.sha256(content).hexdigest(),
        actor="uploader",
    )
    unchanged = store.history.head() == before
    written = "unchanged, nothing written" if unchanged else f"version {file.version}"
    print(f"put {filename:<9} {len(content):>3} bytes: {written} ({file.index_status})")


def run_indexer(store: Store) -> None:
    todo = store.files.needing_index(BOT)
    print(f"indexer: {len(todo)} file(s) to index")
    for file in todo:
        store.files.mark_indexing(file.id)
        done = store.files.mark_indexed(file.id, version=file.version)
        print(
            f"  indexed {done.filename} version {done.version}: "
            f"is_indexed={done.is_indexed}"
        )


with open_store() as store:
    if store.bots.get(BOT) is None:
        store.bots.register(BOT, name="Docs", actor="admin")

    put(store, "guide.md", b"# Guide\nStep one.\n", "text/markdown")
    put(store, "faq.txt", b"Q: Why? A: Because.\n", "text/plain")
    put(store, "guide.md", b"# Guide\nStep one.\n", "text/markdown")
    run_indexer(store)

    put(store, "guide.md", b"# Guide\nStep one.\nStep two.\n", "text/markdown")
    guide = store.files.get_file(BOT, "guide.md")
    if guide is None:
        raise SystemExit("guide.md is missing")
    print(
        f"guide.md after a new version: status {guide.index_status}, "
        f"is_indexed={guide.is_indexed}"
    )
    run_indexer(store)

    print("versions of guide.md, newest first:")
    for version in store.files.get_versions(guide.id)[:3]:
        print(
            f"  v{version.version}: {version.size_bytes} bytes at "
            f"{version.created_at:%Y-%m-%d %H:%M:%S}"
        )
    for file in store.files.list_files(BOT):
        print(f"{file.filename}: version {file.version}, {file.index_status}")
