"""Trading calendars (NYSE, US federal business days) and date helpers.

US ETF flows and equity bars exist on NYSE sessions only; BTC trades every day (UTC).

Session lists come from two small tables shipped with flowscope (``data/calendars/``), made by
``scripts/build_calendar_tables.py`` from exchange-calendars ``XNYS`` and pandas
``USFederalHolidayCalendar`` and checked against both in ``tests/test_calendars.py``: the
weekdays on which the NYSE held no session (1990 to :data:`TABLE_LAST`) and the US federal
holidays (1970 to :data:`TABLE_LAST`). Building the exchange-calendars object costs about
0.4 s CPU per process; it is only built for dates outside the tables and for session close
times (:func:`nyse_calendar`).
"""

from __future__ import annotations

import functools
import importlib.resources
import warnings
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from flowscope.errors import ValidationError

if TYPE_CHECKING:
    import exchange_calendars

    from flowscope._typing import DateLike

__all__ = [
    "FED_FIRST",
    "TABLE_LAST",
    "XNYS_FIRST",
    "is_session",
    "nyse_calendar",
    "sessions_in_range",
    "us_business_days",
]

#: First day of the NYSE table (sessions before it are not served: exchange-calendars start).
XNYS_FIRST = "1990-01-01"
#: First day of the US federal holiday table (pandas' holiday calendars start there too, so
#: earlier weekdays are all business days, as with ``CustomBusinessDay``).
FED_FIRST = "1970-01-01"
#: Last day of both tables.
TABLE_LAST = "2040-12-31"

_Days = np.ndarray[tuple[int], np.dtype[np.datetime64]]


@functools.cache
def nyse_calendar(end: str | None = None) -> exchange_calendars.ExchangeCalendar:
    """Return the XNYS calendar from 1990 to ``end`` (default: two years ahead; cached)."""
    import exchange_calendars as xcals

    if end is None:
        ahead = pd.Timestamp.now(tz="UTC").tz_localize(None).normalize() + pd.DateOffset(years=2)
        end = ahead.strftime("%Y-%m-%d")
    with warnings.catch_warnings():
        # exchange-calendars uses pandas APIs that pandas 3.1 deprecates; nothing to act on here.
        warnings.simplefilter("ignore", DeprecationWarning)
        warnings.simplefilter("ignore", FutureWarning)
        if hasattr(pd.errors, "Pandas4Warning"):
            warnings.simplefilter("ignore", pd.errors.Pandas4Warning)
        return xcals.get_calendar("XNYS", start=XNYS_FIRST, end=end)


@functools.cache
def _closed_days(name: str) -> _Days:
    res = importlib.resources.files("flowscope") / "data" / "calendars" / name
    lines = res.read_text(encoding="utf-8").split()
    return np.array(lines[1:], dtype="datetime64[D]")


def _naive_days(start: DateLike, end: DateLike) -> tuple[pd.Timestamp, pd.Timestamp]:
    s, e = pd.Timestamp(start).normalize(), pd.Timestamp(end).normalize()
    if s.tz is not None or e.tz is not None:
        msg = "calendar ranges take naive dates"
        raise ValidationError(msg, param_name="start", received=str(start))
    return s, e


def _weekdays_less(s: pd.Timestamp, e: pd.Timestamp, closed: _Days) -> pd.DatetimeIndex:
    days = np.arange(
        np.datetime64(s.date(), "D"), np.datetime64(e.date(), "D") + 1, dtype="datetime64[D]"
    )
    keep = np.is_busday(days, holidays=closed)
    return pd.DatetimeIndex(days[keep].astype("datetime64[ns]"))


def sessions_in_range(start: DateLike, end: DateLike) -> pd.DatetimeIndex:
    """NYSE sessions in ``[start, end]`` as a naive midnight ``DatetimeIndex``.

    Sessions before 1990 are not served (the range is cut there).

    Examples
    --------
    >>> [d.strftime("%m-%d") for d in sessions_in_range("2025-11-26", "2025-12-01")]
    ['11-26', '11-28', '12-01']
    """
    s, e = _naive_days(start, end)
    s = max(s, pd.Timestamp(XNYS_FIRST))
    if e < s:
        return pd.DatetimeIndex([], dtype="datetime64[ns]")
    if e <= pd.Timestamp(TABLE_LAST):
        return _weekdays_less(s, e, _closed_days("xnys_closed_weekdays.csv"))
    out = nyse_calendar(e.strftime("%Y-%m-%d")).sessions_in_range(s, e)
    return pd.DatetimeIndex(out.tz_localize(None) if out.tz is not None else out)


def us_business_days(start: DateLike, end: DateLike) -> pd.DatetimeIndex:
    """Weekdays less US federal holidays (as observed) in ``[start, end]``, naive midnight.

    The same days as ``pd.date_range(start, end, freq=CustomBusinessDay(calendar=
    USFederalHolidayCalendar()))``, which knows no holiday before 1970.

    Examples
    --------
    >>> [d.strftime("%m-%d") for d in us_business_days("2025-11-26", "2025-12-01")]
    ['11-26', '11-28', '12-01']
    """
    s, e = _naive_days(start, end)
    if e < s:
        return pd.DatetimeIndex([], dtype="datetime64[ns]")
    if e <= pd.Timestamp(TABLE_LAST):
        return _weekdays_less(s, e, _closed_days("us_federal_holidays.csv"))
    from pandas.tseries.holiday import USFederalHolidayCalendar
    from pandas.tseries.offsets import CustomBusinessDay

    bday = CustomBusinessDay(calendar=USFederalHolidayCalendar())
    return pd.DatetimeIndex(pd.date_range(s, e, freq=bday))


def is_session(dates: pd.Series | pd.DatetimeIndex) -> pd.Series:
    """Boolean Series: whether each date is an NYSE session (vectorised)."""
    idx = pd.DatetimeIndex(pd.to_datetime(dates)).normalize()
    if len(idx) == 0:
        return pd.Series([], dtype=bool)
    sessions = sessions_in_range(idx.min(), idx.max())
    return pd.Series(idx.isin(sessions), index=getattr(dates, "index", None))
