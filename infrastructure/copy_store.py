"""Moving a store to another database with its whole history:
:func:`copy_store`. The events are copied verbatim and in log order (the read
tables are not copied: the target builds them from the copied log), then the
target's log is compared with the source's and its read tables verified."""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Iterator
from functools import partial
from typing import Any

from pydantic import BaseModel, ConfigDict, computed_field

from boternity_store.domain.errors import InvalidInput, StoreNotFound
from boternity_store.infrastructure.config import StoreConfig, parse_url, resolve_url
from boternity_store.infrastructure.store import open_store
from boternity_store.projections.engine.compare import ProjectionDifference

# (phase, done, total), in this order of phases: "read" (source positions read
# and checked, of the source's head), "write" (events inserted into the
# target, of all), "project" (the target's read tables built, position of its
# head), "compare" (the target's log read back, events of all), "verify" (the
# fresh build that verify compares against, position of the head).
CopyProgress = Callable[[str, int, int], None]
PHASES = ("read", "write", "project", "compare", "verify")
_EVERY = 1000  # records between two progress reports while reading


class CopyResult(BaseModel):
    """What :func:`copy_store` copied and what it found checking the copy."""

    model_config = ConfigDict(frozen=True)

    source: str
    target: str
    events: int
    source_head: int
    target_head: int
    same_log: bool
    differences: list[ProjectionDifference]

    @computed_field  # type: ignore[prop-decorator]
    @property
    def heads_equal(self) -> bool:
        """The last positions agree. Only a source whose positions have gaps
        (PostgreSQL leaves one when concurrent appends conflict) gives False:
        the copy numbers its events 1, 2, 3, ... in the same order."""
        return self.source_head == self.target_head

    @computed_field  # type: ignore[prop-decorator]
    @property
    def ok(self) -> bool:
        """The target's log is the source's, and its read tables verify."""
        return self.same_log and not self.differences


def copy_store(
    from_url: str, to_url: str, *, progress: CopyProgress | None = None
) -> CopyResult:
    """Copy the store at ``from_url`` into an empty store at ``to_url`` (created
    if missing; a PostgreSQL database must exist), either direction between
    SQLite and PostgreSQL.

    The source is opened read-only. The target must hold no events: a store
    with events, or the source itself, is refused with ``InvalidInput`` before
    anything is written. Every event is copied verbatim (stream, version, topic,
    serialised state) in log order, streamed, never all in memory; all are
    checked before the first is written. The target then projects them, its
    log is read back and compared with what was read from the source, and
    ``projections.verify()`` runs on it. ``progress(phase, done, total)`` is
    called along the way (phases in :data:`PHASES`).

    Writers to the source should be stopped first: the copy takes the events
    logged when it reads them."""
    source_config, target_config = _config(from_url), _config(to_url)
    if _same_database(source_config, target_config):
        raise InvalidInput(
            f"the source and the target are the same database ({source_config.where})"
        )
    report = progress or _silent
    with open_store(from_url, read_only=True) as source:
        _require_empty(to_url, target_config)
        source_head = source.history.head()
        with open_store(to_url) as target:
            read = _Digest()
            count = target.import_events(
                _reported(read.through(source.export_events()), source_head, report),
                progress=partial(_imported, report),
            )
            written = _Digest()
            for done, _ in enumerate(written.through(target.export_events()), 1):
                if done % _EVERY == 0 or done == count:
                    report("compare", done, count)
            differences = target.projections.verify(
                progress=lambda done, total: report("verify", done, total)
            )
            return CopyResult(
                source=source_config.where,
                target=target_config.where,
                events=count,
                source_head=read.last_position,
                target_head=target.history.head(),
                same_log=read.matches(written),
                differences=differences,
            )


def _config(url: str) -> StoreConfig:
    if not isinstance(url, str):
        raise InvalidInput(f"a store URL must be a string, got {url!r}")
    return parse_url(resolve_url(url))


def _same_database(a: StoreConfig, b: StoreConfig) -> bool:
    if a.backend != b.backend:
        return False
    if a.backend == "sqlite":
        if a.sqlite_path == b.sqlite_path:
            return True
        try:
            return os.path.samefile(a.sqlite_path, b.sqlite_path)
        except OSError:  # one of them does not exist yet
            return False
    url_a, url_b = a.postgres_url(), b.postgres_url()
    return (url_a.host or "localhost", url_a.port or 5432, url_a.database) == (
        url_b.host or "localhost",
        url_b.port or 5432,
        url_b.database,
    )


def _require_empty(url: str, config: StoreConfig) -> None:
    """Look at the target without writing to it: none, or one without events."""
    try:
        with open_store(url, read_only=True) as existing:
            head = existing.history.head()
    except StoreNotFound:
        return
    if head:
        raise InvalidInput(
            f"the target {config.where} already has events (head {head}):"
            " copy needs an empty target"
        )


def _reported(
    records: Iterator[dict[str, Any]], head: int, report: CopyProgress
) -> Iterator[dict[str, Any]]:
    position = 0
    for done, record in enumerate(records, 1):
        position = record["position"]
        if done % _EVERY == 0:
            report("read", position, max(head, position))
        yield record
    report("read", position, max(head, position))


def _imported(report: CopyProgress, phase: str, done: int, total: int | None) -> None:
    if phase != "check":  # reported as "read", with the source's positions
        report(phase, done, done if total is None else total)


def _silent(phase: str, done: int, total: int) -> None:
    pass


class _Digest:
    """A running hash of records as they pass, without their positions (the
    target numbers its own), and the last position seen."""

    def __init__(self) -> None:
        self._hash = hashlib.sha256()
        self.count = 0
        self.last_position = 0

    def through(self, records: Iterator[dict[str, Any]]) -> Iterator[dict[str, Any]]:
        for record in records:
            verbatim = {k: v for k, v in record.items() if k != "position"}
            self._hash.update(json.dumps(verbatim, sort_keys=True).encode() + b"\n")
            self.count += 1
            self.last_position = record["position"]
            yield record

    def matches(self, other: _Digest) -> bool:
        return (self.count, self._hash.digest()) == (other.count, other._hash.digest())


__all__ = ["PHASES", "CopyProgress", "CopyResult", "copy_store"]
