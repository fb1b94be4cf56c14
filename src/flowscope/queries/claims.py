"""What ``flowscope check`` reads: flows, daily prices, FOMC documents and meeting odds."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from flowscope.analytics.claims import ClaimData

if TYPE_CHECKING:
    from flowscope.storage import Store

__all__ = ["claim_data", "meeting_odds"]


def meeting_odds(store: Store) -> pd.DataFrame:
    """Market-implied meeting odds held: ``asof, meeting_date, outcome, prob_pct, source``.

    From the FedWatch panel (fed funds futures; ``outcome`` cut/hold/hike by the sign of the
    change) and, when held, prediction markets.
    """
    cols = ["asof", "meeting_date", "outcome", "prob_pct", "source"]
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
            parts.append(g[cols])
    if not parts:
        return pd.DataFrame(columns=cols)
    return pd.concat(parts, ignore_index=True)


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
    return ClaimData(
        flows=flows, aum=aum, prices=prices, docs=docs, odds=odds, tone_model=tone_model
    )
