"""Point reads on the hot path: statements compiled once, run on a raw DBAPI
connection kept per thread (autocommit), so a read costs about what the plain
SELECT costs. A kept connection that was lost (a server restart, an
administrator's ``pg_terminate_backend``) is dropped and the read runs once
more on a new one."""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from boternity_store.projections.engine.compiled_sql import CompiledSql

T = TypeVar("T")

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlalchemy.sql import Select


class FastReads:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._local = threading.local()
        self._opened: list[Any] = []
        self._lock = threading.Lock()
        self._statements: dict[str, tuple[CompiledSql, list[str]]] = {}

    def rows(
        self,
        name: str,
        build: Callable[[], Select[Any]],
        params: Mapping[str, Any],
    ) -> list[tuple[Any, ...]]:
        """Run the statement ``build()`` returns (built and compiled once per
        ``name``, with ``bindparam`` placeholders) and return its rows."""
        found = self._statements.get(name)
        compiled = found[0] if found is not None else self._statement(name, build)[0]
        return self._run(compiled.sql, compiled.params(params), _all_rows)

    def point_reader(
        self, name: str, build: Callable[[], Select[Any]], order: tuple[str, ...]
    ) -> Callable[..., tuple[Any, ...] | None]:
        """A function of the statement's parameters, given positionally in
        ``order``, that returns its first row (or None): :meth:`rows` for the
        hottest reads, with every lookup done once."""
        compiled = self._statement(name, build)[0]
        sql, params_of = compiled.sql, compiled.params
        positional = compiled.names == order and not compiled.defaults

        def read(*args: Any) -> tuple[Any, ...] | None:
            params = (
                args if positional else params_of(dict(zip(order, args, strict=True)))
            )
            return self._run(sql, params, _first_row)

        return read

    def _run(self, sql: str, params: Any, fetch: Callable[[Any], T]) -> T:
        """Execute on this thread's connection and ``fetch`` from the cursor;
        once more on a new connection if the kept one was lost."""
        try:
            return self._fetch(sql, params, fetch)
        except Exception:
            dbapi = getattr(self._local, "dbapi", None)
            if dbapi is None or not _lost(dbapi):
                raise
            self._forget_connection()
            return self._fetch(sql, params, fetch)

    def _fetch(self, sql: str, params: Any, fetch: Callable[[Any], T]) -> T:
        cursor = self._connection().execute(sql, params)
        try:
            return fetch(cursor)
        finally:
            cursor.close()

    def _forget_connection(self) -> None:
        pooled = self._local.pooled
        del self._local.dbapi, self._local.pooled
        with self._lock:
            if pooled in self._opened:
                self._opened.remove(pooled)
        pooled.invalidate()

    def close(self) -> None:
        with self._lock:
            for connection in self._opened:
                connection.close()
            self._opened.clear()
        self._local = threading.local()

    def _statement(
        self, name: str, build: Callable[[], Select[Any]]
    ) -> tuple[CompiledSql, list[str]]:
        found = self._statements.get(name)
        if found is None:
            statement = build()
            columns = [column.name for column in statement.selected_columns]
            found = (CompiledSql(statement, self.engine.dialect), columns)
            self._statements[name] = found
        return found

    def _connection(self) -> Any:
        """This thread's DBAPI connection (sqlite3 and psycopg both have
        ``execute``); the pool's proxy is kept only to give it back on close."""
        try:
            return self._local.dbapi
        except AttributeError:
            pooled = self.engine.raw_connection()
            dbapi = pooled.dbapi_connection
            if self.engine.dialect.name == "postgresql":
                dbapi.autocommit = True  # type: ignore[union-attr]
            self._local.dbapi, self._local.pooled = dbapi, pooled
            with self._lock:
                self._opened.append(pooled)
            return dbapi


def _all_rows(cursor: Any) -> list[tuple[Any, ...]]:
    return list(cursor.fetchall())


def _first_row(cursor: Any) -> tuple[Any, ...] | None:
    row: tuple[Any, ...] | None = cursor.fetchone()
    return row


def _lost(dbapi: Any) -> bool:
    """Whether a psycopg connection is closed or broken (sqlite3 connections
    are never lost this way)."""
    return bool(getattr(dbapi, "closed", False) or getattr(dbapi, "broken", False))
