"""Keep an audit trail of a bot's memories: add three memories, share one with
another bot, merge two into it, delete one, and show the trail per memory and
per bot, a memory's status, the rules refusing bad commands, and an idempotent
``audit.log`` retry. Uses ``$BOTERNITY_STORE_URL`` or ``sqlite:///boternity.db``."""

from __future__ import annotations

from uuid import uuid4

from boternity_store.infrastructure import (
    InvalidTransition,
    MemoryAuditEntry,
    MemoryNotFound,
    Store,
    open_store,
)

OWNER, FRIEND = "memory-example-owner", "memory-example-friend"


def register(store: Store, bot_id: str) -> None:
    if store.bots.get(bot_id) is None:
        store.bots.register(bot_id, actor="admin")


def show(title: str, entries: list[MemoryAuditEntry]) -> None:
    print(title)
    for e in entries:
        print(f"  {e.created_at:%H:%M:%S.%f} {e.action:<6} {e.memory_id} {e.details}")


with open_store() as store:
    register(store, OWNER)
    register(store, FRIEND)
    run = uuid4().hex[:6]  # fresh memory ids on every run
    tea, cake, scone = (f"{run}-{name}" for name in ("tea", "cake", "scone"))

    store.memories.add(OWNER, tea, actor="chat", details={"text": "likes tea"})
    store.memories.add(OWNER, cake, actor="chat", details={"text": "likes cake"})
    store.memories.add(OWNER, scone, actor="chat", details=["scones", "jam"])
    store.memories.share(OWNER, tea, with_bot_id=FRIEND, actor="alice")
    store.memories.merge(OWNER, tea, source_ids=[cake, scone], actor="summarizer")
    for memory_id in (tea, cake):
        info = store.memories.get(memory_id)
        if info is not None:
            print(
                f"{memory_id}: {info.status}, merged into {info.merged_into},"
                f" shared with {info.shared_with}"
            )

    try:
        store.memories.delete(OWNER, cake, actor="alice")
    except MemoryNotFound as error:
        print("refused:", error)
    try:
        store.memories.share(OWNER, tea, with_bot_id=FRIEND, actor="alice")
    except InvalidTransition as error:
        print("refused:", error)

    entry = MemoryAuditEntry(
        id=f"{run}-forget", bot_id=OWNER, memory_id=tea, action="delete", actor="gdpr"
    )
    first, retry = store.audit.log(entry), store.audit.log(entry)
    print("audit.log twice, one row:", first == retry)

    show(f"\ntrail of {tea} (oldest first):", store.audit.get_for_memory(tea))
    show(f"\nbot {OWNER} (newest 4):", store.audit.get_for_bot(OWNER, limit=4))
