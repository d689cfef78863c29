"""``ModelStore``: the whole store as plain Python objects, no database."""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime

from boternity_store.domain.errors import InvalidInput
from boternity_store.domain.validation import DEFAULT_MAX_VALUE_BYTES
from boternity_store.testing.model.bots import BotLives, ModelBots
from boternity_store.testing.model.files import FileState, ModelFiles, forget_files_of
from boternity_store.testing.model.kv import KvState, ModelKv
from boternity_store.testing.model.memories import (
    MemoryState,
    ModelAuditLog,
    ModelMemories,
    forget_rows_of,
)
from boternity_store.testing.model.providers import ModelProviders, ProviderState


@dataclass
class ModelState:
    """Everything the model knows; ``ModelStore.batch`` restores a copy of it
    when a batch fails."""

    bots: BotLives = field(default_factory=BotLives)
    kv: KvState = field(default_factory=dict)
    memories: MemoryState = field(default_factory=MemoryState)
    providers: ProviderState = field(default_factory=dict)
    files: FileState = field(default_factory=FileState)

    def bot_started(self, bot_id: str) -> None:
        self.kv[bot_id] = {}

    def bot_deleted(self, bot_id: str) -> None:
        self.kv.pop(bot_id, None)
        forget_rows_of(self.memories, bot_id)
        forget_files_of(self.files, bot_id)


def _utc_now() -> datetime:
    return datetime.now(UTC)


class ModelStore:
    """A reference model of :class:`~boternity_store.infrastructure.Store`: bots,
    KV, memories and their audit log, providers and files, with the same calls
    and the same answers, held in plain Python objects.

    Use it as an oracle (``StoreMachine`` compares a real store against it
    after every step) or as a fast stand-in where your test needs no
    database. Input checks are the store's own (the domain's validation
    functions); the behaviour (versions, lives, breaker transitions, indexing
    status, audit rows) is written out independently. Ids the store draws at
    random (file ids, audit ids of commands) are drawn here too, so compare
    answers without them, or map one to the other.

    Not modelled: anything that carries a log position (``history``, the
    ``*.history`` calls, ``explain``, ``at``), the seed-compatible calls of
    ``files`` and ``provider_health``, and durability.

    >>> from boternity_store.testing import FakeClock, ModelStore
    >>> model = ModelStore(clock=FakeClock())
    >>> model.bots.register("bot-1").bot_id
    'bot-1'
    >>> model.kv.set("bot-1", "greeting", "hi").version
    1
    >>> model.kv.get("bot-1", "greeting")
    'hi'
    """

    def __init__(
        self,
        *,
        clock: Callable[[], datetime] | None = None,
        max_value_bytes: int = DEFAULT_MAX_VALUE_BYTES,
    ) -> None:
        self._clock = clock or _utc_now
        self.max_value_bytes = max_value_bytes
        self.state = ModelState()
        self.bots = ModelBots(self)
        self.kv = ModelKv(self)
        self.memories = ModelMemories(self)
        self.audit = ModelAuditLog(self)
        self.providers = ModelProviders(self)
        self.files = ModelFiles(self)

    def now(self) -> datetime:
        moment = self._clock()
        if not isinstance(moment, datetime) or moment.tzinfo is None:
            raise InvalidInput(f"clock returned {moment!r}, not an aware datetime")
        return moment.astimezone(UTC)

    @contextmanager
    def batch(self) -> Iterator[None]:
        """As ``Store.batch``: every write in the block counts, or none does."""
        saved = copy.deepcopy(self.state)
        try:
            yield
        except BaseException:
            self.state = saved
            raise

    def snapshot(self) -> ModelStore:
        """An independent copy of the model as it is now (for comparing with
        ``store.at(position)`` later)."""
        twin = ModelStore(clock=self._clock, max_value_bytes=self.max_value_bytes)
        twin.state = copy.deepcopy(self.state)
        return twin
