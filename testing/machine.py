"""``StoreMachine``: a hypothesis state machine that drives a real store and
the :class:`ModelStore` side by side and compares every answer."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from datetime import timedelta
from typing import Any, ClassVar, TypeVar

from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from boternity_store.domain.errors import StoreError
from boternity_store.domain.memories.models import MemoryAuditEntry
from boternity_store.testing.answers import Universe, plain, read_answers
from boternity_store.testing.clock import FakeClock
from boternity_store.testing.model import ModelStore
from boternity_store.testing.strategies import json_scalars, json_strings

T = TypeVar("T")

UNIVERSE = Universe()
BOTS = st.sampled_from(UNIVERSE.bot_ids)
KEYS = st.sampled_from(UNIVERSE.keys)
MEMORIES = st.sampled_from(UNIVERSE.memory_ids)
PROVIDERS = st.sampled_from(UNIVERSE.provider_names)
FILENAMES = st.sampled_from(UNIVERSE.filenames)
ACTORS = st.sampled_from(["alice", "bob"])
VALUES = st.recursive(
    json_scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(json_strings, inner, max_size=3)
    ),
    max_leaves=6,
)
SHAS = st.sampled_from([None, "a" * 64, "b" * 64])
# Deletions, restarts, rebuilds and views run in a quarter of the steps that
# pick them, so that state has time to build up between them.
RARELY = st.integers(0, 3).map(lambda n: n == 0)
MOSTLY = st.integers(0, 3).map(lambda n: n > 0)


class Mismatch(AssertionError):
    """The store and the model answered differently."""


class StoreMachine(RuleBasedStateMachine):
    """Random commands across several bots (KV with compare-and-set, memories,
    providers with an injected clock, files, bot deletion and re-registration,
    batches), interleaved with close/reopen, projection rebuilds and
    ``store.at(position)`` checks. After every step, every answer of the store
    equals the model's (:func:`~boternity_store.testing.answers.read_answers`).

    Run it under pytest with ``TestStore = StoreMachine.TestCase``. To test your
    own code against the store, subclass it and add rules that call
    :meth:`both` with a function of the API::

        class MyBotMachine(StoreMachine):
            @rule(bot=BOTS)
            def greet(self, bot):
                self.both(lambda api: my_bot.greet(api, bot))

    ``make_url`` picks the database (a fresh SQLite file by default; override
    it, and ``drop_database``, for PostgreSQL); ``open_store`` opens it.
    """

    universe: ClassVar[Universe] = UNIVERSE
    compare_every_step: ClassVar[bool] = True

    def __init__(self) -> None:
        super().__init__()
        self.clock = FakeClock()
        self.folder = tempfile.mkdtemp(prefix="boternity-machine-")
        self.url = self.make_url()
        self.store: Any = self.open_store()
        self.model = ModelStore(clock=self.clock)
        self.points: dict[int, ModelStore] = {0: self.model.snapshot()}

    # Hooks --------------------------------------------------------------------

    def make_url(self) -> str:
        """The database for this run (called once per run)."""
        return f"sqlite:///{self.folder}/store.db"

    def open_store(self) -> Any:
        from boternity_store.infrastructure import open_store

        return open_store(self.url, clock=self.clock)

    def drop_database(self) -> None:
        """Remove the run's database (the temporary folder goes anyway)."""

    # The one primitive ---------------------------------------------------------

    def both(self, call: Callable[[Any], T]) -> T | None:
        """Run ``call`` on the model and on the store: both raise the same
        StoreError type (and the store's log is unchanged), or both return
        equal answers. Returns the store's answer (None after an error, which
        ``self.last_error`` then holds)."""
        head = self.store.history.head()
        expected: Any = None
        model_error: StoreError | None = None
        actual: Any = None
        store_error: StoreError | None = None
        try:
            expected = call(self.model)
        except StoreError as error:
            model_error = error
        try:
            actual = call(self.store)
        except StoreError as error:
            store_error = error
        self.last_error = store_error
        if type(model_error) is not type(store_error):
            raise Mismatch(
                f"model raised {model_error!r}, store raised {store_error!r}"
            )
        if store_error is not None:
            if self.store.history.head() != head:
                raise Mismatch(f"{store_error!r} was raised but events were written")
            return None
        if plain(actual) != plain(expected):
            raise Mismatch(f"store answered {actual!r}, model answered {expected!r}")
        after = self.store.history.head()
        if after != head:
            self.points[after] = self.model.snapshot()
        return actual  # type: ignore[no-any-return]

    @initialize()
    def bots_with_memories(self) -> None:
        """A start that does not wait for the register rule: every bot is
        registered, and b1 and b2 hold memories (so shares and merges can
        succeed)."""
        for bot in self.universe.bot_ids:
            self.both(_register(bot))
        first, second = self.universe.bot_ids[:2]
        for n, memory in enumerate(self.universe.memory_ids[:3]):
            self.both(_add_memory(first if n < 2 else second, memory))

    # Bots ------------------------------------------------------------------------

    @rule(bot=BOTS, name=st.none() | st.just("Helper"))
    def register_bot(self, bot: str, name: str | None) -> None:
        self.both(lambda api: api.bots.register(bot, name=name, actor="admin"))

    @rule(bot=BOTS, now=RARELY)
    def delete_bot(self, bot: str, now: bool) -> None:
        if now:
            self.both(lambda api: api.bots.delete(bot, actor="admin"))

    # Key-value -------------------------------------------------------------------

    @rule(bot=BOTS, key=KEYS, value=VALUES, actor=ACTORS)
    def kv_set(self, bot: str, key: str, value: Any, actor: str) -> None:
        self.both(lambda api: api.kv.set(bot, key, value, actor=actor))

    @rule(bot=BOTS, key=KEYS, value=VALUES, expected=st.integers(0, 3))
    def kv_compare_and_set(self, bot: str, key: str, value: Any, expected: int) -> None:
        self.both(lambda api: api.kv.set(bot, key, value, expected_version=expected))

    @rule(bot=BOTS, key=KEYS)
    def kv_delete(self, bot: str, key: str) -> None:
        self.both(lambda api: api.kv.delete(bot, key))

    @rule(
        writes=st.lists(
            st.tuples(BOTS, KEYS, st.none() | st.integers(0, 9)), min_size=1, max_size=3
        )
    )
    def kv_batch(self, writes: list[tuple[str, str, int | None]]) -> None:
        """A batch of sets (value) and deletes (None): all count, or none."""

        def run(api: Any) -> list[Any]:
            with api.batch():
                return [
                    api.kv.delete(b, k) if v is None else api.kv.set(b, k, v)
                    for b, k, v in writes
                ]

        self.both(run)

    # Memories --------------------------------------------------------------------

    def _acting_bot(self, data: st.DataObject, memory: str) -> str:
        """Mostly the memory's owner (so the command may succeed), else any bot."""
        life = self.model.state.memories.memories.get(memory)
        if life is not None and data.draw(MOSTLY, label="as owner"):
            return life.owner
        return data.draw(BOTS, label="bot")

    @rule(bot=BOTS, memory=MEMORIES, actor=ACTORS, details=st.none() | VALUES)
    def memory_add(self, bot: str, memory: str, actor: str, details: Any) -> None:
        self.both(
            lambda api: api.memories.add(bot, memory, actor=actor, details=details)
        )

    @rule(data=st.data(), memory=MEMORIES, actor=ACTORS)
    def memory_delete(self, data: st.DataObject, memory: str, actor: str) -> None:
        bot = self._acting_bot(data, memory)
        self.both(lambda api: api.memories.delete(bot, memory, actor=actor))

    @rule(data=st.data(), memory=MEMORIES, other=BOTS, actor=ACTORS)
    def memory_share(
        self, data: st.DataObject, memory: str, other: str, actor: str
    ) -> None:
        bot = self._acting_bot(data, memory)
        self.both(
            lambda api: api.memories.share(bot, memory, with_bot_id=other, actor=actor)
        )

    @rule(data=st.data(), memory=MEMORIES, other=BOTS, actor=ACTORS)
    def memory_revoke(
        self, data: st.DataObject, memory: str, other: str, actor: str
    ) -> None:
        bot = self._acting_bot(data, memory)
        self.both(
            lambda api: api.memories.revoke(bot, memory, from_bot_id=other, actor=actor)
        )

    @rule(data=st.data(), memory=MEMORIES, actor=ACTORS)
    def memory_merge(self, data: st.DataObject, memory: str, actor: str) -> None:
        bot = self._acting_bot(data, memory)
        mergeable = [m for m in self._active_memories(bot) if m != memory]
        well_formed: bool = data.draw(MOSTLY, label="well-formed sources")
        sources: list[str]
        if mergeable and well_formed:
            pool = st.sampled_from(mergeable)
            sources = data.draw(st.lists(pool, min_size=1, max_size=2, unique=True))
        else:  # maybe empty, repeated, the memory itself, or not found
            sources = data.draw(st.lists(MEMORIES, max_size=2), label="sources")
        self.both(
            lambda api: api.memories.merge(bot, memory, source_ids=sources, actor=actor)
        )

    def _active_memories(self, bot: str) -> list[str]:
        """The model's active memories of the live ``bot``."""
        info = [self.model.memories.get(m) for m in self.universe.memory_ids]
        return [
            i.memory_id for i in info if i and i.bot_id == bot and i.status == "active"
        ]

    @rule(
        entry_id=st.sampled_from(["e1", "e2", "e3"]),
        bot=BOTS,
        memory=MEMORIES,
        actor=ACTORS,
    )
    def audit_log_add(self, entry_id: str, bot: str, memory: str, actor: str) -> None:
        """``audit.log`` is idempotent by entry id."""
        entry = MemoryAuditEntry(
            id=entry_id, bot_id=bot, memory_id=memory, action="add", actor=actor
        )
        self.both(lambda api: api.audit.log(entry))

    # Providers -------------------------------------------------------------------

    @rule(name=PROVIDERS, ok=st.booleans())
    def provider_call(self, name: str, ok: bool) -> None:
        """A guarded call: ask, and if allowed, record its outcome."""
        if not self.both(lambda api: api.providers.allow_request(name)):
            return
        if ok:
            self.both(lambda api: api.providers.record_success(name, latency_ms=8.0))
        else:
            self.both(
                lambda api: api.providers.record_failure(
                    name, error="HTTP 503", error_kind="http"
                )
            )

    @rule(name=PROVIDERS, retry_after=st.none() | st.integers(0, 60))
    def provider_failure(self, name: str, retry_after: int | None) -> None:
        until = (
            None
            if retry_after is None
            else self.clock.now + timedelta(seconds=retry_after)
        )
        self.both(
            lambda api: api.providers.record_failure(
                name, error="429", open_until=until
            )
        )

    @rule(
        name=PROVIDERS, action=st.sampled_from(["force_open", "force_close", "reset"])
    )
    def provider_operator(self, name: str, action: str) -> None:
        self.both(
            lambda api: getattr(api.providers, action)(name, actor="ops", reason=action)
        )

    @rule(
        name=PROVIDERS,
        threshold=st.integers(1, 3),
        cooldown=st.sampled_from([1, 5, 30]),
        successes=st.integers(1, 2),
    )
    def provider_configure(
        self, name: str, threshold: int, cooldown: int, successes: int
    ) -> None:
        self.both(
            lambda api: api.providers.configure(
                name,
                failure_threshold=threshold,
                cooldown_seconds=cooldown,
                half_open_successes=successes,
            )
        )

    # Files ------------------------------------------------------------------------

    @rule(bot=BOTS, name=FILENAMES, size=st.integers(0, 10**12), sha=SHAS)
    def file_put(self, bot: str, name: str, size: int, sha: str | None) -> None:
        self.both(
            lambda api: api.files.put(bot, name, size_bytes=size, sha256=sha, actor="u")
        )

    @rule(bot=BOTS, name=FILENAMES)
    def file_delete(self, bot: str, name: str) -> None:
        self.both(lambda api: api.files.delete_file(bot, name))

    @rule(
        bot=BOTS,
        name=FILENAMES,
        step=st.sampled_from(["indexing", "indexed", "failed"]),
        offset=st.sampled_from([0, 0, 0, 1]),
    )
    def file_index_step(self, bot: str, name: str, step: str, offset: int) -> None:
        def run(api: Any) -> Any:
            file = api.files.get_file(bot, name)
            file_id = "no-such-file" if file is None else file.id
            if step == "indexing":
                return api.files.mark_indexing(file_id)
            if step == "failed":
                return api.files.mark_index_failed(file_id, error="parser crashed")
            version = (1 if file is None else file.version) + offset
            return api.files.mark_indexed(file_id, version=version)

        self.both(run)

    # Time, restarts, rebuilds and the past ---------------------------------------

    @rule(seconds=st.sampled_from([0, 1, 2, 31]))
    def tick(self, seconds: int) -> None:
        self.clock.advance(seconds)

    @rule(now=RARELY)
    def restart(self, now: bool) -> None:
        """Close the store and open it again, as a restarted process would."""
        if now:
            self.store.close()
            self.store = self.open_store()

    @rule(now=RARELY)
    def rebuild(self, now: bool) -> None:
        """Rebuild every projection from the log."""
        if now:
            self.store.projections.rebuild()

    @rule(data=st.data(), now=RARELY)
    def look_back(self, data: st.DataObject, now: bool) -> None:
        """``store.at(p)`` answers as the store did when its head was ``p``."""
        if not now:
            return
        position = data.draw(st.sampled_from(sorted(self.points)), label="position")
        with self.store.at(position) as view:
            then = read_answers(view, self.universe)
        expected = read_answers(self.points[position], self.universe)
        _assert_same(then, expected, f"at({position})")

    @invariant()
    def store_answers_as_the_model(self) -> None:
        if self.compare_every_step:
            self.compare()

    def compare(self) -> None:
        """Every answer of the store equals the model's (else Mismatch)."""
        actual = read_answers(self.store, self.universe)
        expected = read_answers(self.model, self.universe)
        _assert_same(actual, expected, "store")

    def teardown(self) -> None:
        try:
            differences = self.store.projections.verify()
            if differences:
                raise Mismatch(f"read tables differ from a rebuild: {differences}")
        finally:
            self.store.close()
            self.drop_database()
            shutil.rmtree(self.folder, ignore_errors=True)


def _register(bot: str) -> Callable[[Any], Any]:
    return lambda api: api.bots.register(bot, actor="admin")


def _add_memory(owner: str, memory: str) -> Callable[[Any], Any]:
    return lambda api: api.memories.add(owner, memory, actor="admin")


def _assert_same(actual: dict[str, Any], expected: dict[str, Any], what: str) -> None:
    if actual == expected:
        return
    names = sorted(set(actual) | set(expected))
    wrong = [n for n in names if actual.get(n) != expected.get(n)]
    detail = "\n".join(
        f"  {n}:\n    {what}: {actual.get(n)!r}\n    model: {expected.get(n)!r}"
        for n in wrong[:5]
    )
    raise Mismatch(f"{what} and model disagree on {len(wrong)} answer(s):\n{detail}")
