"""SQLAlchemy Core statements compiled once per dialect and run on the DBAPI
cursor: the hot paths (projection flushes, tracking, point reads) skip the
per-execution overhead of the Core layer but keep its backend-neutral SQL."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from operator import itemgetter
from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:
    from sqlalchemy import Connection
    from sqlalchemy.engine import Dialect
    from sqlalchemy.sql import ClauseElement
    from sqlalchemy.sql.compiler import SQLCompiler


class CompiledSql:
    def __init__(
        self,
        statement: ClauseElement,
        dialect: Dialect,
        column_keys: Sequence[str] | None = None,
    ) -> None:
        compiled = cast(
            "SQLCompiler",
            statement.compile(
                dialect=dialect, column_keys=list(column_keys) if column_keys else None
            ),
        )
        self.sql = compiled.string
        self.names: tuple[str, ...] | None = (
            tuple(compiled.positiontup) if compiled.positiontup else None
        )
        # Binds the caller does not pass (e.g. a literal LIMIT) keep their value.
        self.defaults = {
            name: bind.value
            for name, bind in compiled.binds.items()
            if type(bind.value) in (int, float, str, bool)  # not REQUIRED markers
        }
        # itemgetter builds the positional tuple in C; one name would give a scalar.
        self._pick: Callable[[Mapping[str, Any]], Any] | None = None
        if self.names is not None:
            first = self.names[0]
            self._pick = (
                itemgetter(*self.names)
                if len(self.names) > 1
                else lambda values: (values[first],)
            )

    def params(self, values: Mapping[str, Any]) -> Sequence[Any] | Mapping[str, Any]:
        if self.defaults:
            values = {**self.defaults, **values}
        if self._pick is not None:
            return self._pick(values)  # type: ignore[no-any-return]
        return values

    def execute(self, conn: Connection, values: Mapping[str, Any] | None = None) -> Any:
        cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        cursor.execute(self.sql, self.params(values or {}))
        return cursor

    def executemany(self, conn: Connection, rows: Sequence[Mapping[str, Any]]) -> None:
        cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        if len(rows) == 1:
            cursor.execute(self.sql, self.params(rows[0]))
        elif self._pick is not None and not self.defaults:
            cursor.executemany(self.sql, map(self._pick, rows))  # type: ignore[arg-type]
        else:
            cursor.executemany(self.sql, [self.params(row) for row in rows])  # type: ignore[arg-type]
        cursor.close()
