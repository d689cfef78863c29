"""``store.providers``: each LLM provider's circuit breaker, persisted as events."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

from boternity_store.domain.errors import ProviderNotFound
from boternity_store.domain.providers.breaker import BreakerPolicy
from boternity_store.domain.providers.input import (
    check_latency,
    check_optional_moment,
    check_text,
    error_text,
)
from boternity_store.domain.providers.models import ProviderStatus, provider_status
from boternity_store.domain.providers.provider import SYSTEM, Provider
from boternity_store.domain.validation import check_actor, check_identifier
from boternity_store.infrastructure.eventstore.driver_errors import public_api
from boternity_store.infrastructure.providers.explain import (
    BreakerExplanation,
    explain,
)
from boternity_store.infrastructure.stream_history import provider_history

if TYPE_CHECKING:
    from boternity_store.infrastructure.eventstore.writer import WriteContext, Writer
    from boternity_store.infrastructure.history import History, LoggedEvent
    from boternity_store.projections.providers.queries import ProviderQueries

Change = Callable[[Provider, datetime], None]


@public_api
class Providers:
    """``store.providers``: each LLM provider's circuit breaker, which
    survives restarts: ask before a call, record its outcome, operate it."""

    def __init__(
        self, writer: Writer, queries: ProviderQueries, history: History
    ) -> None:
        self._writer = writer
        self._queries = queries
        self._history = history

    def allow_request(self, name: str) -> bool:
        """Whether a call to ``name`` may go out now. Closed: True, nothing is
        recorded. Open: False until ``open_until``; the first request after it
        half-opens the circuit and is granted the one trial call (recorded)."""
        check_identifier(name, "provider name")

        def command(ctx: WriteContext) -> bool:
            provider = ctx.get(Provider, Provider.create_id(name))
            if provider is None:
                return True
            allowed = provider.allow(at=ctx.now())
            if provider.pending_events:
                ctx.add(provider)
            return allowed

        return self._writer.execute(command)

    def record_success(
        self, name: str, *, latency_ms: float | None = None
    ) -> ProviderStatus:
        """Record a successful call; in half-open it counts towards closing."""
        check_identifier(name, "provider name")
        latency = check_latency(latency_ms)
        return self._change(
            name, SYSTEM, lambda p, at: p.record_success(latency_ms=latency, at=at)
        )

    def record_failure(
        self,
        name: str,
        *,
        error: str,
        error_kind: str | None = None,
        open_until: datetime | None = None,
    ) -> ProviderStatus:
        """Record a failed call; it may open the circuit, until ``open_until``
        if given (e.g. from Retry-After), else for the policy's cooldown."""
        check_identifier(name, "provider name")
        error = error_text(error)
        if error_kind is not None:
            check_identifier(error_kind, "error_kind")
        until = check_optional_moment(open_until, "open_until")
        return self._change(
            name,
            SYSTEM,
            lambda p, at: p.record_failure(
                error=error, error_kind=error_kind, open_until=until, at=at
            ),
        )

    def force_open(self, name: str, *, actor: str, reason: str) -> ProviderStatus:
        """Open the circuit until force_close or reset (no cooldown applies);
        InvalidTransition if it is already forced open."""
        _check_operator(name, actor, reason)
        return self._change(
            name, actor, lambda p, at: p.force_open(reason=reason, actor=actor, at=at)
        )

    def force_close(self, name: str, *, actor: str, reason: str) -> ProviderStatus:
        """Close an open or half-open circuit; InvalidTransition if closed."""
        _check_operator(name, actor, reason)
        return self._change(
            name, actor, lambda p, at: p.force_close(reason=reason, actor=actor, at=at)
        )

    def reset(self, name: str, *, actor: str, reason: str) -> ProviderStatus:
        """Close the circuit and zero the counters (the policy stays);
        ProviderNotFound if the provider has no history."""
        _check_operator(name, actor, reason)
        return self._change(
            name,
            actor,
            lambda p, at: p.reset(reason=reason, actor=actor, at=at),
            create=False,
        )

    def configure(
        self,
        name: str,
        *,
        failure_threshold: int | None = None,
        cooldown_seconds: float | None = None,
        half_open_successes: int | None = None,
        actor: str = SYSTEM,
    ) -> ProviderStatus:
        """Change the breaker policy; omitted values keep their current setting."""
        check_identifier(name, "provider name")
        check_actor(actor)
        given: dict[str, Any] = {
            key: value
            for key, value in {
                "failure_threshold": failure_threshold,
                "cooldown_seconds": cooldown_seconds,
                "half_open_successes": half_open_successes,
            }.items()
            if value is not None
        }
        replace(BreakerPolicy(), **given)  # raises InvalidInput before any write

        def change(provider: Provider, at: datetime) -> None:
            policy = replace(provider.policy, **given)
            provider.change_policy(policy, actor=actor, at=at)

        return self._change(name, actor, change)

    def history(self, name: str) -> list[LoggedEvent]:
        """Every event of the provider's breaker, oldest first: calls recorded,
        transitions, operator actions, policy changes."""
        return provider_history(self._history, check_identifier(name, "provider name"))

    def explain(self, name: str) -> BreakerExplanation:
        """Why the breaker is in its current state: the transition that put it
        there (opened after which failures, forced by whom and why, ...), the
        events that led to it, as data and as ``text``. ProviderNotFound if
        the provider has no history."""
        check_identifier(name, "provider name")
        status = self.status(name)
        if status is None:
            raise ProviderNotFound(name)
        events = provider_history(self._history, name)
        return explain(name, status.circuit_state, events)

    def status(self, name: str) -> ProviderStatus | None:
        """The provider's recorded status, or None if it has no history."""
        return self._queries.status(check_identifier(name, "provider name"))

    def list(self) -> list[ProviderStatus]:
        """Every provider's status, sorted by name."""
        return self._queries.statuses()

    def _change(
        self, name: str, actor: str, change: Change, *, create: bool = True
    ) -> ProviderStatus:
        def command(ctx: WriteContext) -> ProviderStatus:
            at = ctx.now()
            provider = ctx.get(Provider, Provider.create_id(name))
            if provider is None and not create:
                raise ProviderNotFound(name)
            if provider is None:
                provider = Provider.register(
                    name, policy=BreakerPolicy(), actor=actor, at=at
                )
            change(provider, at)
            if provider.pending_events:
                ctx.add(provider)
            return provider_status(provider.state, updated_at=provider.modified_on)

        return self._writer.execute(command)


def _check_operator(name: str, actor: str, reason: str) -> None:
    check_identifier(name, "provider name")
    check_actor(actor)
    check_text(reason, "reason")
