"""Brief section and shared loaders for the macro-liquidity front (``flowscope macro``).

:func:`load_indicators` reads the FRED series and computes the weekly indicators;
:func:`snapshot` turns one as-of week into one row per indicator with the inputs used and a
loud stale flag; :func:`weekly_frame` builds the weekly table the lead-lag study and the
causal chain use (BTC returns, ETF flows, AI stocks, financial conditions, cut odds).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from flowscope.analytics.macro import (
    INDICATOR_INPUTS,
    INDICATOR_UNITS,
    friday_grid,
    macro_indicators,
    stale_inputs,
)
from flowscope.analytics.macro_leadlag import weekly_last, weekly_log_returns
from flowscope.errors import InsufficientDataError
from flowscope.queries.macro import (
    daily_close,
    etf_total_flows,
    macro_observations,
    next_meeting_cut_odds,
)
from flowscope.report._brief_model import BriefContext, BriefSection

if TYPE_CHECKING:
    from flowscope.queries import Store

__all__ = ["build", "load_indicators", "snapshot", "weekly_frame"]


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
    obs = macro_observations(store, end=asof)
    if obs.empty:
        msg = (
            "no macro series held (WALCL, RRPONTSYD, M2SL, DGS10 ...): run `flowscope init` "
            "or `flowscope import` FRED files"
        )
        raise InsufficientDataError(msg)
    end = asof if asof is not None else obs["date"].max()
    grid = friday_grid(obs["date"].min(), end)
    if asof is not None and (len(grid) == 0 or grid[-1] != asof):
        grid = grid.append(pd.DatetimeIndex([asof]))
    return macro_indicators(obs, grid, drop_stale=drop_stale)


def snapshot(ind: pd.DataFrame, asof: pd.Timestamp | None = None) -> pd.DataFrame:
    """One row per indicator on the as-of week: value, unit, inputs used, stale inputs."""
    day = ind.index[-1] if asof is None else ind.index[ind.index <= asof][-1]
    row = ind.loc[day]
    rows = []
    for name, unit in INDICATOR_UNITS.items():
        inputs = INDICATOR_INPUTS[name]
        used = {
            s: row[f"{s}__date"]
            for s in inputs
            if f"{s}__date" in row.index and pd.notna(row[f"{s}__date"])
        }
        stale = stale_inputs(pd.Series({f"{s}__date": d for s, d in used.items()}), day)
        rows.append(
            {
                "indicator": name,
                "value": float(row[name]) if pd.notna(row[name]) else np.nan,
                "unit": unit,
                "inputs": ", ".join(f"{s} {pd.Timestamp(d):%Y-%m-%d}" for s, d in used.items()),
                "stale": "; ".join(stale) if stale else "",
            }
        )
    out = pd.DataFrame(rows)
    out.attrs["asof"] = day
    return out


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


def _fmt(name: str, v: float) -> str:
    if name.endswith("_usd"):
        return f"${v / 1e9:,.0f} bn"
    if name.endswith("_bp"):
        return f"{v:+.0f} bp"
    if name == "liquidity_score":
        return f"{v:+.2f} z"
    return f"{v:.2f}%"


def build(ctx: BriefContext) -> BriefSection | None:
    """Macro liquidity on the brief's day: net liquidity and its 13-week change, M2 growth,
    curve slope, real policy rate, dollar momentum, funding stress, composite score; stale
    inputs named. None when no macro series is held."""
    try:
        ind = load_indicators(ctx.store, asof=ctx.asof)
    except InsufficientDataError:
        return None
    snap = snapshot(ind)
    bullets = [
        f"{r.indicator}: {_fmt(r.indicator, r.value)}"
        + (f" — STALE input: {r.stale}" if r.stale else "")
        for r in snap.itertuples()
        if pd.notna(r.value)
    ]
    bullets += [f"note: {w}" for w in ind.attrs.get("warnings", [])]
    facts = {
        str(r.indicator): (None if pd.isna(r.value) else float(r.value)) for r in snap.itertuples()
    }
    return BriefSection(
        key="macro",
        title="Macro liquidity",
        bullets=bullets,
        table=snap,
        facts=facts,
        provenance=[
            "rates: FRED (WALCL, RRPONTSYD, M2SL, DGS2/DGS10, DTWEXBGS, EFFR, SOFR, IORB, NFCI)"
        ],
        asof=pd.Timestamp(snap.attrs["asof"]),
    )
