"""Trading calendars (NYSE via exchange-calendars) and date helpers.

US ETF flows and equity bars exist on NYSE sessions only; BTC trades every day (UTC).
"""

from __future__ import annotations

import functools
import warnings
from typing import TYPE_CHECKING

import pandas as pd

from flowscope.errors import ValidationError

if TYPE_CHECKING:
    import exchange_calendars

    from flowscope._typing import DateLike

__all__ = ["is_session", "nyse_calendar", "sessions_in_range"]


@functools.cache
def nyse_calendar() -> exchange_calendars.ExchangeCalendar:
    """Return the XNYS calendar covering 1990 to two years ahead (cached)."""
    import exchange_calendars as xcals

    end = pd.Timestamp.now(tz="UTC").tz_localize(None).normalize() + pd.DateOffset(years=2)
    with warnings.catch_warnings():
        # exchange-calendars uses pandas APIs that pandas 3.1 deprecates; nothing to act on here.
        warnings.simplefilter("ignore", DeprecationWarning)
        warnings.simplefilter("ignore", FutureWarning)
        if hasattr(pd.errors, "Pandas4Warning"):
            warnings.simplefilter("ignore", pd.errors.Pandas4Warning)
        return xcals.get_calendar("XNYS", start="1990-01-01", end=end.strftime("%Y-%m-%d"))


def sessions_in_range(start: DateLike, end: DateLike) -> pd.DatetimeIndex:
    """NYSE sessions in ``[start, end]`` as a naive midnight ``DatetimeIndex``.

    Examples
    --------
    >>> [d.strftime("%m-%d") for d in sessions_in_range("2025-11-26", "2025-12-01")]
    ['11-26', '11-28', '12-01']
    """
    cal = nyse_calendar()
    s, e = pd.Timestamp(start).normalize(), pd.Timestamp(end).normalize()
    if s.tz is not None or e.tz is not None:
        msg = "sessions_in_range takes naive dates"
        raise ValidationError(msg, param_name="start", received=str(start))
    s = max(s, cal.first_session.tz_localize(None) if cal.first_session.tz else cal.first_session)
    last = cal.last_session.tz_localize(None) if cal.last_session.tz else cal.last_session
    e = min(e, last)
    if e < s:
        return pd.DatetimeIndex([])
    out = cal.sessions_in_range(s, e)
    return pd.DatetimeIndex(out.tz_localize(None) if out.tz is not None else out)


def is_session(dates: pd.Series | pd.DatetimeIndex) -> pd.Series:
    """Boolean Series: whether each date is an NYSE session (vectorised)."""
    idx = pd.DatetimeIndex(pd.to_datetime(dates)).normalize()
    if len(idx) == 0:
        return pd.Series([], dtype=bool)
    sessions = sessions_in_range(idx.min(), idx.max())
    return pd.Series(idx.isin(sessions), index=getattr(dates, "index", None))
