"""Random command sequences: the Provider aggregate agrees with a tiny plain-Python
model of the breaker, and replaying its events rebuilds the same state."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from boternity_store.domain import BreakerPolicy, InvalidTransition, Provider
from boternity_store.domain.providers.state import fold, registered

T0 = datetime(2026, 1, 1, tzinfo=UTC)
WAITS = st.integers(0, 12)


class Model:
    """The breaker as the issue states it, written as plainly as possible."""

    def __init__(self, threshold: int, cooldown: int, needed: int) -> None:
        self.threshold, self.cooldown, self.needed = threshold, cooldown, needed
        self.state, self.forced = "closed", False
        self.failures = self.successes = self.calls = self.failed = 0
        self.open_until: int | None = None
        self.trial_at: int | None = None

    def allow(self, now: int) -> bool:
        if self.state == "closed":
            return True
        if self.state == "open":
            if self.forced or (self.open_until is not None and now < self.open_until):
                return False
            self.state, self.open_until, self.successes = "half_open", None, 0
        elif self.trial_at is not None and now < self.trial_at + self.cooldown:
            return False
        self.trial_at = now
        return True

    def success(self) -> None:
        self.calls, self.failures, self.trial_at = self.calls + 1, 0, None
        if self.state == "half_open":
            self.successes += 1
            if self.successes >= self.needed:
                self.close()

    def failure(self, now: int, until: int | None) -> None:
        self.calls, self.failed, self.trial_at = self.calls + 1, self.failed + 1, None
        self.failures += 1
        if self.state == "half_open" or (
            self.state == "closed" and self.failures >= self.threshold
        ):
            self.state, self.successes = "open", 0
            self.open_until = until if until is not None else now + self.cooldown

    def close(self) -> None:
        self.state, self.forced, self.open_until = "closed", False, None
        self.failures = self.successes = 0
        self.trial_at = None

    force_close = close

    def force_open(self) -> None:
        self.state, self.forced, self.open_until = "open", True, None
        self.trial_at, self.successes = None, 0

    def reset(self) -> None:
        self.close()
        self.calls = self.failed = 0


class ProviderMachine(RuleBasedStateMachine):
    @initialize(
        threshold=st.integers(1, 3),
        cooldown=st.integers(1, 10),
        needed=st.integers(1, 3),
    )
    def register(self, threshold: int, cooldown: int, needed: int) -> None:
        self.now = 0
        self.model = Model(threshold, cooldown, needed)
        self.provider = Provider.register(
            "p",
            policy=BreakerPolicy(threshold, cooldown, needed),
            actor="system",
            at=T0,
        )
        self.events = self.provider.collect_events()

    def at(self) -> datetime:
        return T0 + timedelta(seconds=self.now)

    @rule(seconds=st.integers(0, 25))
    def advance(self, seconds: int) -> None:
        self.now += seconds

    @rule(wait=WAITS)
    def allow(self, wait: int) -> None:
        self.now += wait
        assert self.provider.allow(at=self.at()) == self.model.allow(self.now)

    @rule(wait=WAITS, ok=st.booleans())
    def guarded_call(self, wait: int, ok: bool) -> None:
        self.now += wait
        allowed = self.provider.allow(at=self.at())
        assert allowed == self.model.allow(self.now)
        if allowed and ok:
            self.success()
        elif allowed:
            self.failure(until=None)

    @rule()
    def success(self) -> None:
        self.provider.record_success(latency_ms=1.0, at=self.at())
        self.model.success()

    @rule(until=st.none() | st.integers(0, 40))
    def failure(self, until: int | None) -> None:
        deadline = None if until is None else self.now + until
        self.provider.record_failure(
            error="e",
            error_kind=None,
            at=self.at(),
            open_until=None if deadline is None else T0 + timedelta(seconds=deadline),
        )
        self.model.failure(self.now, deadline)

    @rule(action=st.sampled_from(["force_open", "force_close", "reset"]))
    def operator(self, action: str) -> None:
        command = getattr(self.provider, action)
        refused = (action == "force_open" and self.model.forced) or (
            action == "force_close" and self.model.state == "closed"
        )
        if refused:
            with pytest.raises(InvalidTransition):
                command(reason="r", actor="ops", at=self.at())
            return
        command(reason="r", actor="ops", at=self.at())
        getattr(self.model, action)()

    @rule(
        threshold=st.integers(1, 4),
        cooldown=st.integers(1, 20),
        needed=st.integers(1, 3),
    )
    def configure(self, threshold: int, cooldown: int, needed: int) -> None:
        policy = BreakerPolicy(threshold, cooldown, needed)
        self.provider.change_policy(policy, actor="ops", at=self.at())
        self.model.threshold, self.model.cooldown = threshold, cooldown
        self.model.needed = needed

    @invariant()
    def agrees_with_the_model(self) -> None:
        p, m = self.provider, self.model
        self.events += p.collect_events()
        until = None if m.open_until is None else T0 + timedelta(seconds=m.open_until)
        trial = None if m.trial_at is None else T0 + timedelta(seconds=m.trial_at)
        assert (p.circuit, p.forced, p.open_until, p.trial_started_at) == (
            m.state,
            m.forced,
            until,
            trial,
        )
        assert (p.consecutive_failures, p.trial_successes) == (m.failures, m.successes)
        assert (p.total_calls, p.total_failures) == (m.calls, m.failed)

    @invariant()
    def replaying_the_events_rebuilds_the_live_state(self) -> None:
        self.events += self.provider.collect_events()
        replayed = None
        for event in self.events:
            replayed = event.mutate(replayed)
        assert vars(replayed) == vars(self.provider)

    @invariant()
    def folding_the_events_gives_the_live_state(self) -> None:
        self.events += self.provider.collect_events()
        created = self.events[0]
        initial = registered(
            created.name,
            failure_threshold=created.failure_threshold,
            cooldown_seconds=created.cooldown_seconds,
            half_open_successes=created.half_open_successes,
            at=created.timestamp,
        )
        assert fold(initial, self.events[1:]) == self.provider.state


TestProviderMachine = ProviderMachine.TestCase
