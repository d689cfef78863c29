"""Random command sequences built from the kit's strategies, for properties
that hold "for any event sequence"."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any

from hypothesis import strategies as st
from sqlalchemy import MetaData, select

from boternity_store.infrastructure import InvalidTransition, StoreError
from boternity_store.testing import FakeClock
from boternity_store.testing import strategies as bst

BOTS = ("bot-1", "bot-2")
Command = Callable[[Any, FakeClock], Any]


def _kv(bot: str, key: str, value: Any) -> Command:
    return lambda store, clock: store.kv.set(bot, key, value, actor="t")


def _kv_delete(bot: str, key: str) -> Command:
    return lambda store, clock: store.kv.delete(bot, key)


def _memories(actions: list[bst.MemoryAction]) -> Command:
    def run(store: Any, clock: FakeClock) -> None:
        for action in actions:
            action.apply(store)

    return run


def _provider(call: bst.ProviderCall) -> Command:
    return lambda store, clock: call.apply(store, clock)


def _file(put: bst.FilePut, bot: str, steps: list[str]) -> Command:
    def run(store: Any, clock: FakeClock) -> None:
        file = put.apply(store, bot)
        for step in steps:
            with contextlib.suppress(InvalidTransition):
                bst.apply_indexing_step(store, file.id, step)

    return run


def _delete_bot(bot: str) -> Command:
    def run(store: Any, clock: FakeClock) -> None:
        store.bots.delete(bot)
        store.bots.register(bot)

    return run


def _tick(seconds: int) -> Command:
    return lambda store, clock: clock.advance(seconds)


bots = st.sampled_from(BOTS)
small_keys = st.sampled_from(["a", "b", "c"])
commands: st.SearchStrategy[Command] = st.one_of(
    st.builds(_kv, bots, small_keys, bst.json_values(max_leaves=5)),
    st.builds(_kv_delete, bots, small_keys),
    st.builds(_memories, bst.memory_action_sequences(BOTS, max_size=4)),
    st.builds(_provider, bst.provider_calls()),
    st.builds(
        _file,
        bst.file_puts(st.sampled_from(["a.txt", "b.pdf"])),
        bots,
        bst.indexing_steps(),
    ),
    st.builds(_delete_bot, bots),
    st.builds(_tick, st.sampled_from([1, 31])),
)
command_lists = st.lists(commands, min_size=1, max_size=12)


def run_commands(store: Any, clock: FakeClock, sequence: list[Command]) -> None:
    """Register the bots, then run the commands; a refused one (a memory id
    taken by an earlier sequence, say) is skipped, as a caller would."""
    for bot in BOTS:
        store.bots.register(bot)
    for command in sequence:
        with contextlib.suppress(StoreError):
            command(store, clock)


LIBRARY_TABLES = {
    "stored_events",
    "stored_snapshots",
    "boternity_events",
    "boternity_snapshots",
}


def dump_tables(store: Any) -> dict[str, list[tuple[Any, ...]]]:
    """Every read table's rows, sorted (the tracking table without its time)."""
    engine = store._read_engine  # a test of the tables themselves
    metadata = MetaData()
    metadata.reflect(engine)
    dump: dict[str, list[tuple[Any, ...]]] = {}
    with engine.connect() as conn:
        for name, table in sorted(metadata.tables.items()):
            if name in LIBRARY_TABLES:
                continue
            columns = [c for c in table.columns if c.name != "updated_at"]
            if name != "projection_tracking":
                columns = list(table.columns)
            rows = conn.execute(select(*columns)).all()
            dump[name] = sorted((tuple(r) for r in rows), key=repr)
    return dump
