"""The shipped calendar tables against exchange-calendars and pandas, their outside oracles."""

from __future__ import annotations

import warnings

import exchange_calendars as xcals
import pandas as pd
import pytest
from pandas.tseries.holiday import USFederalHolidayCalendar
from pandas.tseries.offsets import CustomBusinessDay

from flowscope.calendars import (
    FED_FIRST,
    TABLE_LAST,
    XNYS_FIRST,
    is_session,
    sessions_in_range,
    us_business_days,
)
from flowscope.errors import ValidationError


@pytest.fixture(scope="module")
def xnys() -> xcals.ExchangeCalendar:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return xcals.get_calendar("XNYS", start=XNYS_FIRST, end=TABLE_LAST)


def test_sessions_in_range_whole_table_equals_exchange_calendars(xnys):
    expected = pd.DatetimeIndex(xnys.sessions).tz_localize(None)
    got = sessions_in_range(XNYS_FIRST, TABLE_LAST)
    assert got.equals(expected.as_unit("ns"))


@pytest.mark.parametrize(
    ("day", "open_"),
    [
        ("2001-09-11", False),  # special closure
        ("2012-10-29", False),  # Hurricane Sandy
        ("2018-12-05", False),  # President Bush's funeral
        ("2025-01-09", False),  # President Carter's funeral
        ("2024-03-29", False),  # Good Friday: not a federal holiday
        ("2024-11-11", True),  # Veterans Day: NYSE open
        ("2022-06-20", False),  # Juneteenth observed
        ("2026-11-26", False),  # Thanksgiving
        ("2026-11-27", True),  # half day, still a session
    ],
)
def test_is_session_known_days(day, open_):
    assert bool(is_session(pd.DatetimeIndex([day])).iloc[0]) is open_


def test_sessions_in_range_beyond_table_matches_exchange_calendars():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cal = xcals.get_calendar("XNYS", start="2040-01-01", end="2041-03-31")
    expected = cal.sessions_in_range("2040-12-20", "2041-01-10").tz_localize(None)
    got = sessions_in_range("2040-12-20", "2041-01-10")
    assert list(got) == list(expected)


def test_sessions_in_range_before_1990_cut_and_aware_refused():
    assert sessions_in_range("1989-12-20", "1990-01-03").strftime("%Y-%m-%d").tolist() == [
        "1990-01-02",
        "1990-01-03",
    ]
    with pytest.raises(ValidationError, match="naive"):
        sessions_in_range(pd.Timestamp("2024-01-02", tz="UTC"), "2024-01-05")


def test_us_business_days_whole_table_equals_pandas():
    bday = CustomBusinessDay(calendar=USFederalHolidayCalendar())
    expected = pd.date_range("1960-01-01", TABLE_LAST, freq=bday)
    got = us_business_days("1960-01-01", TABLE_LAST)
    assert list(got) == list(expected)


def test_us_business_days_known_days():
    got = us_business_days("2024-06-14", "2024-06-21").strftime("%m-%d").tolist()
    assert got == ["06-14", "06-17", "06-18", "06-20", "06-21"]  # Juneteenth on 06-19
    assert us_business_days(FED_FIRST, FED_FIRST).empty  # New Year's Day 1970


def test_us_business_days_beyond_table_falls_back_to_pandas():
    got = us_business_days("2040-12-22", "2041-01-03").strftime("%m-%d").tolist()
    assert got == ["12-24", "12-26", "12-27", "12-28", "12-31", "01-02", "01-03"]
