"""Prediction-market quotes on FOMC decisions, mapped to the FOMC calendar's meetings."""

from __future__ import annotations

import pandas as pd

from flowscope.errors import InsufficientDataError
from flowscope.storage import Store

__all__ = ["IMPORT_HINT", "load_calendar", "load_quotes", "quotes_for_meeting"]

IMPORT_HINT = (
    "import an order-book snapshot file with `flowscope import prediction_markets FILE` "
    "or run `flowscope update --connector kalshi --connector polymarket`"
)


def load_calendar(store: Store) -> pd.DataFrame:
    """The FOMC meeting calendar (``fomc_meetings``, one row per meeting).

    Raises
    ------
    InsufficientDataError
        No calendar held (run ``flowscope init``).
    """
    cal = store.fomc_meetings()
    if cal.empty:
        msg = "no FOMC meeting calendar held; run `flowscope init` to load the bundled one"
        raise InsufficientDataError(msg)
    return cal


def load_quotes(store: Store, calendar: pd.DataFrame) -> pd.DataFrame:
    """Every quote held, with ``meeting_date``: the scheduled meeting in the market's month.

    Parameters
    ----------
    store
        An open store.
    calendar
        ``fomc_meetings`` rows (see :func:`load_calendar`).

    Returns
    -------
    DataFrame
        ``prediction_markets`` columns (``ts`` UTC) plus ``meeting_date`` (NaT where the
        calendar has no scheduled meeting in that month), sorted by ``ts``. Each venue's
        quotes come from one source per market and time: the most trusted one held.
    """
    q = store.read("prediction_markets", preferred=True)
    sched = calendar.loc[calendar["kind"] == "scheduled", ["meeting_date"]].copy()
    sched["meeting_month"] = sched["meeting_date"].dt.to_period("M").dt.to_timestamp()
    sched = sched.drop_duplicates("meeting_month")
    q["meeting_month"] = pd.to_datetime(q["meeting_month"])
    out = q.merge(sched, on="meeting_month", how="left")
    return out.sort_values(["ts", "venue", "market_id"]).reset_index(drop=True)


def quotes_for_meeting(quotes: pd.DataFrame, meeting: pd.Timestamp) -> pd.DataFrame:
    """The quotes of one meeting.

    Raises
    ------
    InsufficientDataError
        None held for it; the message lists the meetings that have quotes.
    """
    sub = quotes[quotes["meeting_date"] == meeting]
    if sub.empty:
        held = sorted({f"{m:%Y-%m-%d}" for m in quotes["meeting_date"].dropna()})
        if quotes.empty:
            msg = f"no prediction-market quotes held; {IMPORT_HINT}"
        else:
            msg = (
                f"no prediction-market quotes for a meeting on {meeting:%Y-%m-%d}; meetings "
                f"with quotes: {', '.join(held) or 'none (no calendar meeting in their month)'}"
            )
        raise InsufficientDataError(msg)
    return sub.reset_index(drop=True)
