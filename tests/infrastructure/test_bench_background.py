"""The bench's runner figures (:mod:`boternity_store.infrastructure.bench.
runner_lag`) from recorded writes and notifications: what lag and events/s
mean, on made-up timings (no database, nothing timed)."""

from __future__ import annotations

import pytest

from boternity_store.domain.errors import StoreError
from boternity_store.infrastructure.bench.runner_lag import percentile, runner_figure
from boternity_store.infrastructure.bench.writer_processes import BackgroundSlice


def test_a_writes_lag_runs_to_the_first_notification_that_reached_it() -> None:
    slices = [BackgroundSlice(10.0, ((11, 10.1), (12, 10.2), (13, 10.3)))]
    # The runner's steps: 11-12 projected at 10.25, 13 at 10.5.
    receipts = [(12, 10.25), (13, 10.5)]
    figure = runner_figure(1, slices, 10, receipts, judged=False)
    # Lags: 150, 50, 200 ms.
    assert figure.lag_p50_ms == pytest.approx(150)
    assert figure.lag_p99_ms == pytest.approx(200)
    assert figure.writes == 3
    # 3 events (10 -> 13) from the slice's start to the last one projected.
    assert figure.events_per_s == pytest.approx(3 / 0.5)
    assert (figure.target, figure.met) == ("", None)


def test_events_per_s_counts_only_the_slices_windows() -> None:
    slices = [
        BackgroundSlice(0.0, ((1, 0.1), (2, 0.2))),
        BackgroundSlice(10.0, ((3, 10.1), (4, 10.2))),
    ]
    receipts = [(2, 0.3), (3, 10.15), (4, 10.4)]  # idle between the slices
    figure = runner_figure(2, slices, 0, receipts, judged=True)
    assert figure.events_per_s == pytest.approx(4 / (0.3 + 0.4))
    assert figure.target == "p99 <= 100 ms"
    assert figure.met is False  # lag p99: 200 ms


def test_a_notification_out_of_order_and_a_late_clock_read() -> None:
    slices = [BackgroundSlice(0.0, ((5, 1.0), (6, 1.0)))]
    # A step's notification that reached less than one before it counts as
    # the position reached so far; a write acknowledged after the step that
    # projected it (its process read the clock late) lags 0, not less.
    receipts = [(6, 0.99), (5, 2.0)]
    figure = runner_figure(1, slices, 4, receipts, judged=True)
    assert (figure.lag_p50_ms, figure.lag_p99_ms) == (0.0, 0.0)
    assert figure.met is True


def test_a_write_the_runner_never_reported_fails_the_round() -> None:
    slices = [BackgroundSlice(0.0, ((1, 0.1), (2, 0.2)))]
    with pytest.raises(StoreError, match="never reported position 2"):
        runner_figure(1, slices, 0, [(1, 0.15)], judged=False)


def test_percentiles_by_nearest_rank() -> None:
    samples = [float(n) for n in range(1, 101)]
    assert percentile(samples, 50) == 50
    assert percentile(samples, 99) == 99
    assert percentile([7.0], 99) == 7.0
