"""Hypothesis strategies for the store's inputs: valid ones, including the
hard cases, and invalid ones, each paired with the typed error it must raise.

>>> from hypothesis import given
>>> from boternity_store.testing import strategies as bst
>>> @given(bst.bot_ids(), bst.json_values())
... def test_a_value_comes_back(bot_id, value): ...
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from hypothesis import strategies as st

from boternity_store.domain.errors import (
    BotNotFound,
    InvalidInput,
    InvalidTransition,
    StoreError,
)
from boternity_store.domain.files.rules import MAX_SIZE_BYTES
from boternity_store.domain.validation import (
    DEFAULT_MAX_VALUE_BYTES,
    MAX_ID_LENGTH,
    MAX_JSON_DEPTH,
)

# Printable characters without lone surrogates: what ids, keys and actors
# may hold (1 to 255 of them).
_ID_CHARACTERS = st.characters(categories=["L", "N", "P", "S", "Zs"])
_NAME_EDGES = ["a", "Z", "0", "-", "_", "bot.1", "é", "😀", "日本", "a b", "x" * 255]


def identifiers(max_size: int = 40) -> st.SearchStrategy[str]:
    """Valid identifiers (bot ids, keys, actors, memory ids, provider names):
    1 to ``max_size`` (at most 255) printable characters, edge cases included."""
    size = min(max_size, MAX_ID_LENGTH)
    drawn = st.text(_ID_CHARACTERS, min_size=1, max_size=size).filter(
        lambda s: s.isprintable()
    )
    return st.one_of(st.sampled_from([e for e in _NAME_EDGES if len(e) <= size]), drawn)


def bot_ids() -> st.SearchStrategy[str]:
    """Valid bot ids."""
    return identifiers()


def keys() -> st.SearchStrategy[str]:
    """Valid KV keys."""
    return identifiers()


def actors() -> st.SearchStrategy[str]:
    """Valid actors (who did it)."""
    return st.one_of(
        st.sampled_from(["system", "alice", "ops@example.com"]), identifiers()
    )


_STRING_EDGES = [
    "", " ", "\x00", "\u200d", "\u202e", "e\u0301", "😀", "\U0010ffff", "\ufeff",
    "line\nbreak", "tab\t", '"quoted"', "\\", "</script>", "日本語",
]  # fmt: skip
_FLOAT_EDGES = [-0.0, 0.0, 5e-324, 1e308, -1e308, 0.1, 2.0**53]
_INT_EDGES = [0, -1, 2**31, 2**53 + 1, 2**63, -(2**63) - 1, 10**100]

json_strings = st.one_of(
    st.sampled_from(_STRING_EDGES),
    st.text(st.characters(exclude_categories=["Cs"]), max_size=20),
)
json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.sampled_from(_INT_EDGES),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from(_FLOAT_EDGES),
    json_strings,
)


def nested(depth: int, leaf: Any = 0) -> Any:
    """A value nested ``depth`` levels deep (lists and objects in turn)."""
    value = leaf
    for level in range(depth):
        value = [value] if level % 2 else {"n": value}
    return value


def json_values(max_leaves: int = 20) -> st.SearchStrategy[Any]:
    """Any JSON value the store accepts with its default limits: scalars with
    their edge cases (big ints, ``-0.0``, odd unicode, NUL inside strings),
    empty and nested containers, and values at the nesting limit."""
    tree = st.recursive(
        json_scalars,
        lambda inner: st.one_of(
            st.lists(inner, max_size=4),
            st.dictionaries(json_strings, inner, max_size=4),
        ),
        max_leaves=max_leaves,
    )
    edges = st.sampled_from([[], {}, [[]], {"": {}}, nested(MAX_JSON_DEPTH)])
    return st.one_of(tree, edges)


def values_near_limit(
    max_value_bytes: int = DEFAULT_MAX_VALUE_BYTES,
) -> st.SearchStrategy[str]:
    """Strings whose JSON text is at or just under ``max_value_bytes`` (the
    quotes count; ``é`` is two bytes)."""
    return st.sampled_from(
        ["x" * (max_value_bytes - 2), "x" * (max_value_bytes - 3),
         "é" * ((max_value_bytes - 2) // 2)]
    )  # fmt: skip


def json_values_over_limit(
    max_value_bytes: int = DEFAULT_MAX_VALUE_BYTES,
) -> st.SearchStrategy[str]:
    """Strings one byte or more over ``max_value_bytes`` (refused)."""
    return st.sampled_from(["x" * (max_value_bytes - 1), "é" * (max_value_bytes // 2)])


# Memory actions --------------------------------------------------------------


@dataclass(frozen=True)
class MemoryAction:
    """One memory command: ``action`` is add, delete, share, revoke or merge;
    ``other`` is the bot shared with or revoked from; ``sources`` are merged in."""

    action: str
    bot_id: str
    memory_id: str
    actor: str
    other: str | None = None
    sources: tuple[str, ...] = ()

    def apply(self, store: Any) -> Any:
        """Perform it on a store (or a ModelStore)."""
        memories = store.memories
        if self.action == "add":
            return memories.add(self.bot_id, self.memory_id, actor=self.actor)
        if self.action == "delete":
            return memories.delete(self.bot_id, self.memory_id, actor=self.actor)
        if self.action == "share":
            return memories.share(
                self.bot_id, self.memory_id, with_bot_id=self.other, actor=self.actor
            )
        if self.action == "revoke":
            return memories.revoke(
                self.bot_id, self.memory_id, from_bot_id=self.other, actor=self.actor
            )
        return memories.merge(
            self.bot_id, self.memory_id, source_ids=list(self.sources), actor=self.actor
        )


@st.composite
def memory_action_sequences(
    draw: st.DrawFn,
    bot_ids: tuple[str, ...] = ("bot-1", "bot-2"),
    max_size: int = 12,
) -> list[MemoryAction]:
    """Sequences of memory actions that are all valid when applied in order to
    a store where ``bot_ids`` are registered: memories are added before they
    are shared, revoked, merged or deleted."""
    active: dict[str, str] = {}  # memory id -> owner
    shares: set[tuple[str, str]] = set()
    actions: list[MemoryAction] = []
    for n in range(draw(st.integers(1, max_size))):
        actor = draw(st.sampled_from(["alice", "bob"]))
        choices = ["add"] + (["delete", "share", "merge"] if active else [])
        choices += ["revoke"] if shares else []
        kind = draw(st.sampled_from(choices))
        if kind == "add":
            owner = draw(st.sampled_from(bot_ids))
            memory = f"m{n}"
            active[memory] = owner
            actions.append(MemoryAction("add", owner, memory, actor))
            continue
        if kind == "revoke":
            memory, other = draw(st.sampled_from(sorted(shares)))
            shares.discard((memory, other))
            actions.append(MemoryAction("revoke", active[memory], memory, actor, other))
            continue
        memory = draw(st.sampled_from(sorted(active)))
        owner = active[memory]
        if kind == "delete":
            del active[memory]
            shares -= {s for s in shares if s[0] == memory}
            actions.append(MemoryAction("delete", owner, memory, actor))
        elif kind == "share":
            others = [b for b in bot_ids if b != owner and (memory, b) not in shares]
            if not others:
                continue
            other = draw(st.sampled_from(others))
            shares.add((memory, other))
            actions.append(MemoryAction("share", owner, memory, actor, other))
        else:
            pool = sorted(m for m, o in active.items() if o == owner and m != memory)
            if not pool:
                continue
            sources = tuple(
                draw(st.lists(st.sampled_from(pool), min_size=1, unique=True))
            )
            for source in sources:
                del active[source]
            shares -= {s for s in shares if s[0] in sources}
            actions.append(MemoryAction("merge", owner, memory, actor, sources=sources))
    return actions


# Providers -------------------------------------------------------------------


@dataclass(frozen=True)
class ProviderCall:
    """One guarded call to a provider, ``wait_s`` seconds after the previous
    one: ask ``allow_request``; if allowed, record ``ok`` (a success) or a
    failure."""

    name: str
    wait_s: float
    ok: bool

    def apply(self, store: Any, clock: Any) -> bool:
        """Advance ``clock`` (a FakeClock), then make the call; True if it went out."""
        clock.advance(self.wait_s)
        if not store.providers.allow_request(self.name):
            return False
        if self.ok:
            store.providers.record_success(self.name, latency_ms=12.5)
        else:
            store.providers.record_failure(
                self.name, error="HTTP 503", error_kind="http"
            )
        return True


def provider_calls(
    names: tuple[str, ...] = ("openai", "anthropic"),
) -> st.SearchStrategy[ProviderCall]:
    """Provider call outcomes for an injected clock: mostly no wait, sometimes
    past a default cooldown (30 s)."""
    return st.builds(
        ProviderCall,
        name=st.sampled_from(names),
        wait_s=st.sampled_from([0, 0, 1, 5, 31, 120]),
        ok=st.booleans(),
    )


# Files -----------------------------------------------------------------------

sha256s = st.one_of(st.none(), st.text("0123456789abcdef", min_size=64, max_size=64))
filenames = identifiers(60).filter(
    lambda n: n not in (".", "..") and "/" not in n and "\\" not in n
)


@dataclass(frozen=True)
class FilePut:
    """``files.put`` arguments."""

    filename: str
    size_bytes: int
    sha256: str | None
    mime_type: str = "text/plain"

    def apply(self, store: Any, bot_id: str, actor: str = "uploader") -> Any:
        return store.files.put(
            bot_id,
            self.filename,
            size_bytes=self.size_bytes,
            mime_type=self.mime_type,
            sha256=self.sha256,
            actor=actor,
        )


def file_puts(names: st.SearchStrategy[str] = filenames) -> st.SearchStrategy[FilePut]:
    """Valid ``files.put`` calls: sizes from 0 to the 64-bit limit."""
    return st.builds(
        FilePut,
        filename=names,
        size_bytes=st.one_of(st.integers(0, 10**9), st.just(MAX_SIZE_BYTES)),
        sha256=sha256s,
        mime_type=st.sampled_from(["text/plain", "application/pdf", "image/png"]),
    )


INDEXING_STEPS = ("mark_indexing", "mark_indexed", "mark_index_failed")


def indexing_steps() -> st.SearchStrategy[list[str]]:
    """Sequences of indexing steps (some not allowed from the status reached:
    those raise InvalidTransition)."""
    return st.lists(st.sampled_from(INDEXING_STEPS), max_size=6)


def apply_indexing_step(store: Any, file_id: str, step: str) -> Any:
    """Apply one of :data:`INDEXING_STEPS` to the file's current version."""
    files = store.files
    if step == "mark_indexing":
        return files.mark_indexing(file_id)
    if step == "mark_indexed":
        file = files.get_file_by_id(file_id)
        return files.mark_indexed(file_id, version=file.version if file else 1)
    return files.mark_index_failed(file_id, error="parser crashed")


