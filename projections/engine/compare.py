"""Row-by-row comparison of a projection's live tables with a fresh build."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict
from sqlalchemy import select

if TYPE_CHECKING:
    from sqlalchemy import Connection, Table

    from boternity_store.projections.engine.projection import Projection


class ProjectionDifference(BaseModel):
    """One row that differs between a live read table and a fresh rebuild."""

    model_config = ConfigDict(frozen=True)

    projection: str
    table: str
    key: dict[str, Any]
    live: dict[str, Any] | None
    expected: dict[str, Any] | None

    def describe(self) -> str:
        if self.live is None:
            return f"{self.table} {self.key}: missing (expected {self.expected})"
        if self.expected is None:
            return f"{self.table} {self.key}: unexpected row {self.live}"
        changed = {
            k: (v, self.expected.get(k))
            for k, v in self.live.items()
            if self.expected.get(k) != v
        }
        return f"{self.table} {self.key}: live != expected in {changed}"


def differences(
    conn: Connection, live: Projection, fresh: Projection
) -> list[ProjectionDifference]:
    found = []
    for live_table, fresh_table in zip(live.tables, fresh.tables, strict=True):
        key_names = [c.name for c in live_table.primary_key.columns] or [
            c.name for c in live_table.columns
        ]
        got, want = (
            _rows(conn, live_table, key_names),
            _rows(conn, fresh_table, key_names),
        )
        for key in sorted(got.keys() | want.keys(), key=repr):
            if got.get(key) != want.get(key):
                found.append(
                    ProjectionDifference(
                        projection=live.name,
                        table=live_table.name,
                        key=dict(zip(key_names, key, strict=True)),
                        live=got.get(key),
                        expected=want.get(key),
                    )
                )
    return found


def _rows(
    conn: Connection, table: Table, key_names: list[str]
) -> dict[tuple[Any, ...], dict[str, Any]]:
    rows = conn.execute(select(table)).mappings()
    return {tuple(row[name] for name in key_names): dict(row) for row in rows}
