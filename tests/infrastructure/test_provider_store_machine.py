"""Random provider commands through the store: the read tables always equal the
aggregates' state, survive restarts, and equal a fresh rebuild from the log."""

from __future__ import annotations

import shutil
import tempfile
from datetime import timedelta

from eventsourcing.application import AggregateNotFoundError
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from boternity_store.domain.providers.models import provider_status
from boternity_store.domain.providers.provider import Provider
from boternity_store.infrastructure import (
    InvalidTransition,
    ProviderNotFound,
    ProviderStatus,
    open_store,
)
from tests.conftest import FakeClock

NAMES = st.sampled_from(["openai", "anthropic"])
WAITS = st.sampled_from([0, 0, 2, 10, 31])


class StoreProviderMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.folder = tempfile.mkdtemp()
        self.url = f"sqlite:///{self.folder}/store.db"
        self.clock = FakeClock()
        self.store = open_store(self.url, clock=self.clock)

    @initialize(cooldown=st.integers(1, 3), successes=st.integers(1, 2))
    def configure_both(self, cooldown: int, successes: int) -> None:
        for name in ["openai", "anthropic"]:
            self.configure(name, 1, cooldown, successes)

    @rule(name=NAMES, wait=WAITS, ok=st.booleans())
    def guarded_call(self, name: str, wait: int, ok: bool) -> None:
        self.clock.advance(wait)
        if not self.store.providers.allow_request(name):
            return
        if ok:
            self.store.providers.record_success(name, latency_ms=5)
        else:
            self.store.providers.record_failure(name, error="boom", error_kind="http")

    @rule(name=NAMES, wait=WAITS)
    def request_without_outcome(self, name: str, wait: int) -> None:
        self.clock.advance(wait)
        self.store.providers.allow_request(name)

    @rule(name=NAMES, retry_after=st.none() | st.integers(0, 60))
    def failure(self, name: str, retry_after: int | None) -> None:
        until = (
            None
            if retry_after is None
            else self.clock.now + timedelta(seconds=retry_after)
        )
        self.store.providers.record_failure(name, error="429", open_until=until)

    @rule(name=NAMES, action=st.sampled_from(["force_open", "force_close", "reset"]))
    def operator(self, name: str, action: str) -> None:
        head = self.store.history.head()
        try:
            getattr(self.store.providers, action)(name, actor="ops", reason=action)
        except (InvalidTransition, ProviderNotFound):
            assert self.store.history.head() == head

    @rule(
        name=NAMES,
        threshold=st.integers(1, 3),
        cooldown=st.integers(1, 30),
        successes=st.integers(1, 2),
    )
    def configure(
        self, name: str, threshold: int, cooldown: int, successes: int
    ) -> None:
        self.store.providers.configure(
            name,
            failure_threshold=threshold,
            cooldown_seconds=cooldown,
            half_open_successes=successes,
        )

    @rule()
    def restart(self) -> None:
        before = self.store.providers.list()
        self.store.close()
        self.store = open_store(self.url, clock=self.clock)
        assert self.store.providers.list() == before

    @invariant()
    def read_tables_equal_the_aggregates(self) -> None:
        for name in ["openai", "anthropic"]:
            assert self.store.providers.status(name) == self.aggregate_status(name)

    def aggregate_status(self, name: str) -> ProviderStatus | None:
        try:
            provider = self.store._app.repository.get(Provider.create_id(name))
        except AggregateNotFoundError:
            return None
        return provider_status(provider.state, updated_at=provider.modified_on)

    def teardown(self) -> None:
        try:
            assert self.store.projections.verify(["providers"]) == []
        finally:
            self.store.close()
            shutil.rmtree(self.folder, ignore_errors=True)


StoreProviderMachine.TestCase.settings = settings(
    settings.default, stateful_step_count=15
)
TestStoreProviderMachine = StoreProviderMachine.TestCase
