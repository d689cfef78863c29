"""The PostgreSQL notification channels runners and waiters use.

- The **events** channel is the library's own: its insert sends ``NOTIFY`` on
  it at each commit (the seam's item 6). Runners ``LISTEN`` on it.
- The **projected** channel is the store's: a runner sends ``NOTIFY`` on it,
  with the position reached, inside each catch-up step's transaction, so it is
  delivered when the projected rows commit. ``store.wait_for`` listens on it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from sqlalchemy import text

if TYPE_CHECKING:
    from sqlalchemy import Connection

MAX_IDENTIFIER = 63  # PostgreSQL truncates longer names


def projected_channel(events_channel: str) -> str:
    return (events_channel + "_projected")[:MAX_IDENTIFIER]


def announcer(channel: str) -> Callable[[Connection, int], None]:
    """A runner's ``after_step``: notify ``channel`` of the position reached,
    at the step's commit."""
    statement = text("SELECT pg_notify(:channel, :position)")

    def announce(conn: Connection, position: int) -> None:
        conn.execute(statement, {"channel": channel, "position": str(position)})

    return announce
