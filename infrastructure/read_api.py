"""The store's parts over one set of read tables: the live store's, or a
view's as of an earlier point (``store.at``). One builder for both, so a view
answers with exactly the code the store answers with."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from boternity_store.infrastructure.bots.service import Bots
from boternity_store.infrastructure.files.service import Files
from boternity_store.infrastructure.kv.history import KeyHistory
from boternity_store.infrastructure.kv.service import Kv
from boternity_store.infrastructure.memories.audit_log import AuditLog
from boternity_store.infrastructure.memories.service import Memories
from boternity_store.infrastructure.providers.health import ProviderHealthStore
from boternity_store.infrastructure.providers.service import Providers
from boternity_store.projections.bots.projection import BotsProjection
from boternity_store.projections.bots.queries import BotQueries
from boternity_store.projections.engine.fast_reads import FastReads
from boternity_store.projections.files.projection import FilesProjection
from boternity_store.projections.files.queries import FileQueries
from boternity_store.projections.kv.projection import KvProjection
from boternity_store.projections.kv.queries import KvQueries
from boternity_store.projections.memories.projection import MemoryAuditProjection
from boternity_store.projections.memories.queries import MemoryAuditQueries
from boternity_store.projections.providers.projection import ProvidersProjection
from boternity_store.projections.providers.queries import ProviderQueries

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from boternity_store.infrastructure.eventstore.writer import Writer
    from boternity_store.infrastructure.history import History
    from boternity_store.projections.engine.projection import Projection


@dataclass(frozen=True)
class StoreProjections:
    """The projections whose tables the read API reads."""

    bots: BotsProjection
    kv: KvProjection
    providers: ProvidersProjection
    memory_audit: MemoryAuditProjection
    files: FilesProjection

    @classmethod
    def new(cls) -> StoreProjections:
        return cls(
            BotsProjection(),
            KvProjection(),
            ProvidersProjection(),
            MemoryAuditProjection(),
            FilesProjection(),
        )

    def all(self) -> list[Projection]:
        return [self.bots, self.kv, self.providers, self.memory_audit, self.files]


@dataclass(frozen=True)
class ReadApi:
    bots: Bots
    kv: Kv
    files: Files
    memories: Memories
    audit: AuditLog
    providers: Providers
    provider_health: ProviderHealthStore
    fast_reads: FastReads


class HasReadApi:
    """The read API as attributes: what a Store and a view of its past share."""

    bots: Bots
    kv: Kv
    files: Files
    memories: Memories
    audit: AuditLog
    providers: Providers
    provider_health: ProviderHealthStore
    _fast_reads: FastReads

    def _use(self, parts: ReadApi) -> None:
        self._fast_reads = parts.fast_reads
        self.bots, self.kv, self.files = parts.bots, parts.kv, parts.files
        self.memories, self.audit = parts.memories, parts.audit
        self.providers = parts.providers
        self.provider_health = parts.provider_health


def build_read_api(
    writer: Writer,
    engine: Engine,
    projections: StoreProjections,
    history: History,
    *,
    max_value_bytes: int,
) -> ReadApi:
    fast_reads = FastReads(engine)
    bot_queries = BotQueries(engine, projections.bots)
    memory_queries = MemoryAuditQueries(engine, projections.memory_audit, fast_reads)
    provider_queries = ProviderQueries(engine, projections.providers)
    return ReadApi(
        bots=Bots(writer, bot_queries, history),
        kv=Kv(
            writer,
            KvQueries(engine, projections.kv, fast_reads),
            max_value_bytes=max_value_bytes,
            past=KeyHistory(history),
        ),
        files=Files(writer, FileQueries(engine, projections.files), history),
        memories=Memories(writer, memory_queries, history),
        audit=AuditLog(writer, memory_queries),
        providers=Providers(writer, provider_queries, history),
        provider_health=ProviderHealthStore(writer, provider_queries),
        fast_reads=fast_reads,
    )
