"""Read-table timestamps: UTC text of fixed width, whatever zone a time came in."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from hypothesis import given
from hypothesis import strategies as st

from boternity_store.projections.engine.timestamps import from_text, to_text

offsets = st.timedeltas(min_value=timedelta(hours=-23), max_value=timedelta(hours=23))
zones = st.just(UTC) | st.builds(timezone, offsets)
moments = st.datetimes(
    min_value=datetime(1900, 1, 2), max_value=datetime(9998, 12, 30), timezones=zones
)


@given(moments)
def test_times_round_trip_as_utc_text_of_fixed_width(moment: datetime) -> None:
    text = to_text(moment)
    assert text.endswith("+00:00")
    assert len(text) == len("2026-01-01T00:00:00.000000+00:00")
    back = from_text(text)
    assert back == moment and back.tzinfo is UTC


@given(moments, moments)
def test_text_order_is_time_order(a: datetime, b: datetime) -> None:
    assert (to_text(a) < to_text(b)) == (a < b)
