"""The testing kit as a user meets it: the example test file passes through the
installed pytest plugin, the plugin loads no database code, the fixtures
work, and the given/when/then fixture reports what went wrong."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from boternity_store.domain import BreakerPolicy, Provider
from boternity_store.infrastructure import InvalidTransition
from boternity_store.testing import Expect, FakeClock, given

ROOT = Path(__file__).parent.parent.parent
EXAMPLE = ROOT / "examples" / "testing" / "test_my_bot.py"
AT = datetime(2026, 1, 1, tzinfo=UTC)


def test_the_example_test_file_passes_with_the_installed_plugin(
    tmp_path: Path,
) -> None:
    # Outside the checkout, with no conftest: the fixtures come from the
    # plugin the package registers (the pytest11 entry point).
    copy = tmp_path / "test_my_bot.py"
    copy.write_text(EXAMPLE.read_text())
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(copy)],
        cwd=tmp_path,
        env={k: v for k, v in os.environ.items() if k != "PYTHONPATH"},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert " passed" in done.stdout


def test_loading_the_plugin_imports_no_database_code() -> None:
    code = (
        "import sys, boternity_store.testing.pytest_plugin\n"
        "heavy = {'sqlalchemy', 'eventsourcing', 'psycopg'} & set(sys.modules)\n"
        "assert not heavy, heavy\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


def test_the_store_fixture_is_fresh_and_on_the_fake_clock(
    store_factory: Any, fake_clock: FakeClock
) -> None:
    first, second = store_factory(), store_factory()
    first.bots.register("bot-1")
    assert second.bots.list() == []
    assert first.bots.get("bot-1").created_at == fake_clock.now


def test_store_factory_opens_postgresql(store_factory: Any) -> None:
    store = store_factory("postgresql")
    store.bots.register("bot-1")
    assert store.config.backend == "postgresql"


def _fail(provider: Any) -> None:
    provider.record_failure(error="503", error_kind=None, open_until=None, at=AT)


def _new_provider() -> Provider:
    return Provider.register(
        "llm", policy=BreakerPolicy(failure_threshold=1), actor="ops", at=AT
    )


def test_then_events_names_the_difference() -> None:
    when = given(_new_provider()).when(_fail)
    when.then_events(Provider.CallFailed, Provider.CircuitOpened)
    with pytest.raises(AssertionError, match="reason is '1 consecutive failures'"):
        when.then_events(
            Provider.CallFailed, Expect(Provider.CircuitOpened, reason="x")
        )
    with pytest.raises(AssertionError, match="expected 1 event"):
        when.then_events(Provider.CallFailed)


def test_then_raises_fails_when_the_command_succeeds() -> None:
    with pytest.raises(AssertionError, match="expected InvalidTransition"):
        given(_new_provider()).when(_fail).then_raises(InvalidTransition)


def test_given_accepts_events_and_rebuilds_for_each_when() -> None:
    provider = _new_provider()
    _fail(provider)
    events = provider.collect_events()
    fixture = given(*events)
    for _ in range(2):  # each when starts from the same history
        fixture.when(lambda p: p.reset(reason="ok", actor="ops", at=AT)).then_state(
            circuit="closed", total_failures=0
        )
