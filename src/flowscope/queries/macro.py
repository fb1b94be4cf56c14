"""Store to frames for the macro-liquidity front: FRED series, closes, ETF flows, cut odds."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from flowscope.schemas.macro import MACRO_SERIES

if TYPE_CHECKING:
    from flowscope.storage import Store

__all__ = ["daily_close", "etf_total_flows", "macro_observations", "next_meeting_cut_odds"]


def macro_observations(store: Store, *, end: pd.Timestamp | None = None) -> pd.DataFrame:
    """Declared macro series (:mod:`flowscope.schemas.macro`) from ``rates``, one row per
    series and date (most trusted source): ``series``, ``date``, ``value`` (FRED unit)."""
    ids = [m.series for m in MACRO_SERIES]
    df = store.read(
        "rates", where={"series": ids}, end=end, columns=["series", "date", "value"], preferred=True
    )
    return df.dropna(subset=["value"]).reset_index(drop=True)


def daily_close(store: Store, symbol: str) -> pd.Series | None:
    """Daily closes of ``symbol`` (most trusted source per day), naive dates; None if not held."""
    bars = store.read(
        "prices",
        where={"symbol": symbol, "interval": "1d"},
        columns=["ts", "close"],
        preferred=True,
    )
    bars = bars.dropna(subset=["close"])
    if bars.empty:
        return None
    idx = pd.DatetimeIndex(bars["ts"]).tz_convert("UTC").tz_localize(None).normalize()
    return pd.Series(bars["close"].to_numpy(float), index=idx, name=symbol)


def etf_total_flows(store: Store) -> pd.Series | None:
    """All-fund spot-Bitcoin ETF net flow per US trading day (USD), most trusted source."""
    df = store.read(
        "etf_flows", where={"fund": "Total"}, columns=["date", "flow_usd"], preferred=True
    ).dropna(subset=["flow_usd"])
    if df.empty:
        return None
    return pd.Series(df["flow_usd"].to_numpy(float), index=pd.DatetimeIndex(df["date"]))


def next_meeting_cut_odds(store: Store) -> pd.Series | None:
    """Probability (0..1) of a cut at the next FOMC meeting, per watch date, from the
    ``fedwatch_panel`` table (futures-implied); None when that table holds nothing."""
    if "fedwatch_panel" not in store.datasets():
        return None
    df = store.sql(
        "WITH nxt AS (SELECT watch_date, min(meeting_date) AS meeting_date FROM fedwatch_panel "
        "WHERE meeting_date >= watch_date GROUP BY watch_date) "
        "SELECT p.watch_date, sum(CASE WHEN p.change_bp < 0 THEN p.probability ELSE 0 END) "
        "AS p_cut FROM fedwatch_panel p JOIN nxt USING (watch_date, meeting_date) "
        "GROUP BY p.watch_date ORDER BY p.watch_date"
    )
    if df.empty:
        return None
    return pd.Series(df["p_cut"].to_numpy(float), index=pd.DatetimeIndex(df["watch_date"]))
