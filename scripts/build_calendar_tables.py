"""Write the holiday tables behind :mod:`flowscope.calendars`.

``src/flowscope/data/calendars/xnys_closed_weekdays.csv``
    Every Monday-to-Friday on which the NYSE held no session (exchange-calendars ``XNYS``,
    regular holidays and special closures such as 2001-09-11 and 2012-10-29).
``src/flowscope/data/calendars/us_federal_holidays.csv``
    US federal holidays as observed (pandas ``USFederalHolidayCalendar``).

Both are derived from the rules in those libraries (Apache-2.0 and BSD-3-Clause), one
``date`` (YYYY-MM-DD) a line. ``tests/test_calendars.py`` checks them against the libraries.
Re-run after upgrading exchange-calendars or when the table end comes near::

    python scripts/build_calendar_tables.py
"""

from __future__ import annotations

import warnings
from pathlib import Path

import pandas as pd

from flowscope.calendars import FED_FIRST, TABLE_LAST, XNYS_FIRST

OUT = Path(__file__).resolve().parents[1] / "src" / "flowscope" / "data" / "calendars"


def xnys_closed_weekdays() -> pd.DatetimeIndex:
    """Weekdays in the table range that are not XNYS sessions."""
    import exchange_calendars as xcals

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cal = xcals.get_calendar("XNYS", start=XNYS_FIRST, end=TABLE_LAST)
    sessions = pd.DatetimeIndex(cal.sessions).tz_localize(None)
    weekdays = pd.bdate_range(XNYS_FIRST, TABLE_LAST)
    return weekdays.difference(sessions)


def us_federal_holidays() -> pd.DatetimeIndex:
    """US federal holidays (observed) in the table range."""
    from pandas.tseries.holiday import USFederalHolidayCalendar

    return USFederalHolidayCalendar().holidays(FED_FIRST, TABLE_LAST)


def _write(name: str, days: pd.DatetimeIndex) -> None:
    text = "date\n" + "".join(f"{d:%Y-%m-%d}\n" for d in days)
    (OUT / name).write_text(text, encoding="utf-8")
    print(f"{name}: {len(days)} days, {days.min():%Y-%m-%d} .. {days.max():%Y-%m-%d}")


if __name__ == "__main__":
    OUT.mkdir(parents=True, exist_ok=True)
    _write("xnys_closed_weekdays.csv", xnys_closed_weekdays())
    _write("us_federal_holidays.csv", us_federal_holidays())
