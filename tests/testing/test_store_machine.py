"""The whole store against the reference model: random command sequences
across several bots, with restarts, rebuilds and views of the past; after
every step the store's answers equal the model's. On SQLite, on PostgreSQL,
and on both at once (a differential run: the same commands, the same answers)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from hypothesis import settings

from boternity_store.infrastructure import StoreError, open_store
from boternity_store.testing import Mismatch, StoreMachine, plain, read_answers
from boternity_store.testing.pytest_plugin import fresh_postgres_database
from tests.conftest import examples

T = TypeVar("T")


class PostgresStoreMachine(StoreMachine):
    def make_url(self) -> str:
        url, self._drop = fresh_postgres_database()
        return url

    def drop_database(self) -> None:
        self._drop()


class BothBackendsMachine(StoreMachine):
    """Drives a SQLite store (``self.store``), a PostgreSQL store and the model:
    every call gives the same answer or error on both backends."""

    def __init__(self) -> None:
        super().__init__()
        url, self._drop = fresh_postgres_database()
        self.pg_url = url
        self.pg_store = open_store(url, clock=self.clock)

    def both(self, call: Callable[[Any], T]) -> T | None:
        head = self.pg_store.history.head()
        try:
            on_pg: Any = call(self.pg_store)
        except StoreError as error:  # compared with the SQLite outcome below
            on_pg = error
        on_sqlite = super().both(call)  # against the model, as always
        if isinstance(on_pg, StoreError) or self.last_error is not None:
            if type(on_pg) is not type(self.last_error):
                raise Mismatch(f"PostgreSQL: {on_pg!r}, SQLite: {self.last_error!r}")
            if self.pg_store.history.head() != head:
                raise Mismatch(f"{on_pg!r} was raised but events were written")
            return None
        if plain(on_pg) != plain(on_sqlite):
            raise Mismatch(f"PostgreSQL answered {on_pg!r}, SQLite {on_sqlite!r}")
        return on_sqlite

    def restart(self, now: bool) -> None:
        super().restart(now)
        if now:
            self.pg_store.close()
            self.pg_store = open_store(self.pg_url, clock=self.clock)

    def compare(self) -> None:
        super().compare()
        on_pg = read_answers(self.pg_store, self.universe)
        if on_pg != read_answers(self.store, self.universe):
            raise Mismatch("PostgreSQL and SQLite answer differently")

    def teardown(self) -> None:
        try:
            assert self.pg_store.projections.verify() == []
        finally:
            self.pg_store.close()
            self._drop()
            super().teardown()


TestStoreAgainstModelOnSqlite = StoreMachine.TestCase
TestStoreAgainstModelOnSqlite.settings = settings(
    settings.default, max_examples=examples(8), stateful_step_count=30
)
TestStoreAgainstModelOnPostgres = PostgresStoreMachine.TestCase
TestStoreAgainstModelOnPostgres.settings = settings(
    settings.default, max_examples=examples(4), stateful_step_count=30
)
TestBothBackendsAnswerAlike = BothBackendsMachine.TestCase
TestBothBackendsAnswerAlike.settings = settings(
    settings.default, max_examples=examples(2), stateful_step_count=25
)
