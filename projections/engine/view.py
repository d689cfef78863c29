"""What a projection handler writes through: buffered row operations.

Handlers call ``insert`` / ``upsert`` / ``update`` / ``delete``; the operations
are queued per table and flushed with ``executemany`` in runs of identical
statements, which is what makes a rebuild fast. Per table, operations keep their
order, so the result equals executing them one by one; a projection's tables
must therefore not depend on each other's rows. ``view.conn`` flushes first, so
a handler that must read sees what earlier handlers wrote.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, bindparam, delete, insert, update

from boternity_store.projections.engine.compiled_sql import CompiledSql

if TYPE_CHECKING:
    from sqlalchemy import Connection, Table
    from sqlalchemy.sql import Executable

StatementKey = tuple[Any, ...]


# Compiled once per (dialect, statement shape), shared by every View.
_COMPILED: dict[StatementKey, CompiledSql] = {}


class View:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn
        self._dialect = conn.dialect
        self._dialect_name: str = conn.dialect.name
        self.position = 0
        self._pending: dict[str, list[tuple[CompiledSql, dict[str, Any]]]] = {}

    @property
    def conn(self) -> Connection:
        """The connection, with every queued operation executed."""
        self.flush()
        return self._conn

    def insert(self, table: Table, **row: Any) -> None:
        key = ("insert", table.name, tuple(row))
        self._queue(table, key, row, lambda: insert(table))

    def upsert(
        self,
        table: Table,
        row: Mapping[str, Any],
        *,
        key: Sequence[str],
        update: Sequence[str],
    ) -> None:
        """Insert ``row``; if a row with the same ``key`` columns exists, set only
        the ``update`` columns."""
        stmt_key = ("upsert", table.name, tuple(row), tuple(key), tuple(update))
        self._queue(
            table,
            stmt_key,
            dict(row),
            _build_upsert,
            self._dialect_name,
            table,
            key,
            update,
        )

    def update(self, table: Table, where: Mapping[str, Any], **values: Any) -> None:
        stmt_key = ("update", table.name, tuple(where), tuple(values))

        def build() -> Executable:
            return (
                update(table)
                .where(_match(table, where))
                .values({name: bindparam(f"v_{name}") for name in values})
            )

        params = {f"w_{k}": v for k, v in where.items()}
        params.update({f"v_{k}": v for k, v in values.items()})
        self._queue(table, stmt_key, params, build)

    def delete(self, table: Table, **where: Any) -> None:
        stmt_key = ("delete", table.name, tuple(where))
        self._queue(
            table,
            stmt_key,
            {f"w_{k}": v for k, v in where.items()},
            lambda: delete(table).where(_match(table, where)),
        )

    def flush(self) -> None:
        for ops in self._pending.values():
            start = 0
            while start < len(ops):
                end = start
                while end < len(ops) and ops[end][0] is ops[start][0]:
                    end += 1
                ops[start][0].executemany(self._conn, [p for _, p in ops[start:end]])
                start = end
        self._pending.clear()

    def _queue(
        self,
        table: Table,
        key: StatementKey,
        params: dict[str, Any],
        build: Callable[..., Executable],
        *build_args: Any,
    ) -> None:
        cache_key = (self._dialect_name, *key)
        compiled = _COMPILED.get(cache_key)
        if compiled is None:
            statement: Any = build(*build_args) if build_args else build()
            compiled = CompiledSql(statement, self._dialect, column_keys=list(params))
            _COMPILED[cache_key] = compiled
        pending = self._pending.get(table.name)
        if pending is None:
            pending = self._pending[table.name] = []
        pending.append((compiled, params))


def _build_upsert(
    dialect: str, table: Table, key: Sequence[str], update: Sequence[str]
) -> Any:
    # The dialect's module is imported when first needed (PostgreSQL's costs a
    # SQLite store 50 ms of start-up).
    if dialect == "sqlite":
        from sqlalchemy.dialects import sqlite

        stmt: Any = sqlite.insert(table)
    else:
        from sqlalchemy.dialects import postgresql

        stmt = postgresql.insert(table)
    return stmt.on_conflict_do_update(
        index_elements=[table.c[name] for name in key],
        set_={name: stmt.excluded[name] for name in update},
    )


def _match(table: Table, where: Mapping[str, Any]) -> Any:
    return and_(*(table.c[name] == bindparam(f"w_{name}") for name in where))
