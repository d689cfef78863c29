"""The store facade and its composition root, :func:`open_store`."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from types import TracebackType
from typing import TYPE_CHECKING

from boternity_store.domain.errors import InvalidInput
from boternity_store.domain.validation import DEFAULT_MAX_VALUE_BYTES
from boternity_store.projections import BotsProjection, KvProjection, ProjectionRunner
from boternity_store.projections.bot_queries import BotQueries
from boternity_store.projections.kv_queries import KvQueries
from boternity_store.projections.timestamps import to_text

from .application import EventStoreApplication
from .bots_api import Bots
from .config import parse_url, resolve_url
from .engines import make_engines
from .event_log import ApplicationEventLog
from .history import History
from .kv_api import Kv
from .writer import Writer

if TYPE_CHECKING:
    from .config import StoreConfig

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


class Store(AbstractContextManager["Store"]):
    """One open store: ``bots``, ``kv`` and the event ``history``."""

    def __init__(
        self, config: StoreConfig, *, clock: Clock = utc_now, max_value_bytes: int
    ) -> None:
        self.config = config
        self._clock = clock
        self._app = EventStoreApplication.for_env(config.eventsourcing_env())
        self._read_engine, self._write_engine = make_engines(config)
        bots, kv = BotsProjection(), KvProjection()
        self._runner = ProjectionRunner(
            self._write_engine,
            ApplicationEventLog(self._app),
            [bots, kv],
            now=lambda: to_text(self.now()),
        )
        self._runner.ensure_schema()
        self._runner.catch_up()
        self._writer = Writer(self._app, self._runner, self.now)
        self.bots = Bots(self._writer, BotQueries(self._read_engine, bots))
        self.kv = Kv(self._writer, KvQueries(self._read_engine, kv),
                     max_value_bytes=max_value_bytes)
        self.history = History(self._app)

    def now(self) -> datetime:
        moment = self._clock()
        if not isinstance(moment, datetime) or moment.tzinfo is None:
            raise InvalidInput(f"clock returned {moment!r}, not an aware datetime")
        return moment.astimezone(UTC)

    def batch(self) -> AbstractContextManager[None]:
        """Group writes into one transaction: all are recorded, or none."""
        return self._writer.batch()

    def close(self) -> None:
        self._app.close()
        self._read_engine.dispose()
        self._write_engine.dispose()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def open_store(
    url: str | None = None,
    *,
    clock: Clock | None = None,
    max_value_bytes: int = DEFAULT_MAX_VALUE_BYTES,
) -> Store:
    """Open (creating if missing) the store at ``url``.

    ``url`` defaults to ``$BOTERNITY_STORE_URL``, else ``sqlite:///boternity.db``.
    ``clock`` returns an aware UTC datetime; everything time-dependent uses it.
    """
    if max_value_bytes <= 0:
        raise InvalidInput("max_value_bytes must be positive")
    config = parse_url(resolve_url(url))
    return Store(config, clock=clock or utc_now, max_value_bytes=max_value_bytes)


__all__ = ["Store", "open_store"]
