"""Rate readers: ZQ settlements, the FOMC calendar, FRED policy rates and the FedWatch panel.

Rates are in % (annualised), dates are naive US days. Where several sources hold a ZQ
contract on a date, the first in ``store.preference("fed_futures")`` wins.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from flowscope.analytics.events import fomc_events
from flowscope.errors import InsufficientDataError

if TYPE_CHECKING:
    from flowscope._typing import DateLike
    from flowscope.storage import Store, UpsertResult

__all__ = [
    "FedWatchInputs",
    "fedwatch_panel",
    "fomc_meetings",
    "fred_target_ranges",
    "latest_rates",
    "load_inputs",
    "policy_rates",
    "release_events",
    "write_fedwatch_panel",
]


@dataclass(frozen=True)
class FedWatchInputs:
    """What the FedWatch engine needs, read from the store.

    Attributes
    ----------
    futures
        ``fed_futures`` rows, one per contract and date: the most trusted source's
        (``store.preference("fed_futures")``: the settings' ``source_preference``, else the
        dataset's declared order).
    meetings
        Scheduled FOMC meeting dates.
    unscheduled
        Unscheduled meetings and intermeeting rate changes.
    target_range
        ``date``, ``lower``, ``upper`` (%) from FRED DFEDTARL/DFEDTARU.
    sources
        Futures sources used.
    calendar
        The ``fomc_meetings`` rows (decisions with ``target_lower``/``target_upper``),
        the second input of the starting target range.
    """

    futures: pd.DataFrame
    meetings: pd.Series
    unscheduled: pd.Series
    target_range: pd.DataFrame
    sources: tuple[str, ...]
    calendar: pd.DataFrame


def fred_target_ranges(rates: pd.DataFrame) -> pd.DataFrame:
    """Target range per day from FRED ``DFEDTARL``/``DFEDTARU`` rows (long ``rates`` frame).

    Returns
    -------
    DataFrame
        ``date``, ``lower``, ``upper`` (%).
    """
    rates = rates[rates["series"].isin(["DFEDTARL", "DFEDTARU"])] if not rates.empty else rates
    if rates.empty:
        return pd.DataFrame({"date": pd.Series(dtype="datetime64[ns]"), "lower": [], "upper": []})
    wide = rates.pivot_table(index="date", columns="series", values="value", aggfunc="last")
    return (
        wide.reindex(columns=["DFEDTARL", "DFEDTARU"])
        .rename(columns={"DFEDTARL": "lower", "DFEDTARU": "upper"})
        .reset_index()
    )


def fomc_meetings(store: Store) -> pd.DataFrame:
    """The FOMC calendar held (``fomc_meetings`` rows; empty when none is held)."""
    return store.fomc_meetings()


def policy_rates(
    store: Store, series: Sequence[str], *, end: DateLike | None = None
) -> pd.DataFrame:
    """FRED rows of ``series`` (``series``, ``date``, ``value`` in %, ``source``) up to ``end``."""
    return store.rates(list(series), end=end)


def load_inputs(
    store: Store, *, end: DateLike | None = None, source: str | None = None
) -> FedWatchInputs:
    """Read ZQ settlements (up to ``end``), the FOMC calendar and the target range.

    Raises
    ------
    InsufficientDataError
        No FOMC meetings are held (run ``flowscope init``).
    """
    fut = store.read(
        "fed_futures",
        end=end,
        source=source,
        columns=["date", "contract", "contract_month", "settle", "source"],
    )
    if not fut.empty:
        rank = {s: i for i, s in enumerate(store.preference("fed_futures"))}
        fut["_rank"] = fut["source"].map(rank).fillna(len(rank))
        fut = (
            fut.sort_values(["contract", "date", "_rank"])
            .drop_duplicates(["contract", "date"])
            .drop(columns="_rank")
            .reset_index(drop=True)
        )
    cal = store.fomc_meetings()
    if cal.empty:
        msg = "no FOMC meeting calendar held; run `flowscope init` to load the bundled one"
        raise InsufficientDataError(msg)
    meetings = cal.loc[cal["kind"] == "scheduled", "meeting_date"]
    unscheduled = cal.loc[cal["kind"].isin(["unscheduled", "rate_change"]), "meeting_date"]
    tr = fred_target_ranges(store.rates(["DFEDTARL", "DFEDTARU"]))
    return FedWatchInputs(
        fut,
        meetings.reset_index(drop=True),
        unscheduled.reset_index(drop=True),
        tr,
        tuple(sorted(fut["source"].unique())) if not fut.empty else (),
        cal,
    )


def latest_rates(store: Store, series: Sequence[str], *, asof: pd.Timestamp) -> pd.DataFrame:
    """Newest non-blank value of each FRED ``series`` on or before ``asof``.

    Returns
    -------
    DataFrame
        ``series``, ``date``, ``value`` (%), ``source``; one row per series held.
    """
    marks = ", ".join("?" * len(series))
    return store.sql(
        "SELECT series, date, value, source FROM ("
        " SELECT *, row_number() OVER (PARTITION BY series ORDER BY date DESC) AS rn FROM rates"
        f" WHERE series IN ({marks}) AND date <= ? AND value IS NOT NULL"
        ") WHERE rn = 1",
        [*series, pd.Timestamp(asof).date()],
    )


def release_events(store: Store) -> pd.DataFrame:
    """FOMC statement and minutes release days held in the store.

    Reads the calendar and the minutes in ``fomc_docs`` (one per meeting, by the dataset's
    source preference) and hands them to :func:`flowscope.analytics.events.fomc_events` with
    unscheduled meetings and intermeeting rate changes included, future meetings too.

    Returns
    -------
    DataFrame
        ``date`` (US/Eastern release day), ``kind`` (``statement`` or ``minutes``),
        ``meeting``, ``label``.
    """
    docs = store.read(
        "fomc_docs",
        where={"kind": "minutes"},
        columns=["meeting_date", "kind", "release_ts"],
        preferred=True,
    )
    return fomc_events(store.fomc_meetings(), docs, include_unscheduled=True)


def fedwatch_panel(store: Store, *, end: DateLike | None = None) -> pd.DataFrame | None:
    """The stored FedWatch as-of panel up to ``end``, or None when none is stored."""
    if "fedwatch_panel" not in store.datasets():
        return None
    return store.read("fedwatch_panel", end=end)


def write_fedwatch_panel(store: Store, panel: pd.DataFrame, *, source: str) -> UpsertResult:
    """Upsert a computed panel into the ``fedwatch_panel`` dataset (idempotent).

    The one derived dataset written back: ``flowscope rates panel --store`` keeps it so the
    brief (which opens the store read-only) can show odds moves on release days.
    """
    return store.upsert("fedwatch_panel", panel, source=source, origin="flowscope rates panel")
