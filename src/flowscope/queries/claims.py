"""What ``flowscope check`` reads: flows, daily prices, FOMC documents and meeting odds."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from flowscope.analytics.claims import ClaimData
from flowscope.errors import InsufficientDataError

if TYPE_CHECKING:
    from flowscope.storage import Store

__all__ = ["claim_data", "meeting_odds"]


def meeting_odds(store: Store) -> pd.DataFrame:
    """Market-implied meeting odds held: ``asof, meeting_date, outcome, prob_pct, source``.

    From the FedWatch panel (fed funds futures; ``outcome`` cut/hold/hike by the sign of the
    change) and, when held, prediction markets (each venue's implied cut bound at its last
    quote of the day, with the no-change quote's spread in ``spread_pct``).
    """
    cols = ["asof", "meeting_date", "outcome", "prob_pct", "source", "spread_pct"]
    parts: list[pd.DataFrame] = []
    held = set(store.datasets())
    if "fedwatch_panel" in held:
        p = store.read("fedwatch_panel")
        if not p.empty:
            outcome = np.select(
                [p["change_bp"] < 0, p["change_bp"] > 0], ["cut", "hike"], default="hold"
            )
            g = (
                p.assign(outcome=outcome, asof=p["watch_date"])
                .groupby(["asof", "meeting_date", "outcome", "source"], as_index=False)[
                    "probability"
                ]
                .sum()
            )
            g["prob_pct"] = g["probability"] * 100.0
            g["spread_pct"] = float("nan")
            parts.append(g[cols])
    if "prediction_markets" in held and "fomc_meetings" in held:
        parts.append(_prediction_market_odds(store))
    parts = [p for p in parts if not p.empty]
    if not parts:
        return pd.DataFrame(columns=cols)
    return pd.concat(parts, ignore_index=True)


def _prediction_market_odds(store: Store) -> pd.DataFrame:
    """Each venue's last quote of every UTC day as the implied cut bound, in percent.

    The bound is ``1 - P(no change) - P(hike listed)``; ``spread_pct`` is the bid-ask spread
    of the no-change quote in percentage points (the venue's own uncertainty);
    ``prob_min_pct``/``prob_max_pct`` the day's range of the bound.
    """
    from flowscope.analytics.prediction_markets import cut_bounds
    from flowscope.queries.prediction_markets import load_calendar, load_quotes

    try:
        quotes = load_quotes(store, load_calendar(store))
    except InsufficientDataError:  # no calendar or no quotes held
        return pd.DataFrame()
    if quotes.empty:
        return pd.DataFrame()
    bounds = cut_bounds(quotes).dropna(subset=["cut_upper_bound"])
    spread = quotes[quotes["outcome"] == "no_change"][["ts", "venue", "meeting_date", "spread"]]
    bounds = bounds.merge(spread, on=["ts", "venue", "meeting_date"], how="left")
    bounds["asof"] = bounds["ts"].dt.tz_convert("UTC").dt.tz_localize(None).dt.normalize()
    keys = ["venue", "meeting_date", "asof"]
    bounds = bounds.sort_values("ts")
    day = bounds.groupby(keys)["cut_upper_bound"].agg(["min", "max"]).reset_index()
    last = bounds.groupby(keys).tail(1).merge(day, on=keys)
    return pd.DataFrame(
        {
            "asof": last["asof"],
            "meeting_date": last["meeting_date"],
            "outcome": "cut",
            "prob_pct": last["cut_upper_bound"] * 100.0,
            "source": last["venue"] + " (cut bound " + last["ts"].dt.strftime("%H:%M UTC") + ")",
            "spread_pct": last["spread"] * 100.0,
            "prob_min_pct": last["min"] * 100.0,
            "prob_max_pct": last["max"] * 100.0,
        }
    ).reset_index(drop=True)


def claim_data(store: Store, claims: Sequence[Any], tone_model: Any = None) -> ClaimData:
    """Load what ``claims`` need from ``store`` (one source per dataset, by preference)."""
    metrics = {c.metric for c in claims}
    held = set(store.datasets())
    flows = pd.DataFrame()
    if metrics & {"fund_flow", "flow_record", "cumulative_flow", "aum"} and "etf_flows" in held:
        flows = store.read("etf_flows", preferred=True)
    aum = pd.DataFrame()
    if "aum" in metrics and "etf_flows" in held:
        every = store.read(
            "etf_flows", columns=["date", "fund", "aum_usd", "source", "ts_ingested"]
        )
        aum = every[every["aum_usd"].notna()].reset_index(drop=True)
    prices = pd.DataFrame()
    symbols = sorted({c.symbol for c in claims if hasattr(c, "symbol")})
    if symbols and "prices" in held:
        prices = store.read("prices", where={"symbol": symbols, "interval": "1d"}, preferred=True)
    docs = pd.DataFrame()
    if metrics & {"doc_release", "doc_tone"} and "fomc_docs" in held:
        docs = store.read("fomc_docs", preferred=True)
    odds = meeting_odds(store) if "probability" in metrics else pd.DataFrame()
    bars = pd.DataFrame()
    impact = [c for c in claims if c.metric == "impact_ratio"]
    if impact and "prices" in held:
        from flowscope.queries.liquidity import daily_bars

        try:
            bars = daily_bars(store, impact[0].symbol)
        except InsufficientDataError:
            bars = pd.DataFrame()
    return ClaimData(
        flows=flows, aum=aum, prices=prices, docs=docs, odds=odds, bars=bars, tone_model=tone_model
    )