# Invalid input ---------------------------------------------------------------


@dataclass(frozen=True)
class InvalidCall:
    """A call that must fail with ``error`` and write nothing. ``call`` takes a
    store (or a ModelStore) on which the bot ``bot_id`` is registered."""

    description: str
    call: Callable[[Any], Any]
    error: type[StoreError]

    def __repr__(self) -> str:
        return f"InvalidCall({self.description!r} -> {self.error.__name__})"


BOT = "bot-1"  # the bot an InvalidCall may assume is registered

_bad_ids = st.one_of(
    st.sampled_from(["", "x" * 256, "a\x00b", "a\nb", "\x1b[31m", "\ud800"]),
    st.integers(),
    st.none(),
)
_bad_values = st.one_of(
    st.sampled_from(
        [math.nan, math.inf, -math.inf, b"bytes", (1, 2), {1, 2}, object()]
    ),
    st.just(nested(MAX_JSON_DEPTH + 1)),
    st.just("\udc00"),
    st.just({1: "non-string key"}),
    st.just(10**5000),
)
_bad_moments = st.sampled_from(
    [datetime(2026, 1, 1), datetime.min.replace(tzinfo=UTC), "2026-01-01", 0]
)


def _each(
    args: st.SearchStrategy[Any],
    describe: str,
    call: Callable[[Any, Any], Any],
    error: type[StoreError],
) -> st.SearchStrategy[InvalidCall]:
    """InvalidCalls of ``call(store, arg)`` for each drawn ``arg``."""

    def make(arg: Any) -> InvalidCall:
        try:
            description = describe.format(a=arg)
        except ValueError:  # an int too long to print
            description = describe.replace("{a!r:.40}", "<huge int>")
        return InvalidCall(description, lambda s: call(s, arg), error)

    return args.map(make)


