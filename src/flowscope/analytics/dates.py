"""Release days of dated documents: a stored release time turned into a US/Eastern day.

Convention
----------
Release times are stored in UTC (``fomc_docs.release_ts``). A source that gives only the day
of a release is stored as that day at exactly **00:00 UTC**, which means "time unknown", not
midnight: converted to New York time it would fall on the evening before (19:00 or 20:00 ET)
and date the release one day early. So:

* exactly 00:00:00 UTC → time unknown → the **UTC calendar day** is the release day;
* any other time → the **US/Eastern** (``America/New_York``) calendar day of that instant.

FOMC statements and minutes are released at 2 p.m. ET (18:00 or 19:00 UTC), so a real release
is never at 00:00 UTC and the rule cannot misread one.
"""

from __future__ import annotations

import pandas as pd

__all__ = ["RELEASE_TZ", "release_day", "release_time_unknown"]

#: Time zone of FOMC (and other US policy) releases.
RELEASE_TZ = "America/New_York"


def _as_utc(release_ts: pd.Series) -> pd.Series:
    ts = pd.to_datetime(release_ts)
    if isinstance(ts.dtype, pd.DatetimeTZDtype):
        return ts.dt.tz_convert("UTC")
    return ts.dt.tz_localize("UTC")


def release_time_unknown(release_ts: pd.Series) -> pd.Series:
    """True where a stored release time is exactly 00:00 UTC (only the day is known).

    Parameters
    ----------
    release_ts
        Release times, tz-aware (any zone) or naive (taken as UTC).

    Returns
    -------
    Series of bool
        Same index; ``False`` for missing values.

    Examples
    --------
    >>> ts = pd.Series(pd.to_datetime(["2025-11-19 00:00", "2025-11-19 19:00"], utc=True))
    >>> release_time_unknown(ts).tolist()
    [True, False]
    """
    utc = _as_utc(release_ts)
    return (utc == utc.dt.floor("D")).fillna(value=False).astype(bool)


def release_day(release_ts: pd.Series) -> pd.Series:
    """US/Eastern calendar day of each release (see the module docstring for the rule).

    Parameters
    ----------
    release_ts
        Release times, tz-aware (any zone) or naive (taken as UTC); 00:00 UTC means the time
        is unknown and only the (UTC) day is.

    Returns
    -------
    Series of datetime64[ns]
        Naive midnight of the release day, same index; ``NaT`` where ``release_ts`` is missing.

    Examples
    --------
    Minutes stored with an unknown time keep their day; a known 2 p.m. ET release (19:00 UTC)
    is on that ET day; 01:30 UTC is still the evening before in New York:

    >>> ts = pd.Series(pd.to_datetime(
    ...     ["2025-11-19 00:00", "2025-11-19 19:00", "2025-11-20 01:30"], utc=True))
    >>> release_day(ts).dt.strftime("%Y-%m-%d").tolist()
    ['2025-11-19', '2025-11-19', '2025-11-19']
    """
    utc = _as_utc(release_ts)
    utc_day = utc.dt.tz_localize(None).dt.floor("D")
    local_day = utc.dt.tz_convert(RELEASE_TZ).dt.tz_localize(None).dt.floor("D")
    unknown = release_time_unknown(utc)
    return local_day.where(~unknown, utc_day).astype("datetime64[ns]")
