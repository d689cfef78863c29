"""What the log accepts, every projection on every backend applies.

Random and edge-case arguments (lone surrogates, NUL, control characters,
integers at and past the 32- and 64-bit limits, huge and non-finite numbers,
datetimes at the ends of their range, deep and odd JSON) are thrown at every
write command of the public API, on SQLite and on PostgreSQL. Each call either
succeeds or raises a StoreError subclass, and a refused call appends nothing;
afterwards every projection is still live and equals a fresh rebuild.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from boternity_store.infrastructure import InvalidInput, Store, StoreError, open_store

EDGE_INTS = [
    -(2**63) - 1, -1, 0, 1, 2**31 - 1, 2**31, 2**53 - 1, 2**53, 2**63 - 1, 2**63,
    2**64, 2**70, 10**400,
]  # fmt: skip
EDGE_TEXT = [
    "", " ", "\x00", "a\x00b", "\ud800", "x\udfffy", "\x07", "tab\there", "line\n",
    "\u200d", "é", "😀", "x" * 256, "x" * 10_001,
]  # fmt: skip
ZONES = [timezone(timedelta(hours=h)) for h in (-12, -5, 0, 5, 14)]

texts = st.one_of(
    st.sampled_from(EDGE_TEXT),
    st.text(st.characters(codec=None, categories=None), max_size=12),
)
ints = st.one_of(st.sampled_from(EDGE_INTS), st.integers(-10, 10**6))
numbers = st.one_of(
    ints,
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([1e308, 5e-324, 31_622_400.0, 31_622_400_000.0]),
)
moments = st.one_of(
    st.sampled_from(
        [
            datetime.min.replace(tzinfo=UTC),
            datetime.max.replace(tzinfo=UTC),
            datetime(9999, 12, 31, 23, tzinfo=timezone(timedelta(hours=-5))),
            datetime(1, 1, 1, 1, tzinfo=timezone(timedelta(hours=5))),
            datetime(2026, 1, 1, tzinfo=UTC),
        ]
    ),
    st.datetimes(timezones=st.sampled_from(ZONES)),
)
json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), ints, numbers, texts),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(texts, inner, max_size=3)
    ),
    max_leaves=6,
)
names = st.one_of(st.sampled_from(["bot-1", "p-1", "f.txt"]), texts)
maybe = st.none

Call = Callable[[Store], Any]


def calls() -> st.SearchStrategy[Call]:
    """One public write (or paged read) with drawn arguments."""
    return st.one_of(
        st.builds(
            lambda b, n: lambda s: s.bots.register(b, name=n, actor="t"),
            names, st.one_of(maybe(), texts),
        ),
        st.builds(
            lambda k, v: lambda s: s.kv.set("bot-1", k, v, actor="t"),
            names, json_values,
        ),
        st.builds(lambda p: lambda s: s.kv.list_keys("bot-1", p), texts),
        st.builds(
            lambda t, c, h: lambda s: s.providers.configure(
                "p-1", failure_threshold=t, cooldown_seconds=c, half_open_successes=h
            ),
            st.one_of(maybe(), ints), st.one_of(maybe(), numbers),
            st.one_of(maybe(), ints),
        ),
        st.builds(
            lambda n, lat: lambda s: s.providers.record_success(n, latency_ms=lat),
            names, st.one_of(maybe(), numbers),
        ),
        st.builds(
            lambda n, e, k, u: lambda s: s.providers.record_failure(
                n, error=e, error_kind=k, open_until=u
            ),
            names, texts, st.one_of(maybe(), texts), st.one_of(maybe(), moments),
        ),
        st.builds(
            lambda n, r: lambda s: s.providers.force_open(n, actor="t", reason=r),
            names, texts,
        ),
        st.builds(
            lambda n, r: lambda s: s.providers.reset(n, actor="t", reason=r),
            names, texts,
        ),
        st.builds(
            lambda st_, e, ls, tc, tf, up: lambda s: s.provider_health.save(
                "p-1", st_, e, ls, tc, tf, up
            ),
            st.sampled_from(["closed", "open", "half_open"]),
            st.one_of(maybe(), texts), st.one_of(maybe(), moments), ints, ints,
            st.one_of(maybe(), moments),
        ),
        st.builds(
            lambda f, size, m: lambda s: s.files.put(
                "bot-1", f, size_bytes=size, mime_type=m, actor="t"
            ),
            names, ints, st.one_of(st.just("text/plain"), texts),
        ),
        st.builds(lambda e: lambda s: _fail_indexing(s, e), texts),
        st.builds(
            lambda r: lambda s: s.memories.delete("bot-1", "m-1", actor="t", reason=r),
            st.one_of(maybe(), texts),
        ),
        st.builds(
            lambda m, d: lambda s: s.memories.add("bot-1", m, actor="t", details=d),
            names, json_values,
        ),
        st.builds(lambda n: lambda s: s.audit.get_for_bot("bot-1", limit=n), ints),
        st.builds(
            lambda a, n: lambda s: s.history.events(after=a, limit=n),
            st.one_of(ints, st.none(), st.just("x")),
            st.one_of(ints, st.just(1.5)),
        ),
    )  # fmt: skip


def _fail_indexing(store: Store, error: str) -> Any:
    file = store.files.get_file("bot-1", "f.txt")
    assert file is not None  # the fixture puts it
    return store.files.mark_index_failed(file.id, error=error)


@pytest.fixture
def any_store(any_url: str) -> Iterator[Store]:
    with open_store(any_url) as store:
        store.bots.register("bot-1", actor="t")
        store.files.put("bot-1", "f.txt", size_bytes=1, actor="t")
        yield store
        # After every example: what was projected equals a rebuild of the log.
        assert store.projections.verify() == []


# One store for all examples of a test (the invariants hold whatever came before).
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(batch=st.lists(calls(), min_size=1, max_size=8))
def test_accepted_calls_project_cleanly_and_refused_ones_write_nothing(
    any_store: Store, batch: list[Call]
) -> None:
    store = any_store
    with contextlib.suppress(StoreError):  # a live memory for delete to act on
        store.memories.add("bot-1", "m-1", actor="t")
    for call in batch:
        head = store.history.head()
        try:
            call(store)
        except InvalidInput:
            assert store.history.head() == head, "a refused call appended events"
        except StoreError:
            pass  # a rule said no (not found, a transition, a conflict)
    failed = [s for s in store.projections.status() if s.state != "live"]
    assert not failed, failed


def test_the_edge_values_project_on_every_backend(any_store: Store) -> None:
    """The edges that once broke a projection for good are refused or applied,
    and the store still equals a fresh rebuild of its log."""
    store = any_store
    for value in (2**31, 2**53 - 1):
        store.providers.configure("p-1", failure_threshold=value)
        store.providers.configure("p-1", half_open_successes=value)
        store.provider_health.save("p-1", "closed", None, None, value, 0, None)
    for bad in (2**53, 2**63, 2**70):
        with pytest.raises(InvalidInput):
            store.providers.configure("p-1", failure_threshold=bad)
    for text in ("a\x00b", "\ud800"):
        with pytest.raises(InvalidInput):
            store.bots.register("bot-2", name=text)
        with pytest.raises(InvalidInput):
            store.providers.force_open("p-1", actor="t", reason=text)
    store.providers.record_failure("p-1", error="long " * 5_000)
    cut = store.providers.status("p-1")
    assert cut is not None and cut.last_error == ("long " * 5_000)[:10_000]
    store.providers.record_failure("p-1", error="bad\x00byte\ud800")
    status = store.providers.status("p-1")
    assert status is not None and status.last_error == "bad\ufffdbyte\ufffd"
    assert all(s.state == "live" for s in store.projections.status())
    assert store.projections.verify() == []
    assert math.isfinite(store.history.head())