def _one(
    describe: str, call: Callable[[Any], Any], error: type[StoreError]
) -> st.SearchStrategy[InvalidCall]:
    return st.just(InvalidCall(describe, call, error))


_unknown_bots = bot_ids().filter(lambda b: b != BOT)


def invalid_calls() -> st.SearchStrategy[InvalidCall]:
    """Calls with bad input across the whole API, each with its typed error
    (the store must raise exactly it, and append nothing)."""
    kv, bad, err = "k", InvalidInput, InvalidInput
    return st.one_of(
        # Names and values.
        _each(_bad_ids, "bot id {a!r}", lambda s, a: s.kv.set(a, kv, 1), bad),
        _each(_bad_ids, "key {a!r}", lambda s, a: s.kv.set(BOT, a, 1), bad),
        _each(_bad_ids, "actor {a!r}", lambda s, a: s.kv.set(BOT, kv, 1, actor=a), bad),
        _each(_bad_values, "value {a!r:.40}", lambda s, a: s.kv.set(BOT, kv, a), bad),
        _each(
            json_values_over_limit(),
            "value of {a:.10}... over the limit",
            lambda s, a: s.kv.set(BOT, kv, a),
            bad,
        ),
        _each(
            st.sampled_from([-1, 1.5, "1", True]),
            "expected_version {a!r}",
            lambda s, a: s.kv.set(BOT, kv, 1, expected_version=a),
            bad,
        ),
        _each(
            st.sampled_from(["\x00", "a\nb", "x" * 256]),
            "bot name {a!r}",
            lambda s, a: s.bots.register("new-bot", name=a),
            bad,
        ),
        _each(
            _unknown_bots,
            "unknown bot {a!r}",
            lambda s, a: s.kv.set(a, kv, 1),
            BotNotFound,
        ),
        # Memories.
        _one(
            "merge without sources",
            lambda s: s.memories.merge(BOT, "m", source_ids=[], actor="a"),
            err,
        ),
        _one(
            "merge into itself",
            lambda s: s.memories.merge(BOT, "m", source_ids=["m"], actor="a"),
            InvalidTransition,
        ),
        _one(
            "duplicate merge sources",
            lambda s: s.memories.merge(BOT, "m", source_ids=["x", "x"], actor="a"),
            err,
        ),
        _each(
            _bad_values,
            "memory details {a!r:.40}",
            lambda s, a: s.memories.add(BOT, "m2", actor="a", details=a),
            err,
        ),
        # Providers.
        _each(
            st.sampled_from([0, -1, 2**53, 1.5, "3"]),
            "failure_threshold {a!r}",
            lambda s, a: s.providers.configure("p", failure_threshold=a),
            err,
        ),
        _each(
            st.sampled_from([0, -1.0, math.nan, math.inf, 10**9]),
            "cooldown_seconds {a!r}",
            lambda s, a: s.providers.configure("p", cooldown_seconds=a),
            err,
        ),
        _each(
            st.sampled_from([-1.0, math.nan, math.inf, "5"]),
            "latency_ms {a!r}",
            lambda s, a: s.providers.record_success("p", latency_ms=a),
            err,
        ),
        _each(
            _bad_moments,
            "open_until {a!r}",
            lambda s, a: s.providers.record_failure("p", error="x", open_until=a),
            err,
        ),
        # Files.
        _each(
            st.sampled_from(["", ".", "..", "a/b", "a\\b", "\x00"]),
            "filename {a!r}",
            lambda s, a: s.files.put(BOT, a, size_bytes=1, actor="a"),
            err,
        ),
        _each(
            st.sampled_from([-1, 2**63, 1.0, "1"]),
            "size_bytes {a!r}",
            lambda s, a: s.files.put(BOT, "f", size_bytes=a, actor="a"),
            err,
        ),
        _each(
            st.sampled_from(["abc", "g" * 64, "a" * 63]),
            "sha256 {a!r}",
            lambda s, a: s.files.put(BOT, "f", size_bytes=1, sha256=a, actor="a"),
            err,
        ),
        _each(
            st.sampled_from(["text", "/plain", "a b/c", ""]),
            "mime_type {a!r}",
            lambda s, a: s.files.put(BOT, "f", size_bytes=1, mime_type=a, actor="a"),
            err,
        ),
        _each(
            st.sampled_from([0, -1, 1.5]),
            "mark_indexed version {a!r}",
            lambda s, a: s.files.mark_indexed("any-id", version=a),
            err,
        ),
        # Reads refuse bad arguments too.
        _each(
            st.sampled_from([-1, 1.5, "10"]),
            "audit limit {a!r}",
            lambda s, a: s.audit.get_for_bot(BOT, limit=a),
            err,
        ),
    )


__all__ = [
    "BOT",
    "INDEXING_STEPS",
    "FilePut",
    "InvalidCall",
    "MemoryAction",
    "ProviderCall",
    "actors",
    "apply_indexing_step",
    "bot_ids",
    "file_puts",
    "filenames",
    "identifiers",
    "indexing_steps",
    "invalid_calls",
    "json_scalars",
    "json_strings",
    "json_values",
    "json_values_over_limit",
    "keys",
    "memory_action_sequences",
    "nested",
    "provider_calls",
    "sha256s",
    "values_near_limit",
]
