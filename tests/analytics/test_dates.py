"""Release days: 00:00 UTC means "time unknown", never midnight (hand-computed oracles)."""

from __future__ import annotations

import pandas as pd
import pytest

from flowscope.analytics.dates import release_day, release_time_unknown


def _days(values, **kw) -> list[str]:
    out = release_day(pd.Series(pd.to_datetime(values, **kw)))
    return [d if pd.isna(d) else f"{d:%Y-%m-%d}" for d in out]


def test_unknown_time_keeps_its_utc_day():
    # The minutes of 2025-10-29 were released on 2025-11-19, stored as 2025-11-19 00:00 UTC
    # (day only). In New York that instant is 2025-11-18 19:00 EST: the day must stay the 19th.
    assert _days(["2025-11-19 00:00"], utc=True) == ["2025-11-19"]
    # the same in summer (EDT, UTC-4): 2025-07-09 00:00 UTC would be 07-08 20:00 in New York
    assert _days(["2025-07-09 00:00"], utc=True) == ["2025-07-09"]


@pytest.mark.parametrize(
    ("stamp", "day"),
    [
        ("2025-11-19 19:00", "2025-11-19"),  # 14:00 EST (UTC-5)
        ("2025-07-09 18:00", "2025-07-09"),  # 14:00 EDT (UTC-4)
        ("2025-11-20 01:30", "2025-11-19"),  # 20:30 EST the evening before
        ("2025-07-10 03:59", "2025-07-09"),  # 23:59 EDT
        ("2025-07-10 04:00", "2025-07-10"),  # 00:00 EDT
        ("2025-11-19 00:00:01", "2025-11-18"),  # a known time one second past midnight UTC
    ],
)
def test_known_time_is_dated_in_new_york(stamp, day):
    assert _days([stamp], utc=True) == [day]


def test_other_zones_naive_and_missing_values():
    # an offset in the input is honoured: 14:00 EST written with its offset
    assert _days(["2025-11-19 14:00-05:00"], utc=True) == ["2025-11-19"]
    # naive values are UTC
    assert _days(["2025-11-19 00:00", "2025-11-20 01:30"]) == ["2025-11-19", "2025-11-19"]
    s = pd.Series(pd.to_datetime(["2025-11-19 00:00", None], utc=True))
    out = release_day(s)
    assert out.dtype == "datetime64[ns]"
    assert out.isna().tolist() == [False, True]
    assert release_time_unknown(s).tolist() == [True, False]
