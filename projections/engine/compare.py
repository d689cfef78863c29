"""Row-by-row comparison of a projection's live tables with a fresh build.

The database finds the rows that differ (``EXCEPT``, both ways round), so
only those come into memory, however large the tables (``event_index`` has a
row per event)."""

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
        got = _only_in(conn, live_table, fresh_table, key_names)
        want = _only_in(conn, fresh_table, live_table, key_names)
        for key in sorted(got.keys() | want.keys(), key=repr):
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


def _only_in(
    conn: Connection, table: Table, other: Table, key_names: list[str]
) -> dict[tuple[Any, ...], dict[str, Any]]:
    """The rows of ``table`` that ``other`` (the same columns) does not hold."""
    names = [c.name for c in table.columns]
    query = select(*(table.c[n] for n in names)).except_(
        select(*(other.c[n] for n in names))
    )
    rows = conn.execute(query).mappings()
    return {tuple(row[name] for name in key_names): dict(row) for row in rows}
