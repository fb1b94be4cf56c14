"""Brief section: liquidity — measured book depth when snapshots are held, else the seasonal model.

With order-book snapshots in the store the section shows the newest depth within ±1 % and
±2 % of the mid and the spread, labelled **measured**. Without them it shows the square-root
impact model on daily bars (USD to move BTC down 1 % in the Christmas window vs early
December of the last complete year), labelled **model**.
"""

from __future__ import annotations

import pandas as pd

from flowscope.analytics.liquidity.impact import (
    CHRISTMAS_WINDOW,
    NORMAL_WINDOW,
    model_assumptions,
    seasonal_impact,
    window_bounds,
)
from flowscope.analytics.liquidity.thinning import depth_from_levels
from flowscope.errors import InsufficientDataError
from flowscope.report._brief_model import BriefContext, BriefSection

__all__ = ["build"]

_Y = 0.8
_SIGMA_DAYS = 30
_VOLUME_DAYS = 7


def _measured(levels: pd.DataFrame) -> BriefSection:
    depth = depth_from_levels(levels, pcts=(1.0, 2.0))
    sec = BriefSection(key="liquidity", title="Liquidity: order-book depth (measured)")
    for r in depth.itertuples(index=False):
        sec.bullets.append(
            f"Measured, {r.venue} {r.symbol} at {r.ts:%Y-%m-%d %H:%M} UTC: "
            f"${r.depth_usd_1pct / 1e6:,.1f}M within ±1% of the mid, "
            f"${r.depth_usd_2pct / 1e6:,.1f}M within ±2%, spread {r.spread_bps:.1f} bp "
            "(only the levels held count)."
        )
    sec.table = depth
    sec.facts["kind"] = "measured"
    sec.facts["books"] = depth.to_dict("records")
    sec.asof = pd.Timestamp(depth["ts"].max()).tz_convert("UTC").tz_localize(None).normalize()
    sec.provenance.append(
        "book_snapshots: "
        + ", ".join(
            sorted({f"{v} {s}" for v, s in zip(depth["venue"], depth["symbol"], strict=True)})
        )
    )
    return sec


def _model(ctx: BriefContext) -> BriefSection | None:
    bars = ctx.frames.bars
    if bars is None:
        return None
    last_vol = bars.attrs["last_volume_day"]
    if last_vol is None:
        return None
    last = pd.Timestamp(last_vol)
    year = last.year if window_bounds(last.year, CHRISTMAS_WINDOW)[1] <= last else last.year - 1
    with_vol = bars[bars["volume"].notna()]
    try:
        tab = seasonal_impact(
            with_vol,
            [year],
            move_pcts=(1.0,),
            y=_Y,
            sigma_days=_SIGMA_DAYS,
            volume_days=_VOLUME_DAYS,
            n_boot=1000,
        )
    except InsufficientDataError:
        return None
    r = tab.iloc[0]
    sec = BriefSection(
        key="liquidity", title="Liquidity: USD to move BTC at Christmas (model, not measured)"
    )
    sec.bullets.append(
        f"Model, Christmas {year} ({CHRISTMAS_WINDOW[0]}..{CHRISTMAS_WINDOW[1]}): about "
        f"${r['usd_to_move_1pct_christmas'] / 1e6:,.0f}M moves BTC 1%, vs "
        f"${r['usd_to_move_1pct_normal'] / 1e6:,.0f}M in {NORMAL_WINDOW[0]}..{NORMAL_WINDOW[1]}: "
        f"ratio {r['impact_ratio']:.2f} (95% CI {r['impact_ratio_ci_low']:.2f}.."
        f"{r['impact_ratio_ci_high']:.2f}); the desk note's $100M -> $20M is a ratio of 0.20."
    )
    vol_move = "fell" if r["sigma_daily_pct_christmas"] < r["sigma_daily_pct_normal"] else "rose"
    sec.bullets.append(
        f"Volume in the window was {r['volume_ratio']:.0%} of early December's and trailing "
        f"volatility {vol_move} ({r['sigma_daily_pct_normal']:.1f}% -> "
        f"{r['sigma_daily_pct_christmas']:.1f}% a day); no order-book snapshots are held, so "
        "this is a model on daily bars."
    )
    if last_vol != bars.attrs["last_day"]:
        sec.bullets.append(
            f"STALE INPUT: volume ends {last_vol}; bars to {bars.attrs['last_day']} carry none."
        )
    sec.table = tab.reset_index()
    sec.facts["kind"] = "model"
    sec.facts["year"] = int(year)
    sec.facts["impact"] = {
        k: (v.isoformat() if isinstance(v, pd.Timestamp) else v) for k, v in r.items()
    }
    sec.facts["assumptions"] = model_assumptions(
        y=_Y, sigma_days=_SIGMA_DAYS, volume_days=_VOLUME_DAYS
    )
    sec.asof = pd.Timestamp(r["christmas_end"])
    sec.provenance.append(
        f"prices BTC-USD: volume from {bars.attrs['volume_source']} "
        f"{bars.attrs['first_day']}..{last_vol}; square-root law Y={_Y:g}"
    )
    return sec


def build(ctx: BriefContext) -> BriefSection | None:
    """Measured depth from the newest book snapshots held, else the seasonal impact model;
    None when neither book snapshots nor BTC bars with volume are held."""
    levels = ctx.frames.book
    if levels is not None:
        return _measured(levels)
    return _model(ctx)
