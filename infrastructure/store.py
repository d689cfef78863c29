"""The store facade and its composition root, :func:`open_store`."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import replace
from datetime import UTC, datetime
from functools import partial
from types import TracebackType
from typing import TYPE_CHECKING, Any

from boternity_store.domain.errors import BotNotFound, InvalidInput
from boternity_store.domain.providers.input import check_moment
from boternity_store.domain.validation import (
    DEFAULT_MAX_VALUE_BYTES,
    check_identifier,
    check_int,
)
from boternity_store.infrastructure.background.channels import projected_channel
from boternity_store.infrastructure.background.waiter import (
    PostgresWake,
    ProjectionWaiter,
    SqliteWake,
)
from boternity_store.infrastructure.config import (
    DEFAULT_BUSY_TIMEOUT_S,
    check_timeout,
    parse_url,
    resolve_url,
)
from boternity_store.infrastructure.diff import StoreDiff, diff_views
from boternity_store.infrastructure.eventstore.append import Appender
from boternity_store.infrastructure.eventstore.driver_errors import translated
from boternity_store.infrastructure.eventstore.engines import make_engines
from boternity_store.infrastructure.eventstore.event_log import ApplicationEventLog
from boternity_store.infrastructure.eventstore.eventsourcing_seam import (
    EventStoreApplication,
)
from boternity_store.infrastructure.eventstore.log_copy import (
    ImportProgress,
    import_records,
    records_of,
)
from boternity_store.infrastructure.eventstore.open_checks import (
    checked,
    tidy_side_files,
    wal_of,
)
from boternity_store.infrastructure.eventstore.postgres_append import PostgresAppend
from boternity_store.infrastructure.eventstore.read_only import (
    RefusingAppender,
    check_projected,
)
from boternity_store.infrastructure.eventstore.sqlite_append import SqliteAppend
from boternity_store.infrastructure.eventstore.store_locks import (
    libpq_dsn,
    operations_lock,
    schema_lock,
)
from boternity_store.infrastructure.eventstore.writer import Writer
from boternity_store.infrastructure.history import History
from boternity_store.infrastructure.read_api import (
    HasReadApi,
    StoreProjections,
    build_read_api,
)
from boternity_store.infrastructure.time_travel import StoreView
from boternity_store.projections import ProjectionRunner
from boternity_store.projections.engine.operations import ProjectionOperations
from boternity_store.projections.engine.timestamps import to_text
from boternity_store.projections.events.projection import EventIndexProjection
from boternity_store.projections.events.queries import EventFilter, EventIndexQueries

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from boternity_store.infrastructure.config import StoreConfig

Clock = Callable[[], datetime]
log = logging.getLogger("boternity_store")
MODES = ("inline", "background")
DEFAULT_WAIT_S = 10.0


def utc_now() -> datetime:
    return datetime.now(UTC)


class Store(HasReadApi, AbstractContextManager["Store"]):
    """One open store (from :func:`open_store`; a context manager).

    Its parts: ``bots``, ``kv``, ``memories`` and ``audit``, ``providers`` and
    ``provider_health``, ``files``, the event log ``history``, and
    ``projections`` (status, rebuild, verify). ``batch()`` groups writes into
    one transaction; ``now()`` is the store's clock; ``close()`` releases it.
    ``mode`` is ``"inline"`` or ``"background"`` (see :func:`open_store`);
    ``last_position`` and ``wait_for()`` give read-your-writes in either.
    """

    def __init__(
        self,
        config: StoreConfig,
        *,
        clock: Clock = utc_now,
        max_value_bytes: int,
        mode: str = "inline",
    ) -> None:
        self.mode = mode
        with translated():
            self._open(checked(config), clock, max_value_bytes)

    def _open(self, config: StoreConfig, clock: Clock, max_value_bytes: int) -> None:
        self.config = config
        self._clock = clock
        inline = self.mode == "inline"
        read_only = config.read_only
        # A read-only open that finds no write-ahead log tidies the side files
        # SQLite creates for reading, when it closes.
        self._tidy_on_close = (
            read_only
            and config.backend == "sqlite"
            and not config.immutable
            and not wal_of(config.sqlite_path).exists()
        )
        with schema_lock(config) if not read_only else nullcontext():
            self._app = EventStoreApplication.for_env(config.eventsourcing_env())
            engines = make_engines(config)
            self._read_engine, self._write_engine = engines.read, engines.write
            self._projections = StoreProjections.new()
            event_index = EventIndexProjection()
            event_log = ApplicationEventLog(self._app)
            self._runner = ProjectionRunner(
                self._write_engine,
                event_log,
                [*self._projections.all(), event_index],
                now=lambda: to_text(self.now()),
            )
            self.projections = ProjectionOperations(
                self._runner, lock=operations_lock(config), read_only=read_only
            )
            if read_only:
                check_projected(config, self._runner)
            else:
                self._rebuild_changed_schemas()
        self._appender: Appender
        if read_only:
            self._appender = RefusingAppender.for_store(config)
        else:
            if inline:  # in background mode, the runners catch up
                self._runner.catch_up()
            one_transaction = (
                SqliteAppend if config.backend == "sqlite" else PostgresAppend
            )
            self._appender = one_transaction(
                self._app, self._runner, engines.append, inline=inline
            )
        self._append_engine = engines.append
        self._writer = Writer(self._app, self._appender, self.now)
        self._event_log = event_log
        self._index = EventIndexQueries(self._read_engine, event_index)
        self.history = History(event_log, self._index)
        self._use(
            build_read_api(
                self._writer,
                self._read_engine,
                self._projections,
                self.history,
                max_value_bytes=max_value_bytes,
            )
        )
        self._max_value_bytes = max_value_bytes
        self._waiter = ProjectionWaiter(
            self._runner.states,
            self._runner.projections,
            SqliteWake()
            if config.backend == "sqlite"
            else PostgresWake(
                libpq_dsn(config),
                projected_channel(self.events_channel()),
                config.connect_timeout,
            ),
        )

    @property
    def last_position(self) -> int | None:
        """The log position of the last event committed with this thread's
        last write on this store: its own last event, or the last of the group
        it committed with (group commit), so at or after its own. None before
        the first. Pass it to :meth:`wait_for`."""
        return self._writer.last_position

    def wait_for(
        self, position: int | None = None, *, timeout: float = DEFAULT_WAIT_S
    ) -> None:
        """Return once every projection has applied the log up to ``position``
        (default: :attr:`last_position`, else the log's head), so reads show
        it: read-your-writes on demand in background mode (inline mode is
        there already when a write returns). Raises ``ProjectionTimeout``
        after ``timeout`` seconds (is a runner running?), or
        ``ProjectionStopped`` if a projection it waits for has failed."""
        timeout = check_timeout(timeout, "timeout")
        if position is None:
            position = self.last_position
        with translated():
            if position is None:
                position = self.history.head()
            check_int(position, "position")
            self._waiter.wait_for(position, timeout)

    def events_channel(self) -> str:
        """PostgreSQL: the channel the log's inserts notify at each commit."""
        return self._app.events_channel()

    def projection_runner(
        self,
        names: Iterable[str] | None = None,
        *,
        batch_size: int = 1000,
        after_step: Callable[[Connection, int], None] | None = None,
    ) -> ProjectionRunner:
        """A runner of the projections ``names`` (default: all) on this store's
        database, for background runners (:class:`~boternity_store.
        infrastructure.background.follower.Follower`)."""
        return ProjectionRunner(
            self._write_engine,
            self._event_log,
            self.projections.select(None if names is None else list(names)),
            batch_size=check_int(batch_size, "batch_size", minimum=1),
            now=lambda: to_text(self.now()),
            after_step=after_step,
        )

    def at(
        self,
        position: int | None = None,
        *,
        timestamp: datetime | None = None,
        bot_id: str | None = None,
        providers: bool = True,
    ) -> StoreView:
        """The store as it was after the event at ``position`` (or the last event
        recorded at or before ``timestamp``; default: now), as a read-only view
        with the same read API. With ``bot_id``, only that bot's events (and the
        providers', unless ``providers=False``) are replayed, so the cost grows
        with the bot's history, not the store's. Close it (or use ``with``)
        when done."""
        if not isinstance(providers, bool):
            raise InvalidInput(f"providers must be True or False, got {providers!r}")
        with translated():
            return self._view(position, timestamp, bot_id, providers)

    def at_point(
        self, point: int | datetime | None, *, bot_id: str | None = None
    ) -> StoreView:
        """:meth:`at` for a point that is a position or a time (None: now)."""
        if isinstance(point, datetime):
            return self.at(timestamp=point, bot_id=bot_id)
        return self.at(point, bot_id=bot_id)

    def _view(
        self,
        position: int | None,
        timestamp: datetime | None,
        bot_id: str | None,
        providers: bool = True,
    ) -> StoreView:
        head = self.history.head()
        if position is not None and timestamp is not None:
            raise InvalidInput("give a position or a timestamp, not both")
        if timestamp is not None:
            moment = check_moment(timestamp, "timestamp")
            if moment > self.now():
                raise InvalidInput(f"timestamp {moment.isoformat()} is in the future")
            position = self._index.last_position_until(to_text(moment))
        elif position is None:
            position = head
        else:
            check_int(position, "position")
            if position > head:
                raise InvalidInput(f"position {position} is past the log's head {head}")
        if bot_id is not None:
            check_identifier(bot_id, "bot_id")
            if not self.bots.history(bot_id):
                raise BotNotFound(bot_id)
        return StoreView(
            app=self._app,
            log=self._event_log,
            index=self._index,
            clock=self.now,
            position=position,
            bot_id=bot_id,
            with_providers=providers,
            max_value_bytes=self._max_value_bytes,
        )

    def diff(
        self,
        from_: int | datetime,
        to: int | datetime | None = None,
        *,
        bot_id: str | None = None,
    ) -> StoreDiff:
        """What changed between two points (positions, or times: the last event
        at or before each; ``to`` defaults to now): bots registered and deleted,
        keys, files and provider breakers before and after, and the memory
        actions between. With ``bot_id``, that bot only (and the providers)."""
        views: list[StoreView] = []
        try:
            for point in (from_, to):
                views.append(self.at_point(point, bot_id=bot_id))
            before, after = views
            if before.position > after.position:
                raise InvalidInput(
                    f"from ({before.position}) is after to ({after.position})"
                )
            with translated():
                return diff_views(before, after, bot_id)
        finally:
            for view in views:
                view.close()

    def export_events(
        self, *, bot_id: str | None = None, since: datetime | None = None
    ) -> Iterator[dict[str, Any]]:
        """The log as JSON-able records, in log order: each event verbatim
        (position, stream_id, stream_version, topic, state). With ``bot_id``
        or ``since``, only those events (order kept; positions are the
        source's)."""
        head = self.history.head()
        positions = None
        if bot_id is not None or since is not None:
            where = EventFilter(
                bot_id=None if bot_id is None else check_identifier(bot_id, "bot_id"),
                since=None if since is None else to_text(check_moment(since, "since")),
            )
            positions = self._index.positions(where, limit=2**63 - 1)
        with translated():
            yield from records_of(self._app, positions, head)

    def import_events(
        self, records: Iterable[object], *, progress: ImportProgress | None = None
    ) -> int:
        """Append exported records to this store, which must be empty, in their
        order; then project them. Returns how many were imported. All records
        are checked before the first is written (a bad one leaves the store
        empty); they are streamed, never all held in memory. ``progress(phase,
        done, total)``: phases ``check``, ``write``, then ``project``."""
        with translated():
            self._appender.before_decide()  # a read-only store refuses here
            if self.history.head() != 0:
                raise InvalidInput("import needs an empty store: this one has events")
            with self._writer.exclusive():
                count = import_records(self._app, records, progress)
                self._app.forget_cache()
            projected = None if progress is None else partial(progress, "project")
            self._runner.catch_up(to_head=True, progress=projected)
            return count

    def _rebuild_changed_schemas(self) -> None:
        for projection in self._runner.ensure_schema():
            log.warning(
                "projection %s: schema version changed to %d, rebuilding",
                projection.name,
                projection.version,
            )
            self.projections.rebuild([projection.name])

    def now(self) -> datetime:
        moment = self._clock()
        if not isinstance(moment, datetime) or moment.tzinfo is None:
            raise InvalidInput(f"clock returned {moment!r}, not an aware datetime")
        return moment.astimezone(UTC)

    @contextmanager
    def batch(self) -> Iterator[None]:
        """Group writes into one transaction: all are recorded, or none."""
        with translated(), self._writer.batch():
            yield

    def close(self) -> None:
        with translated():
            self._waiter.close()
            self._fast_reads.close()
            self._appender.close()
            self._app.close()
            self._read_engine.dispose()
            self._write_engine.dispose()
            self._append_engine.dispose()
            if self._tidy_on_close:
                tidy_side_files(self.config.sqlite_path)

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
    read_only: bool = False,
    connect_timeout: float | None = None,
    busy_timeout: float = DEFAULT_BUSY_TIMEOUT_S,
    projections: str = "inline",
) -> Store:
    """Open (creating if missing) the store at ``url``.

    ``url`` defaults to ``$BOTERNITY_STORE_URL``, else ``sqlite:///boternity.db``.
    ``clock`` returns an aware UTC datetime; everything time-dependent uses it.
    ``read_only``: open to read, never to write: nothing is created (a missing
    store raises ``StoreNotFound``), nothing is caught up or rebuilt, and every
    write raises ``ReadOnlyStore`` (SQLite opens the file with ``mode=ro``).
    ``connect_timeout``: seconds to wait for PostgreSQL (default 5, or the
    URL's ``?connect_timeout=S``); past it, ``DatabaseUnavailable`` with the
    server's reason. ``busy_timeout``: seconds a SQLite write waits for another
    process's write lock (default 30); past it, ``StoreBusy``.
    ``projections``: ``"inline"`` (default) projects each write in its own
    transaction, so reads show it when it returns; ``"background"`` commits
    the events alone and leaves projecting to runners (``boternity-store
    projections run``): writes are faster and scale over processes, reads lag
    until :meth:`Store.wait_for`.

    Every failure raises a :class:`StoreError` subclass (see
    ``boternity_store.infrastructure.eventstore.driver_errors``).
    """
    if type(max_value_bytes) is not int or max_value_bytes <= 0:
        raise InvalidInput(
            f"max_value_bytes must be an int > 0, got {max_value_bytes!r}"
        )
    if not isinstance(read_only, bool):
        raise InvalidInput(f"read_only must be True or False, got {read_only!r}")
    if projections not in MODES:
        raise InvalidInput(
            f"projections must be 'inline' or 'background', got {projections!r}"
        )
    if clock is not None and not callable(clock):
        raise InvalidInput("clock must be a callable returning an aware datetime")
    config = replace(
        parse_url(resolve_url(url)),
        read_only=read_only,
        busy_timeout=check_timeout(busy_timeout, "busy_timeout"),
    )
    if connect_timeout is not None:
        config = replace(
            config, connect_timeout=check_timeout(connect_timeout, "connect_timeout")
        )
    return Store(
        config,
        clock=clock or utc_now,
        max_value_bytes=max_value_bytes,
        mode=projections,
    )


__all__ = ["Store", "open_store"]
