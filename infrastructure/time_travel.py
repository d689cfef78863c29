"""``store.at(...)``: the store as it was at an earlier point of its log.

A view replays the log up to that point (or, for one bot, only that bot's
events and the providers') through the same projections a rebuild uses, into a
private SQLite file, and answers with the same read API as the store. Nothing
is projected twice by hand: the projection engine does the work.
"""

from __future__ import annotations

import bisect
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from boternity_store.domain.errors import InvalidInput, ReadOnlyView
from boternity_store.infrastructure.eventstore.driver_errors import translated
from boternity_store.infrastructure.eventstore.engines import make_scratch_engine
from boternity_store.infrastructure.eventstore.read_only import RefusingAppender
from boternity_store.infrastructure.eventstore.writer import Writer
from boternity_store.infrastructure.history import History
from boternity_store.infrastructure.read_api import (
    HasReadApi,
    StoreProjections,
    build_read_api,
)
from boternity_store.projections.engine.projection import Positioned
from boternity_store.projections.engine.runner import ProjectionRunner
from boternity_store.projections.events.queries import EventFilter

if TYPE_CHECKING:
    from boternity_store.infrastructure.eventstore.event_log import (
        ApplicationEventLog,
    )
    from boternity_store.infrastructure.eventstore.eventsourcing_seam import (
        EventStoreApplication,
    )
    from boternity_store.infrastructure.eventstore.write_context import Clock
    from boternity_store.projections.events.queries import EventIndexQueries

ALL = 2**63 - 1


class ReplayedLog:
    """The log as a view sees it: up to ``stop``, and only ``positions`` if
    given (one bot's events and the providers')."""

    def __init__(
        self,
        log: ApplicationEventLog,
        stop: int,
        positions: Sequence[int] | None = None,
    ) -> None:
        self._log, self._stop, self._positions = log, stop, positions

    def read(self, after: int, limit: int) -> Sequence[Positioned]:
        if self._positions is None:
            if after >= self._stop:
                return []
            return self._log.read(after=after, limit=min(limit, self._stop - after))
        start = bisect.bisect_right(self._positions, after)
        return self._log.read_positions(self._positions[start : start + limit])

    def head(self) -> int:
        return self._stop


class StoreView(HasReadApi):
    """The store as it was at ``position``: ``bots``, ``kv``, ``memories``,
    ``audit``, ``providers``, ``provider_health``, ``files`` and ``history``
    answer as they did then. A context manager; writes raise ReadOnlyView.
    With ``bot_id``, only that bot (and the providers) is in the view."""

    def __init__(
        self,
        *,
        app: EventStoreApplication,
        log: ApplicationEventLog,
        index: EventIndexQueries,
        clock: Clock,
        position: int,
        bot_id: str | None,
        max_value_bytes: int,
        with_providers: bool = True,
    ) -> None:
        self.position = position
        self.bot_id = bot_id
        self._with_providers = with_providers
        self._folder = tempfile.mkdtemp(prefix="boternity-view-")
        self._engine = make_scratch_engine(str(Path(self._folder) / "view.db"))
        try:
            with translated():
                self._replay(app, log, index, clock, max_value_bytes)
        except BaseException:
            self.close()
            raise

    def _replay(
        self,
        app: EventStoreApplication,
        log: ApplicationEventLog,
        index: EventIndexQueries,
        clock: Clock,
        max_value_bytes: int,
    ) -> None:
        positions = None
        if self.bot_id is not None:
            positions = index.positions(
                EventFilter(bot_id=self.bot_id, before=self.position + 1),
                limit=ALL,
                or_without_bot=self._with_providers,
            )
        projections = StoreProjections.new()
        runner = ProjectionRunner(
            self._engine,
            ReplayedLog(log, self.position, positions),
            projections.all(),
            batch_size=5000,
            now=lambda: clock().isoformat(),
        )
        runner.ensure_schema()
        runner.catch_up()
        refusing = RefusingAppender(
            ReadOnlyView(f"a view of the store at position {self.position}")
        )
        writer = Writer(app, refusing, clock)
        self.history = History(log, index, upto=self.position)
        self._use(
            build_read_api(
                writer,
                self._engine,
                projections,
                self.history,
                max_value_bytes=max_value_bytes,
            )
        )

    def save_as(self, path: str | Path) -> Path:
        """Write the view's read tables to a standalone SQLite file that
        ``sqlite3`` or any SQL tool opens; the file must not exist."""
        target = Path(path).resolve()
        if target.exists():
            raise InvalidInput(f"{target} exists: choose a new file")
        if not target.parent.is_dir():
            raise InvalidInput(f"folder {target.parent} does not exist")
        with translated():
            raw = self._engine.raw_connection()  # VACUUM runs outside a transaction
            try:
                driver: Any = raw.driver_connection
                driver.execute("VACUUM INTO ?", (str(target),))
            finally:
                raw.close()
        return target

    def close(self) -> None:
        fast_reads = getattr(self, "_fast_reads", None)
        if fast_reads is not None:
            fast_reads.close()
        self._engine.dispose()
        shutil.rmtree(self._folder, ignore_errors=True)

    def __enter__(self) -> StoreView:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
