"""ETF flow readers: the all-fund Total per trading day, in USD.

Dates are US trading days (naive). A blank Total is missing, never zero.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from flowscope.analytics import flows as fa
from flowscope.schemas.funds import fund_lifetimes

if TYPE_CHECKING:
    from flowscope.storage import Store

__all__ = ["etf_total_flows", "flows_wide", "latest_total_flow"]


def etf_total_flows(store: Store, *, end: pd.Timestamp | None = None) -> pd.Series | None:
    """All-fund spot-Bitcoin ETF net flow per trading day (USD), or None when none is held.

    One source is used: ``farside`` when it holds the Total, else the first one found.
    """
    df = store.etf_flows(funds="Total", end=end)
    df = df.dropna(subset=["flow_usd"])
    if df.empty:
        return None
    if df["source"].nunique() > 1:
        src = "farside" if (df["source"] == "farside").any() else df["source"].iloc[0]
        df = df[df["source"] == src]
    s = df.set_index("date")["flow_usd"].astype(float)
    s.index = pd.DatetimeIndex(s.index).normalize()
    return s


def flows_wide(
    store: Store, *, end: pd.Timestamp | None = None
) -> tuple[pd.DataFrame, pd.DataFrame] | None:
    """Held flows up to ``end``, clipped to fund lifetimes: long rows and date x fund (USD).

    Returns
    -------
    (long, wide) or None
        ``long``: ``etf_flows`` rows of every source; ``wide``: one figure per (date, fund)
        by ``store.preference("etf_flows")``, ``Total`` a column when a source publishes
        it. None when no flow figure is held.
    """
    flows = store.etf_flows(end=end)
    if flows.empty or flows["flow_usd"].notna().sum() == 0:
        return None
    flows = fa.clip_to_lifetimes(flows, fund_lifetimes())
    return flows, fa.flows_wide(flows, priority=store.preference("etf_flows"))


def latest_total_flow(store: Store, *, asof: pd.Timestamp) -> pd.DataFrame:
    """The newest all-fund Total with a figure on or before ``asof``.

    Returns
    -------
    DataFrame
        At most one row: ``date``, ``flow_usd`` (USD), ``source``.
    """
    return store.sql(
        "SELECT date, flow_usd, source FROM etf_flows WHERE fund = 'Total' AND date <= ? "
        "AND flow_usd IS NOT NULL ORDER BY date DESC, source LIMIT 1",
        [pd.Timestamp(asof).date()],
    )
