"""SQLAlchemy engines for the read tables.

SQLite: the read tables live in the same file as the event log. Projection
writes take the write lock up front (BEGIN IMMEDIATE) and use synchronous=NORMAL:
read tables are derived and rebuildable, and their tracking rows commit with
them, so a lost tail is simply re-projected.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import create_engine, event

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from .config import StoreConfig

SQLITE_BUSY_TIMEOUT_S = 30


def make_engines(config: StoreConfig) -> tuple[Engine, Engine]:
    """Return (read engine, projection-write engine)."""
    url = config.sqlalchemy_url()
    if config.backend != "sqlite":
        engine = create_engine(url, pool_pre_ping=True)
        return engine, engine
    connect_args = {"timeout": SQLITE_BUSY_TIMEOUT_S, "check_same_thread": False}
    reader = create_engine(url, connect_args=connect_args, pool_size=8, max_overflow=64)
    writer = create_engine(url, connect_args=connect_args, pool_size=1)
    _autocommit_driver(reader, begin=None)
    _autocommit_driver(writer, begin="BEGIN IMMEDIATE")
    return reader, writer


def _autocommit_driver(engine: Engine, begin: str | None) -> None:
    # pysqlite's own transaction handling is bypassed (SQLAlchemy's documented
    # recipe) so that SAVEPOINTs work and BEGIN is the statement we choose.
    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Any) -> None:
        if begin is not None:
            conn.exec_driver_sql(begin)
