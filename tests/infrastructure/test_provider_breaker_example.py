"""examples/provider_breaker.py shows the circuit open, reject, half-open and
close, and shows the same story when run again on the same database."""

from __future__ import annotations

import runpy
from pathlib import Path

import pytest

from tests.conftest import FakeClock

EXAMPLE = Path(__file__).parents[2] / "examples" / "provider_breaker.py"


def test_the_example_shows_every_transition_on_each_run(
    db_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("BOTERNITY_STORE_URL", db_url)
    example = runpy.run_path(str(EXAMPLE), run_name="example")
    clock = FakeClock()  # the cooldown passes when the example "sleeps"
    outputs = []
    for _ in range(2):
        example["main"](clock=clock, sleep=clock.advance)
        outputs.append(capsys.readouterr().out)
    for out in outputs:
        assert "'anyone': failed (HTTP 503 from fake-llm) -> open" in out
        assert "'one more': rejected, circuit is open (provider not called)" in out
        assert "'trial one': 'TRIAL ONE' -> half_open" in out
        assert "'trial two': 'TRIAL TWO' -> closed" in out
        assert "Status: closed (2 successful trial call(s)), 3/6 calls failed" in out
        assert "Provider.CircuitOpened     3 consecutive failures" in out
    assert "Provider.Reset             start the demo fresh" in outputs[1]
