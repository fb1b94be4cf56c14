"""Macro-liquidity loaders shared by ``flowscope macro`` and the dashboard.

:func:`load_indicators` reads the FRED series and computes the weekly indicators
(:func:`flowscope.report.sections.macro.indicators`); :func:`weekly_frame` builds the weekly
table the lead-lag study and the causal chain use (BTC returns, ETF flows, AI stocks,
financial conditions, cut odds).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from flowscope.analytics.macro import INDICATOR_UNITS
from flowscope.analytics.macro_leadlag import weekly_last, weekly_log_returns
from flowscope.errors import InsufficientDataError
from flowscope.queries.macro import (
    daily_close,
    etf_total_flows,
    macro_observations,
    next_meeting_cut_odds,
)
from flowscope.report.sections.macro import indicators, snapshot

if TYPE_CHECKING:
    from flowscope.queries import Store

__all__ = ["load_indicators", "snapshot", "weekly_frame"]


def load_indicators(
    store: Store, *, asof: pd.Timestamp | None = None, drop_stale: bool = False
) -> pd.DataFrame:
    """Weekly (Friday) indicators up to ``asof`` (default: a week past the newest
    observation); ``attrs["warnings"]`` lists fallbacks.

    Raises
    ------
    InsufficientDataError
        No macro series held, or none before ``asof``.
    """
    return indicators(macro_observations(store, end=asof), asof=asof, drop_stale=drop_stale)


def weekly_frame(store: Store) -> tuple[pd.DataFrame, dict[str, str]]:
    """Weekly (Friday) table for the lead-lag study and the chain, and why columns are absent.

    Columns: ``btc_ret`` (log), ``etf_flow_usd`` (week sum, USD), ``ai_ret`` (SMH, else
    NVDA, log), ``spx_ret`` (SPY, log), ``conditions_chg`` (NFCI weekly change),
    ``cut_odds_chg`` (next-meeting cut probability, weekly change), and the weekly change of
    each indicator (stale inputs dropped).
    """
    missing: dict[str, str] = {}
    ind = load_indicators(store, drop_stale=True)
    cols: dict[str, pd.Series] = {}
    btc = daily_close(store, "BTC-USD")
    if btc is None:
        msg = "no BTC-USD daily prices held: run `flowscope init`"
        raise InsufficientDataError(msg)
    cols["btc_ret"] = weekly_log_returns(btc)
    flows = etf_total_flows(store)
    if flows is None:
        missing["etf_flow_usd"] = "no spot-ETF flows held"
    else:
        cols["etf_flow_usd"] = flows.resample("W-FRI").sum(min_count=1)
    ai = daily_close(store, "SMH")
    ai_name = "SMH"
    if ai is None:
        ai, ai_name = daily_close(store, "NVDA"), "NVDA"
    if ai is None:
        missing["ai_ret"] = "no SMH or NVDA prices held"
    else:
        cols["ai_ret"] = weekly_log_returns(ai)
    spy = daily_close(store, "SPY")
    if spy is None:
        missing["spx_ret"] = "no SPY prices held"
    else:
        cols["spx_ret"] = weekly_log_returns(spy)
    odds = next_meeting_cut_odds(store)
    if odds is None:
        missing["cut_odds_chg"] = (
            "no futures-implied cut odds held (fedwatch_panel is empty: import ZQ futures "
            "and run `flowscope rates panel`)"
        )
    else:
        cols["cut_odds_chg"] = weekly_last(odds).diff()
    weekly = pd.DataFrame(cols)
    levels = [c for c in INDICATOR_UNITS if c in ind and "_chg_" not in c]
    changes = ind[levels].diff()
    changes = changes.rename(columns={"net_liquidity_usd": "net_liquidity_chg_usd"})
    weekly = weekly.join(changes, how="outer")
    weekly["conditions_chg"] = weekly.get("nfci", np.nan)
    if weekly["conditions_chg"].notna().sum() == 0:
        missing["conditions_chg"] = "no NFCI held"
    weekly.attrs["ai_symbol"] = ai_name
    weekly.attrs["warnings"] = ind.attrs.get("warnings", [])
    return weekly, missing
