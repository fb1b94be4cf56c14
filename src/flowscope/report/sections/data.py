"""Brief section: the data held (latest BTC price, ETF flow day, policy rate, coverage)."""

from __future__ import annotations

import pandas as pd

from flowscope.report._brief_model import BriefContext, BriefSection
from flowscope.report.units import fmt_musd

__all__ = ["build"]


def _provenance(cov: pd.DataFrame) -> list[str]:
    return [
        f"{r.dataset}: {r.source}, {r.rows:,} rows, {r.start:%Y-%m-%d}..{r.end:%Y-%m-%d}"
        for r in cov.itertuples(index=False)
        if r.rows
    ]


def build(ctx: BriefContext) -> BriefSection | None:
    """Latest BTC close, latest ETF flow day (Total), latest target range and EFFR."""
    fr = ctx.frames
    sec = BriefSection(key="data", title="Data inventory")
    btc = fr.btc_latest
    if not btc.empty:
        last = btc.iloc[0]
        prev = btc[btc["ts"] <= last["ts"] - pd.Timedelta(days=7)]
        line = f"BTC-USD close {last['ts']:%Y-%m-%d} (UTC day, {last['source']}): ${last['close']:,.2f}"
        sec.facts["btc_close"] = {
            "date": f"{last['ts']:%Y-%m-%d}",
            "close_usd": float(last["close"]),
            "source": last["source"],
        }
        if not prev.empty:
            chg = last["close"] / prev.iloc[0]["close"] - 1
            line += f" ({chg:+.1%} over 7 days)"
            sec.facts["btc_close"]["change_7d_pct"] = float(chg * 100)
        sec.bullets.append(line)
    flows = fr.latest_total_flow
    if not flows.empty:
        f = flows.iloc[0]
        sec.bullets.append(
            f"Latest ETF flow day {f['date']:%Y-%m-%d}: all-fund Total {fmt_musd(f['flow_usd'])} "
            f"({f['source']})"
        )
        sec.facts["etf_total"] = {
            "date": f"{f['date']:%Y-%m-%d}",
            "flow_usd": float(f["flow_usd"]),
            "source": f["source"],
        }
    rates = fr.latest_rates
    if not rates.empty:
        r = rates.set_index("series")
        if {"DFEDTARL", "DFEDTARU"} <= set(r.index):
            lo, hi = r.loc["DFEDTARL"], r.loc["DFEDTARU"]
            line = f"Fed target range {lo['value']:.2f}-{hi['value']:.2f} % (as of {hi['date']:%Y-%m-%d})"
            sec.facts["target_range"] = {
                "lower_pct": float(lo["value"]),
                "upper_pct": float(hi["value"]),
                "date": f"{hi['date']:%Y-%m-%d}",
            }
            if "EFFR" in r.index:
                e = r.loc["EFFR"]
                line += f"; EFFR {e['value']:.2f} % ({e['date']:%Y-%m-%d})"
                sec.facts["effr"] = {"pct": float(e["value"]), "date": f"{e['date']:%Y-%m-%d}"}
            sec.bullets.append(line)
    cov = fr.coverage
    held = cov[cov["rows"] > 0]
    if held.empty and not sec.bullets:
        return None
    shown = [pd.Timestamp(v["date"]) for v in sec.facts.values() if isinstance(v, dict)]
    sec.asof = max(shown, default=None)
    sec.table = held[["dataset", "source", "rows", "start", "end"]].reset_index(drop=True)
    sec.provenance = _provenance(held)
    return sec
