"""Where each projection is in the log: one row per projection, written in the
same transaction as the projection's view rows, and the statements on it."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NamedTuple

from sqlalchemy import Column, Integer, MetaData, Table, Text, bindparam, or_, select

from boternity_store.projections.engine.compiled_sql import CompiledSql
from boternity_store.projections.engine.projection import FAILED, LIVE

if TYPE_CHECKING:
    from sqlalchemy import Connection

tracking_metadata = MetaData()

tracking_table = Table(
    "projection_tracking",
    tracking_metadata,
    Column("name", Text, primary_key=True),
    Column("version", Integer, nullable=False),
    Column("position", Integer, nullable=False),
    Column("state", Text, nullable=False),
    Column("error_position", Integer),
    Column("error", Text),
    Column("updated_at", Text, nullable=False),
)


class TrackingState(NamedTuple):
    name: str
    version: int
    position: int
    state: str
    error_position: int | None
    error: str | None


class TrackingRows:
    """The statements on ``projection_tracking``; hot ones compiled once."""

    def __init__(self, now: Callable[[], str]) -> None:
        self.now = now
        self.table = tracking_table
        self._statements: dict[tuple[str, ...], CompiledSql] = {}

    def states(
        self, conn: Connection, *, lock: bool = False
    ) -> dict[str, TrackingState]:
        """Every row; with ``lock``, locked until the transaction ends (in name
        order, so that two processes never deadlock on them): a position read
        this way cannot be moved by another process meanwhile. SQLite has no
        row locks; its transactions that write begin with the write lock."""
        if lock and conn.dialect.name != "sqlite":
            build = lambda: self._select().order_by(self.table.c.name).with_for_update()  # noqa: E731
            rows = self._compiled(conn, ("states-locked",), build).execute(conn)
        else:
            rows = self._compiled(conn, ("states",), self._select).execute(conn)
        return {row[0]: TrackingState(*row[:6]) for row in rows.fetchall()}

    def move(self, conn: Connection, names: tuple[str, ...], position: int) -> None:
        """Move the projections ``names`` forward to ``position``, in one
        statement; a position never moves backwards."""
        t = self.table

        def build() -> Any:
            where = or_(*(t.c.name == name for name in names))
            return (
                t.update()
                .where(where, t.c.position < bindparam("p"))
                .values(position=bindparam("p"))
            )

        self._compiled(conn, ("move", *names), build).execute(
            conn, {"p": position}
        ).close()

    def locked_position(self, conn: Connection, name: str) -> int:
        """The position, read under the transaction's write lock."""
        t = self.table
        row = conn.execute(
            select(t.c.position).where(t.c.name == name).with_for_update()
        ).one()
        return int(row.position)

    def reset(self, conn: Connection, name: str, version: int, state: str) -> None:
        t = self.table
        self.delete(conn, name)
        conn.execute(
            t.insert().values(
                name=name,
                version=version,
                position=0,
                state=state,
                updated_at=self.now(),
            )
        )

    def create(self, conn: Connection) -> None:
        self.table.create(conn, checkfirst=True)

    def delete(self, conn: Connection, name: str) -> None:
        conn.execute(self.table.delete().where(self.table.c.name == name))

    def adopt(self, conn: Connection, shadow: str, live: str, version: int) -> None:
        """The shadow's row becomes the live projection's (which is dropped)."""
        t = self.table
        self.delete(conn, live)
        conn.execute(
            t.update()
            .where(t.c.name == shadow)
            .values(name=live, state=LIVE, version=version, updated_at=self.now())
        )

    def set_state(self, conn: Connection, name: str, state: str) -> None:
        t = self.table
        conn.execute(
            t.update()
            .where(t.c.name == name)
            .values(state=state, error=None, error_position=None, updated_at=self.now())
        )

    def mark_failed(
        self, conn: Connection, name: str, position: int, message: str
    ) -> None:
        t = self.table
        conn.execute(
            t.update()
            .where(t.c.name == name)
            .values(
                state=FAILED,
                error_position=position,
                error=message,
                updated_at=self.now(),
            )
        )

    def _select(self) -> Any:
        t = self.table
        columns = ("name", "version", "position", "state", "error_position", "error")
        return select(*(t.c[name] for name in columns))

    def _compiled(
        self, conn: Connection, key: tuple[str, ...], build: Callable[[], Any]
    ) -> CompiledSql:
        full_key = (conn.dialect.name, *key)
        compiled = self._statements.get(full_key)
        if compiled is None:
            compiled = self._statements[full_key] = CompiledSql(build(), conn.dialect)
        return compiled
