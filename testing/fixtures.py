"""Given/when/then tests for the domain's aggregates, without a database
(in the manner of Axon's aggregate test fixtures).

``given`` takes the aggregate's history: an aggregate just created (its
pending events are taken), events, or functions of the aggregate that record
more. ``when`` runs a command on the aggregate rebuilt from that history;
``then_events`` checks the events it recorded (types, and fields with
:class:`Expect`), ``then_raises`` the error it raised, ``then_state`` what the
aggregate holds afterwards.

>>> from datetime import UTC, datetime
>>> from boternity_store.domain import BreakerPolicy, Provider
>>> from boternity_store.testing import Expect, given
>>> at = datetime(2026, 1, 1, tzinfo=UTC)
>>> policy = BreakerPolicy(failure_threshold=1)
>>> (
...     given(Provider.register("openai", policy=policy, actor="ops", at=at))
...     .when(lambda p: p.record_failure(error="503", error_kind=None,
...                                      open_until=None, at=at))
...     .then_events(Provider.CallFailed,
...                  Expect(Provider.CircuitOpened, reason="1 consecutive failures"))
...     .then_state(circuit="open")
... )
<...ThenResult object at ...>
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from eventsourcing.domain import Aggregate


class Expect:
    """An expected event: its class, and the fields it must have (others are
    not compared)."""

    def __init__(self, event_class: type[Any], **fields: Any) -> None:
        self.event_class = event_class
        self.fields = fields

    def problem_with(self, event: Any) -> str | None:
        if not isinstance(event, self.event_class):
            return f"expected {self.event_class.__qualname__}, got {_name(event)}"
        for name, value in self.fields.items():
            actual = getattr(event, name, _MISSING)
            if actual != value:
                return f"{_name(event)}.{name} is {actual!r}, expected {value!r}"
        return None

    def __repr__(self) -> str:
        fields = ", ".join(f"{k}={v!r}" for k, v in self.fields.items())
        return (
            f"Expect({self.event_class.__qualname__}{', ' if fields else ''}{fields})"
        )


_MISSING = object()
History = Aggregate | Any | Callable[[Any], Any]


def given(*history: History) -> AggregateFixture:
    """Start a test from an aggregate's history (see the module's docstring)."""
    steps: list[Any] = []
    for item in history:
        if isinstance(item, Aggregate):
            steps.extend(item.collect_events())  # its events, taken once
        else:
            steps.append(item)
    return AggregateFixture(tuple(steps))


@dataclass(frozen=True)
class AggregateFixture:
    """An aggregate's history: events, and commands that record more."""

    history: tuple[Any, ...]

    def aggregate(self) -> Any:
        """A fresh aggregate rebuilt from the history."""
        aggregate: Any = None
        for step in self.history:
            if hasattr(step, "mutate"):  # an event
                aggregate = step.mutate(aggregate)
            elif aggregate is None:
                raise ValueError(
                    "given(): a command needs the aggregate's events first"
                )
            else:
                step(aggregate)  # its events are applied as they are triggered
        if aggregate is None:
            raise ValueError("given() needs an aggregate or its events")
        aggregate.collect_events()  # only the command's own events count
        return aggregate

    def when(self, command: Callable[[Any], Any]) -> WhenResult:
        """Run ``command`` on the aggregate; its events and result (or error)
        are checked by the ``then_*`` methods."""
        aggregate = self.aggregate()
        try:
            result = command(aggregate)
        except Exception as error:  # checked by then_raises
            return WhenResult(aggregate, [], None, error)
        return WhenResult(aggregate, list(aggregate.collect_events()), result, None)


@dataclass
class WhenResult:
    aggregate: Any
    events: list[Any]
    result: Any
    error: BaseException | None

    def then_events(self, *expected: type[Any] | Expect) -> ThenResult:
        """The command recorded exactly these events, in this order."""
        self._no_error()
        wanted = [e if isinstance(e, Expect) else Expect(e) for e in expected]
        if len(wanted) != len(self.events):
            raise AssertionError(
                f"expected {len(wanted)} event(s) {wanted}, got "
                f"{[_name(e) for e in self.events]}"
            )
        for want, event in zip(wanted, self.events, strict=True):
            problem = want.problem_with(event)
            if problem:
                raise AssertionError(problem)
        return ThenResult(self)

    def then_no_events(self) -> ThenResult:
        return self.then_events()

    def then_raises(self, error: type[BaseException], match: str | None = None) -> None:
        """The command raised ``error`` (whose message contains ``match``)."""
        if self.error is None:
            raise AssertionError(
                f"expected {error.__name__}, but the command recorded "
                f"{[_name(e) for e in self.events]}"
            )
        if not isinstance(self.error, error):
            raise AssertionError(f"expected {error.__name__}, got {self.error!r}")
        if match is not None and match not in str(self.error):
            raise AssertionError(f"{self.error!r} does not mention {match!r}")

    def then_returns(self, value: Any) -> ThenResult:
        self._no_error()
        if self.result != value:
            raise AssertionError(f"the command returned {self.result!r}, not {value!r}")
        return ThenResult(self)

    def then_state(self, **attributes: Any) -> ThenResult:
        return ThenResult(self).then_state(**attributes)

    def _no_error(self) -> None:
        if self.error is not None:
            raise AssertionError(f"the command raised {self.error!r}") from self.error


@dataclass
class ThenResult:
    when: WhenResult

    def then_state(self, **attributes: Any) -> ThenResult:
        """The aggregate holds these attribute values after the command."""
        self.when._no_error()
        for name, value in attributes.items():
            actual = getattr(self.when.aggregate, name, _MISSING)
            if actual != value:
                raise AssertionError(f"aggregate.{name} is {actual!r}, not {value!r}")
        return self

    def and_events(self) -> list[Any]:
        """The events the command recorded (copies)."""
        return copy.copy(self.when.events)


def _name(event: Any) -> str:
    return type(event).__qualname__
