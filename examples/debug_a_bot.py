"""Debugging a bot by replay: a preference overwritten by the wrong actor.

The incident: bot "helper" suddenly answers coldly. Its operator finds the
write that changed its prefs (the event log), sees the bot as it was before
(time travel), compares then and now (diff), and checks why the LLM provider's
breaker is open (explain). Run it twice: the second run deletes the bot and
registers it again, a new life that does not mix with the old one.
"""

from __future__ import annotations

from boternity_store.infrastructure import open_store

BOT = "helper"

with open_store() as store:  # $BOTERNITY_STORE_URL, else sqlite:///boternity.db
    if store.bots.get(BOT) is not None:
        store.bots.delete(BOT, actor="ops")  # its old life stays in the log
    store.bots.register(BOT, name="Helper", actor="ops")

    # What happened (normally over days, from many processes):
    store.kv.set(BOT, "prefs", {"tone": "warm", "lang": "en"}, actor="alice")
    good = store.history.head()
    store.memories.add(BOT, f"m-{good}", actor=BOT, details={"fact": "likes tea"})
    store.kv.set(BOT, "prefs", {"tone": "cold", "lang": "en"}, actor="import-job")
    for error in ("HTTP 503", "HTTP 503", "timeout", "HTTP 503", "HTTP 503"):
        store.providers.record_failure("openai", error=error)

    # 1. Who changed the prefs, and when? The key's history.
    for change in store.kv.history(BOT, "prefs"):
        print(f"#{change.position} v{change.version} {change.actor}: {change.value}")

    # 2. The timeline of that actor's writes (read from the event index).
    for event in store.history.events(bot_id=BOT, actor="import-job"):
        print(f"#{event.position} {event.type} by {event.actor}")

    # 3. The bot as it was before the bad write.
    with store.at(good, bot_id=BOT) as before:
        print("before:", before.kv.get(BOT, "prefs"))

    # 4. Everything that changed since then.
    print(store.diff(good, bot_id=BOT).describe())

    # 5. Why is the provider's breaker open?
    print(store.providers.explain("openai").text)

    # The fix is a new write (the log keeps both), by the right actor:
    old = store.kv.get_entry(BOT, "prefs", version=1)
    assert old is not None
    store.kv.set(BOT, "prefs", old.value, actor="ops")
    print(
        "restored:", store.kv.get(BOT, "prefs"), "lives:", len(store.bots.history(BOT))
    )
