"""How ``providers`` commands print a provider's status."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from boternity_store.infrastructure.cli.common import (
    print_json,
    print_table,
    state_text,
    time_text,
)

if TYPE_CHECKING:
    from datetime import datetime

    from boternity_store.domain.providers.models import ProviderStatus

COLUMNS = ["name", "state", "why", "open until", "in a row", "failed/calls"]


def show(status: ProviderStatus, json_: bool) -> None:
    """One line (or the JSON status) after a command."""
    if json_:
        print_json(status)
        return
    until = f" until {time_text(status.open_until)}" if status.open_until else ""
    why = f" ({status.state_reason})" if status.state_reason else ""
    typer.echo(
        f"{status.name}: {status.circuit_state}{why}{until}; "
        f"{status.total_failures}/{status.total_calls} calls failed"
    )


def print_statuses(statuses: list[ProviderStatus]) -> None:
    print_table("providers", COLUMNS, [_row(s) for s in statuses])


def print_status(s: ProviderStatus) -> None:
    print_table(s.name, ["field", "value"], _details(s))


def _when(moment: datetime | None) -> str | None:
    return None if moment is None else time_text(moment)


def _row(s: ProviderStatus) -> list[object]:
    return [
        s.name,
        state_text(s.circuit_state, " (forced)" if s.forced else ""),
        s.state_reason,
        _when(s.open_until),
        f"{s.consecutive_failures}/{s.policy.failure_threshold}",
        f"{s.total_failures}/{s.total_calls}",
    ]


def _details(s: ProviderStatus) -> list[tuple[str, object]]:
    policy = s.policy
    return [
        ("state", state_text(s.circuit_state, " (forced)" if s.forced else "")),
        ("why", s.state_reason),
        ("since", _when(s.state_since)),
        ("open until", _when(s.open_until)),
        ("trial started", _when(s.trial_started_at)),
        ("failures in a row", f"{s.consecutive_failures}/{policy.failure_threshold}"),
        ("trial successes", f"{s.trial_successes}/{policy.half_open_successes}"),
        ("cooldown", f"{policy.cooldown_seconds:g} s"),
        ("calls", s.total_calls),
        ("failures", s.total_failures),
        ("last error", s.last_error),
        ("last error kind", s.last_error_kind),
        ("last success", _when(s.last_success)),
        ("last latency ms", s.last_latency_ms),
        ("up since", _when(s.uptime_since)),
        ("updated", _when(s.updated_at)),
    ]
