"""Brief section: AI rotation (BTC against NVDA, QQQ, SMH … and the rotation score)."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from flowscope.analytics.align import align_daily
from flowscope.analytics.rotation import ROTATION_UNIVERSE, pair_metrics, rotation_snapshot
from flowscope.report._brief_model import BriefContext, BriefSection
from flowscope.report.units import fmt_musd

__all__ = ["STALE_ASSET_DAYS", "build", "rotation_figure"]

#: An asset whose last close is more than this many calendar days before the newest close of
#: the universe is left out of the chart (its row stays in the table with its date).
STALE_ASSET_DAYS = 10


def rotation_figure(pm: pd.DataFrame, asset: str, score: pd.Series | None = None) -> object:
    """Plotly figure: relative strength (asset/BTC), rolling correlations and the score."""
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    rows = 3 if score is not None else 2
    fig = make_subplots(rows=rows, cols=1, shared_xaxes=True, vertical_spacing=0.06)
    fig.add_trace(go.Scatter(x=pm.index, y=pm["rs"], name=f"{asset}/BTC (rebased)"), row=1, col=1)
    for c in [c for c in pm.columns if c.startswith("corr_")]:
        fig.add_trace(go.Scatter(x=pm.index, y=pm[c], name=c.replace("_", " ")), row=2, col=1)
    if score is not None:
        fig.add_trace(
            go.Scatter(x=score.index, y=score, name="rotation score (BTC → asset)"), row=3, col=1
        )
    fig.update_layout(
        height=620,
        title=f"BTC vs {asset}: {asset}/BTC price ratio (rebased) and rolling correlations",
        margin={"t": 50, "b": 30},
        template="plotly_white",
    )
    fig.update_yaxes(title_text="ratio (rebased)", row=1, col=1)
    fig.update_yaxes(title_text="corr", range=[-1, 1], row=2, col=1)
    return fig


def _chart(btc: pd.Series, close: pd.Series, asset: str) -> object:
    """The rotation figure of ``asset`` against BTC over the last two years."""
    al = align_daily(btc, close.rename(asset))
    pm = pair_metrics(al, asset).loc[lambda d: d.index >= d.index[-1] - pd.DateOffset(years=2)]
    return rotation_figure(pm, asset)


def build(ctx: BriefContext) -> BriefSection | None:
    """BTC against the AI/tech universe on the brief's date: correlation regime, relative
    strength trend, 20-session spread and rotation score; None without BTC and equity prices."""
    held = ctx.frames.closes
    if "BTC-USD" not in held:
        return None
    assets: Sequence[str] = [a for a in ROTATION_UNIVERSE if a in held]
    if not assets:
        return None
    btc = held["BTC-USD"]
    closes = {a: held[a] for a in assets}
    newest = max(c.index[-1] for c in closes.values())
    cutoff = newest - pd.Timedelta(days=STALE_ASSET_DAYS)
    dropped = {a: c.index[-1] for a, c in closes.items() if c.index[-1] < cutoff}
    current = {a: c for a, c in closes.items() if a not in dropped}
    flows = ctx.frames.etf_total
    snap = rotation_snapshot(btc, closes, flows=flows)
    sec = BriefSection(key="rotation", title="AI rotation: BTC vs AI and tech stocks")
    for r in snap.itertuples(index=False):
        sec.facts[r.asset] = {
            "date": f"{r.date:%Y-%m-%d}",
            "corr_60": float(r.corr),
            "regime": r.regime,
            "rs_trend": float(r.rs_trend),
            "spread_20": float(r.spread_20),
            "rotation_score": float(r.rotation_score),
        }
    latest = snap["date"].max()
    sec.asof = pd.Timestamp(latest)
    fresh = snap[snap["date"] == latest].dropna(subset=["rotation_score"])
    if fresh.empty:
        fresh = snap.dropna(subset=["rotation_score"]).head(1)
    top = fresh.sort_values("rotation_score", ascending=False).iloc[0]
    sec.bullets.append(
        f"Strongest pull away from BTC: {top['asset']} (rotation score {top['rotation_score']:+.2f}; "
        f"20-session return {top['spread_20']:+.1%} vs BTC; 60-session correlation "
        f"{top['corr']:.2f}, {top['regime']}) as of {top['date']:%Y-%m-%d}."
    )
    stale = snap.loc[snap["date"] < latest, "asset"].tolist()
    if stale:
        sec.bullets.append(
            f"Older data for {', '.join(stale)} (see the date column): not ranked against "
            f"the {latest:%Y-%m-%d} figures."
        )
    if "NVDA" in set(snap["asset"]):
        n = snap.set_index("asset").loc["NVDA"]
        sec.bullets.append(
            f"NVDA vs BTC: correlation {n['corr']:.2f} ({n['regime']}), NVDA/BTC ratio "
            f"{n['rs_trend']:+.1%} vs its 50-session trend, score {n['rotation_score']:+.2f} "
            f"(last NVDA session {n['date']:%Y-%m-%d})."
        )
    if flows is not None:
        last20 = flows[flows.index <= ctx.asof].tail(20)
        sec.bullets.append(
            f"Spot-BTC ETF Total over the last 20 flow days to {last20.index[-1]:%Y-%m-%d}: "
            f"{fmt_musd(last20.sum())} (part of the score: outflows push it up)."
        )
    sec.table = snap.assign(date=snap["date"].dt.strftime("%Y-%m-%d")).rename(
        columns={"corr": "corr_60", "beta": "beta_60"}
    )
    if dropped:
        sec.bullets.append(
            "Left out of the chart, data ended more than "
            f"{STALE_ASSET_DAYS} days before the newest equity close ({newest:%Y-%m-%d}): "
            + ", ".join(f"{a} (last {d:%Y-%m-%d})" for a, d in dropped.items())
            + "."
        )
    sec.facts["stale_assets"] = {a: f"{d:%Y-%m-%d}" for a, d in dropped.items()}
    if current:
        lead = "NVDA" if "NVDA" in current else next(iter(current))
        sec.charts.append(lambda: _chart(btc, current[lead], lead))
    sec.provenance.append(
        "prices: "
        + ", ".join(
            f"{s}: {c.attrs.get('source')} to {c.index[-1]:%Y-%m-%d}"
            for s, c in {"BTC-USD": btc, **closes}.items()
        )
    )
    if flows is not None:
        sec.provenance.append(
            f"etf_flows Total: {flows.index.min():%Y-%m-%d}..{flows.index.max():%Y-%m-%d}"
        )
    sec.facts["definition"] = (
        "rotation score = mean(z(20-session log-return of asset minus BTC), "
        "-z(20-session ETF Total flow)), z over 250 sessions; > 0 = money moving from BTC to the asset"
    )
    return sec
