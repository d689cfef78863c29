"""Projections are deterministic functions of the log, for any command
sequence, on SQLite and PostgreSQL: rebuild equals incremental processing, two
rebuilds give identical tables, reprocessing tracked events changes nothing,
and ``at(p)`` equals a rebuild of the log prefix up to ``p``."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from boternity_store.infrastructure import Store, open_store
from boternity_store.testing import FakeClock, read_answers
from boternity_store.testing.answers import Universe
from boternity_store.testing.pytest_plugin import fresh_postgres_database
from tests.conftest import examples
from tests.testing.command_sequences import (
    BOTS,
    Command,
    command_lists,
    dump_tables,
    run_commands,
)

UNIVERSE = Universe(
    bot_ids=BOTS,
    keys=("a", "b", "c"),
    memory_ids=tuple(f"m{n}" for n in range(5)),
    filenames=("a.txt", "b.pdf"),
)
FEW = settings(
    max_examples=examples(5),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
Opener = Callable[[FakeClock], Store]


@pytest.fixture(params=["sqlite", "postgresql"])
def fresh_store(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Callable[[], Any]:
    """A function giving a fresh (store, clock) context for each example."""
    backend = request.param

    @contextmanager
    def fresh() -> Iterator[tuple[Store, FakeClock]]:
        clock = FakeClock()
        drop = None
        if backend == "sqlite":
            url = f"sqlite:///{tmp_path_factory.mktemp('s') / 'store.db'}"
        else:
            url, drop = fresh_postgres_database()
        store = open_store(url, clock=clock)
        try:
            yield store, clock
        finally:
            store.close()
            if drop is not None:
                drop()

    return fresh


@FEW
@given(sequence=command_lists)
def test_rebuild_equals_incremental_and_is_repeatable(
    fresh_store: Callable[[], Any], sequence: list[Command]
) -> None:
    with fresh_store() as (store, clock):
        run_commands(store, clock, sequence)
        incremental = dump_tables(store)
        answers = read_answers(store, UNIVERSE)
        assert store.projections.verify() == []
        store.projections.rebuild()
        first = dump_tables(store)
        store.projections.rebuild()
        assert dump_tables(store) == first
        assert _without_tracking(first) == _without_tracking(incremental)
        assert read_answers(store, UNIVERSE) == answers


@FEW
@given(sequence=command_lists, data=st.data())
def test_reprocessing_tracked_events_changes_nothing(
    fresh_store: Callable[[], Any], sequence: list[Command], data: st.DataObject
) -> None:
    with fresh_store() as (store, clock):
        run_commands(store, clock, sequence)
        before = dump_tables(store)
        head = store.history.head()
        start = data.draw(st.integers(0, head - 1), label="replay after")
        runner = store._runner  # the projections' own entry points
        again = runner._log.read(after=start, limit=head - start)
        runner.catch_up(recent=again)
        runner.catch_up(to_head=True)
        runner.transact(
            lambda conn: runner.apply(
                conn, runner.live(runner.tracking.states(conn, lock=True)), again,
                runner.tracking.states(conn, lock=True),
            )
        )  # fmt: skip
        assert dump_tables(store) == before


@FEW
@given(sequence=command_lists, data=st.data())
def test_at_a_position_equals_a_rebuild_of_the_log_up_to_it(
    fresh_store: Callable[[], Any],
    tmp_path_factory: pytest.TempPathFactory,
    sequence: list[Command],
    data: st.DataObject,
) -> None:
    with fresh_store() as (store, clock):
        run_commands(store, clock, sequence)
        head = store.history.head()
        position = data.draw(st.integers(0, head), label="position")
        prefix = [r for r in store.export_events() if r["position"] <= position]
        copy_url = f"sqlite:///{tmp_path_factory.mktemp('prefix') / 'copy.db'}"
        with open_store(copy_url, clock=clock) as rebuilt:
            rebuilt.import_events(prefix)
            rebuilt.projections.rebuild()
            expected = read_answers(rebuilt, UNIVERSE)
        with store.at(position) as view:
            assert read_answers(view, UNIVERSE) == expected


def _without_tracking(dump: dict[str, Any]) -> dict[str, Any]:
    return {name: rows for name, rows in dump.items() if name != "projection_tracking"}
