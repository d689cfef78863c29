"""``store.provider_health``: the seed's ``SqliteProviderHealthStore`` methods.

``load``/``load_all`` read the ``provider_health`` table; ``save`` overwrites
the health columns as an operator override event (``Provider.HealthOverridden``).
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from boternity_store.domain.errors import InvalidInput
from boternity_store.domain.providers.breaker import BreakerPolicy
from boternity_store.domain.providers.input import (
    check_circuit_state,
    check_count,
    check_optional_moment,
    check_optional_text,
)
from boternity_store.domain.providers.models import ProviderHealthRow
from boternity_store.domain.providers.provider import SYSTEM, Provider
from boternity_store.domain.validation import check_actor, check_identifier
from boternity_store.infrastructure.eventstore.driver_errors import public_api

if TYPE_CHECKING:
    from boternity_store.infrastructure.eventstore.writer import WriteContext, Writer
    from boternity_store.projections.providers.queries import ProviderQueries


@public_api
class ProviderHealthStore:
    """``store.provider_health``: the seed's ``SqliteProviderHealthStore``
    calls (load, load_all, save) over the same events as ``store.providers``."""

    def __init__(self, writer: Writer, queries: ProviderQueries) -> None:
        self._writer = writer
        self._queries = queries

    def load(self, name: str) -> ProviderHealthRow | None:
        """The provider's ``provider_health`` row, or None."""
        return self._queries.load(check_identifier(name, "provider name"))

    def load_all(self) -> list[ProviderHealthRow]:
        """Every ``provider_health`` row, sorted by name."""
        return self._queries.load_all()

    def save(
        self,
        name: str,
        circuit_state: str,
        last_error: str | None,
        last_success: datetime | None,
        total_calls: int,
        total_failures: int,
        uptime_since: datetime | None,
        *,
        actor: str = SYSTEM,
    ) -> None:
        """Set the provider's health row to these values (creating the provider
        if new). An ``open`` circuit set this way may half-open one cooldown
        later. InvalidInput for a bad state, negative counts, or more failures
        than calls."""
        check_identifier(name, "provider name")
        check_actor(actor)
        values = {
            "last_error": check_optional_text(last_error, "last_error"),
            "last_success": check_optional_moment(last_success, "last_success"),
            "total_calls": check_count(total_calls, "total_calls"),
            "total_failures": check_count(total_failures, "total_failures"),
            "uptime_since": check_optional_moment(uptime_since, "uptime_since"),
        }
        if total_failures > total_calls:
            raise InvalidInput("total_failures must not exceed total_calls")
        state = check_circuit_state(circuit_state)

        def command(ctx: WriteContext) -> None:
            at = ctx.now()
            provider = ctx.get(Provider, Provider.create_id(name)) or Provider.register(
                name, policy=BreakerPolicy(), actor=actor, at=at
            )
            provider.override_health(circuit_state=state, actor=actor, at=at, **values)
            ctx.add(provider)

        self._writer.execute(command)
