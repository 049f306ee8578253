"""The LRS's own timestamps, formatted with the per-second cache, read like strftime's."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from statements.query import format_timestamp, from_micros

YEAR_9999 = 253_402_300_799_999_999


@given(st.lists(st.integers(min_value=0, max_value=YEAR_9999 - 1), min_size=1, max_size=20))
def test_format_timestamp_matches_strftime_in_any_order(moments: list[int]) -> None:
    # Neighbours in the same second (the cached case) and jumps between seconds alike.
    for micros in [m for moment in moments for m in (moment, moment + 1, moment - 1) if m >= 0]:
        expected = from_micros(micros).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        assert format_timestamp(micros) == expected


def test_a_new_second_is_not_served_the_previous_seconds_text() -> None:
    assert format_timestamp(1_700_000_000_999_999) == "2023-11-14T22:13:20.999999Z"
    assert format_timestamp(1_700_000_001_000_000) == "2023-11-14T22:13:21.000000Z"
