"""Brief section: Christmas seasonality of BTC by market regime (shown Dec 1 to Jan 5).

Outside that span the section is skipped unless asked for (``build(ctx, force=True)``, as
``flowscope season christmas`` does for its own output).
"""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING

import pandas as pd

from flowscope.analytics.seasonality import (
    CHRISTMAS_WINDOW,
    REGIME_RULES,
    christmas_table,
    regime_labels,
    regime_summary,
)
from flowscope.errors import SmallSampleWarning
from flowscope.report._brief_model import BriefContext, BriefSection

if TYPE_CHECKING:
    import plotly.graph_objects as go

__all__ = ["build", "in_season"]


def in_season(day: pd.Timestamp) -> bool:
    """True from December 1 to January 5 (the run-up to and the holiday window itself)."""
    return bool(day.month == 12 or (day.month == 1 and day.day <= 5))


def _figure(show: pd.DataFrame) -> go.Figure:
    import plotly.graph_objects as go

    colors = ["#16a34a" if v > 0 else "#dc2626" for v in show["return_pct"]]
    labels = [f"ma200: {m}" for m in show["ma200"]]
    fig = go.Figure(go.Bar(x=show["year"], y=show["return_pct"], marker_color=colors, text=labels))
    fig.update_layout(
        title="BTC Dec 24-31 return by year (%), regime by the 200-day MA",
        yaxis_title="%",
        height=360,
        margin={"t": 50, "b": 30},
    )
    return fig


def build(ctx: BriefContext, *, force: bool = False, years: int = 10) -> BriefSection | None:
    """Christmas (Dec 24-31) BTC returns of the last ``years`` complete windows, split by the
    three regime rules, and today's regime by each rule; None outside the season (unless
    ``force``) or without BTC prices."""
    if not (force or in_season(ctx.asof)):
        return None
    if "BTC-USD" not in ctx.frames.closes:
        return None
    btc = ctx.frames.closes["BTC-USD"]
    last_year = btc.index[-1].year
    yrs = range(last_year - years, last_year + 1)
    tab = christmas_table(btc, yrs)
    tab = tab.tail(years)
    sec = BriefSection(key="seasonality", title="Seasonality: BTC at Christmas, by regime")
    sec.asof = pd.Timestamp(btc.index[-1])
    now = {rule: regime_labels(btc, rule).iloc[-1] for rule in REGIME_RULES}
    sec.bullets.append(
        f"Regime on {btc.index[-1]:%Y-%m-%d}: "
        + ", ".join(f"{rule} {now[rule]}" for rule in REGIME_RULES)
        + "."
    )
    for rule in REGIME_RULES:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", SmallSampleWarning)
            summ = regime_summary(tab, rule)
        parts = []
        for reg in ("bull", "bear"):
            r = summ.loc[reg]
            if r["n"]:
                parts.append(
                    f"{reg} {r['mean']:+.1%} (95% CI {r['ci_low']:+.1%}..{r['ci_high']:+.1%}, n={r['n']})"
                )
        sec.bullets.append(f"Dec 24-31 mean return by {rule}: " + "; ".join(parts) + ".")
        sec.facts[rule] = summ.reset_index().to_dict("records")
    sec.bullets.append(
        f"Only {len(tab)} Christmases: any bull/bear difference rests on a handful of years."
    )
    show = tab.reset_index()[["year", "dec25_close", "return", *REGIME_RULES, "seed_label"]]
    show["return_pct"] = show.pop("return") * 100
    sec.table = show
    sec.charts.append(lambda: _figure(show))
    sec.provenance.append(
        f"prices BTC-USD: {btc.attrs.get('source')} {btc.index[0]:%Y-%m-%d}..{btc.index[-1]:%Y-%m-%d}"
        f"; window {CHRISTMAS_WINDOW[0]}..{CHRISTMAS_WINDOW[1]} (UTC closes)"
    )
    return sec
