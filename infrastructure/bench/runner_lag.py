"""The runner's figures in one round of background writes: its lag and its
throughput, from what the writers recorded (each write's log position and
when it returned: :mod:`.writer_processes`) and what the listener recorded
(each committed catch-up step's position and when its notification came:
:mod:`.projected_listener`). All times are ``time.monotonic()``, one clock
(CLOCK_MONOTONIC) for every process on the machine.

- **Lag** of a write: from the moment its ``kv.set`` returned (its commit
  acknowledged) to the receipt of the first notification that reached its
  position (the step that projected it committed). Every background write of
  the round counts; p50 and p99 by nearest rank, in ms. A write whose process
  read the clock late (descheduled between its commit and the clock read)
  could come out negative; it counts as 0.
- **Throughput**: events projected per second while the writers wrote. For
  each background slice, from its start (the first writer's) to the receipt
  of the notification that reached its last write: the positions the runner
  advanced in that window over the window's length; summed over the slices.
  Events are counted as log positions. A runner that keeps up can project no
  faster than the writers write, so this says how fast it went under that
  load, not how fast it could go."""

from __future__ import annotations

import bisect
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from boternity_store.domain.errors import StoreError
from boternity_store.infrastructure.bench.projected_listener import Receipt
from boternity_store.infrastructure.bench.writer_processes import (
    Ack,
    BackgroundSlice,
)

LAG_TARGET_MS = 100.0  # runner lag p99 at the largest process count


@dataclass(frozen=True)
class RunnerFigure:
    """The one runner that followed a round of ``processes`` writers."""

    processes: int
    events_per_s: float  # projected while the writers wrote (module docstring)
    lag_p50_ms: float  # commit acknowledged -> projected
    lag_p99_ms: float
    writes: int  # the background writes the lag is taken over
    target: str  # "" where there is none
    met: bool | None  # None where there is no target


class _Reached:
    """The position reached by the runner's steps as they were received."""

    def __init__(self, receipts: Sequence[Receipt]) -> None:
        self.positions: list[int] = []
        self.times: list[float] = []
        for position, received in receipts:
            highest = max(position, self.positions[-1] if self.positions else 0)
            self.positions.append(highest)
            self.times.append(received)

    def first(self, position: int) -> int:
        """The index of the first receipt at ``position`` or past it."""
        index = bisect.bisect_left(self.positions, position)
        if index == len(self.positions):
            raise StoreError(f"the runner never reported position {position}")
        return index

    def before(self, moment: float, default: int) -> int:
        """The position reached by the receipts before ``moment``."""
        index = bisect.bisect_left(self.times, moment)
        return max(default, self.positions[index - 1]) if index else default


def lags_ms(acks: Iterable[Ack], reached: _Reached) -> list[float]:
    lags = []
    for position, returned in acks:
        projected = reached.times[reached.first(position)]
        lags.append(max(0.0, projected - returned) * 1000)
    return lags


def percentile(samples: Sequence[float], q: float) -> float:
    """The nearest-rank ``q``-th percentile (0 < q <= 100)."""
    ranked = sorted(samples)
    return ranked[max(0, math.ceil(q / 100 * len(ranked)) - 1)]


def events_per_s(
    slices: Sequence[BackgroundSlice], started_at: int, reached: _Reached
) -> float:
    events = 0
    seconds = 0.0
    for piece in slices:
        caught_up = reached.first(piece.acks[-1][0])
        events += reached.positions[caught_up] - reached.before(piece.start, started_at)
        seconds += reached.times[caught_up] - piece.start
    return events / seconds


def runner_figure(
    processes: int,
    slices: Sequence[BackgroundSlice],
    started_at: int,
    receipts: Sequence[Receipt],
    *,
    judged: bool,
) -> RunnerFigure:
    """The figure of one round; ``judged``: against :data:`LAG_TARGET_MS`
    (the largest round). ``started_at``: the position the runner started
    from."""
    reached = _Reached(receipts)
    lags = lags_ms((ack for piece in slices for ack in piece.acks), reached)
    p99 = percentile(lags, 99)
    return RunnerFigure(
        processes=processes,
        events_per_s=events_per_s(slices, started_at, reached),
        lag_p50_ms=percentile(lags, 50),
        lag_p99_ms=p99,
        writes=len(lags),
        target=f"p99 <= {LAG_TARGET_MS:.0f} ms" if judged else "",
        met=p99 <= LAG_TARGET_MS if judged else None,
    )
