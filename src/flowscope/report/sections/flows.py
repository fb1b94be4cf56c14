"""Brief section: spot-Bitcoin ETF flows (latest day per fund and Total, sums, streak, records).

Also provides :func:`flow_figure`, the red/green daily-bar chart with a cumulative line used by
``flowscope flows chart`` and the HTML brief.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from flowscope.analytics import flows as fa
from flowscope.report._brief_model import BriefContext, BriefSection
from flowscope.report.charts import price_flow_figure
from flowscope.report.units import USD_PER_MUSD, fmt_musd, musd

if TYPE_CHECKING:
    import plotly.graph_objects as go

__all__ = ["build", "flow_figure"]

GREEN = "#2e9d5b"
RED = "#d64545"


def flow_figure(series: pd.Series, *, label: str = "Total") -> go.Figure:
    """Daily net flow bars (green in, red out, US$ M) with the cumulative net flow line.

    Parameters
    ----------
    series
        Daily flows in USD indexed by US trading day.
    label
        Fund ticker or ``"Total"`` for the title.

    Returns
    -------
    plotly.graph_objects.Figure
        Bars on the left axis ($M per day), cumulative line on the right axis ($M).
    """
    import plotly.graph_objects as go

    s = series.dropna().sort_index() / USD_PER_MUSD
    cum = s.cumsum()
    colors = np.where(s.to_numpy() < 0, RED, GREEN)
    fig = go.Figure()
    fig.add_bar(
        x=s.index,
        y=s.round(1),
        marker_color=colors.tolist(),
        name="daily net flow ($M)",
        hovertemplate="%{x|%Y-%m-%d}: %{y:,.1f} $M<extra></extra>",
    )
    fig.add_scatter(
        x=cum.index,
        y=cum.round(1),
        mode="lines",
        name="cumulative ($M)",
        yaxis="y2",
        line={"color": "#3b5bdb", "width": 2},
        hovertemplate="%{x|%Y-%m-%d}: %{y:,.1f} $M cumulative<extra></extra>",
    )
    who = "all US spot-Bitcoin ETFs (Total)" if label == "Total" else label
    fig.update_layout(
        title=f"Daily net flows, {who}, US$ M (US trading days)",
        yaxis={"title": "daily net flow, US$ M"},
        yaxis2={
            "title": "cumulative, US$ M",
            "overlaying": "y",
            "side": "right",
            "showgrid": False,
        },
        legend={"orientation": "h", "y": -0.15},
        bargap=0.1,
        template="plotly_white",
        margin={"l": 60, "r": 60, "t": 60, "b": 40},
    )
    return fig


#: Label of the table row that shows the funds' sum minus the Total, when they differ.
DIFF_ROW = "funds - Total"


def fund_table(wide: pd.DataFrame, window: pd.DatetimeIndex) -> tuple[pd.DataFrame, str]:
    """Per-fund latest day, 5- and 20-session sums over ``window``, reconciled with the Total.

    Parameters
    ----------
    wide
        Date x fund flows in USD with a ``Total`` column (:func:`~flowscope.analytics.flows.flows_wide`).
    window
        The last sessions of the Total (up to 20), oldest first; the latest is the table's day.

    Returns
    -------
    table, note
        ``table``: one row per fund with a figure in ``window`` (funds A..Z, then ``Total``),
        columns ``fund``, ``latest_musd``, ``sum_5d_musd``, ``sum_20d_musd`` (US$ M, sums of
        the figures held; empty = no figure) and ``days_20d`` (sessions with a figure); when
        the funds do not add up to the Total a last row ``funds - Total`` holds the gap.
        ``note``: a sentence naming funds without a figure on the latest day and any gap, or
        ``""``.
    """
    w = wide.loc[window]
    last = window[-1]
    funds = [c for c in w.columns if c != "Total" and w[c].notna().any()]
    cols = [*funds, "Total"]
    latest = w.loc[last, cols]
    sum5 = w.iloc[-5:][cols].sum(min_count=1)
    sum20 = w[cols].sum(min_count=1)
    tab = pd.DataFrame(
        {
            "fund": cols,
            "latest_musd": musd(latest).to_numpy(),
            "sum_5d_musd": musd(sum5).to_numpy(),
            "sum_20d_musd": musd(sum20).to_numpy(),
            "days_20d": w[cols].notna().sum().to_numpy(),
        }
    )
    fsum = pd.Series(
        {
            "latest_musd": latest[funds].sum(),
            "sum_5d_musd": sum5[funds].sum(),
            "sum_20d_musd": sum20[funds].sum(),
        }
    )
    tot = pd.Series(
        {
            "latest_musd": latest["Total"],
            "sum_5d_musd": sum5["Total"],
            "sum_20d_musd": sum20["Total"],
        }
    )
    gap = musd(fsum - tot)
    parts: list[str] = []
    silent = [f for f in funds if pd.isna(latest[f])]
    if silent:
        parts.append(
            f"{', '.join(silent)} reported in the last {len(window)} sessions but "
            f"{'has' if len(silent) == 1 else 'have'} no figure for {last:%Y-%m-%d} (not yet "
            "reported, e.g. a partial first release; Farside may revise the day)"
        )
    if (gap.abs() >= 0.05).any():
        row = {"fund": DIFF_ROW, **gap.to_dict(), "days_20d": pd.NA}
        tab = pd.concat([tab, pd.DataFrame([row])], ignore_index=True)
        parts.append(
            f"the funds add up to {fmt_musd(fsum['latest_musd'], signed=False)} on {last:%Y-%m-%d} against "
            f"a Total of {fmt_musd(tot['latest_musd'], signed=False)} (gap {gap['latest_musd']:+,.1f}, 5 "
            f"sessions {gap['sum_5d_musd']:+,.1f}, 20 sessions {gap['sum_20d_musd']:+,.1f} $M, "
            f"row '{DIFF_ROW}'): the source's Total includes figures not held per fund"
        )
    elif silent:
        parts.append(
            f"the funds that reported add up to the Total ({fmt_musd(tot['latest_musd'], signed=False)})"
        )
    note = ("Fund table: " + "; ".join(parts) + ".") if parts else ""
    return tab, note


def build(ctx: BriefContext) -> BriefSection | None:
    """ETF-flows section: latest day per fund and Total, 5/20-day sums, streak, records, chart.

    Returns None when no ETF flows are held up to ``ctx.asof``.
    """
    held = ctx.frames.flows
    if held is None:
        return None
    flows, wide = held
    if "Total" not in wide.columns or wide["Total"].dropna().empty:
        return None
    total = wide["Total"].dropna()
    last = total.index[-1]
    sec = BriefSection(key="flows", title="Spot-Bitcoin ETF flows", asof=pd.Timestamp(last))
    day = wide.loc[last].dropna()
    funds = day.drop(labels="Total")
    movers = funds[funds != 0].reindex(funds[funds != 0].abs().sort_values(ascending=False).index)
    top = ", ".join(f"{f} {fmt_musd(v)}" for f, v in movers.head(4).items()) or "no fund moved"
    line = f"{last:%Y-%m-%d} (latest US trading day held): all-fund Total {fmt_musd(day['Total'])}; {top}."
    behind = len(pd.bdate_range(last, ctx.asof)) - 1
    if behind > 3:
        line += f" Flows end {behind} weekdays before the brief date: run `flowscope update`."
    sec.bullets.append(line)
    roll = fa.rolling_flows(total, (5, 20)).iloc[-1]
    streak = int(fa.flow_streaks(total).iloc[-1])
    kind = "inflow" if streak > 0 else "outflow" if streak < 0 else "flat"
    sec.bullets.append(
        f"Total over 5 sessions {fmt_musd(roll['sum_5d'])}, over 20 sessions {fmt_musd(roll['sum_20d'])}; "
        f"streak: {abs(streak)} {kind} day(s)."
    )
    z = fa.flow_zscore(total).iloc[-1]
    rank1 = fa.window_rank(total, 1, last, direction="outflow" if day["Total"] < 0 else "inflow")
    n_days = len(total)
    word = "outflow" if day["Total"] < 0 else "inflow"
    sec.bullets.append(
        f"The day ranks #{rank1} of {n_days} sessions as {word} since {total.index[0]:%Y-%m-%d}"
        + (f" (z-score {z:+.1f} vs the previous 60 sessions)." if pd.notna(z) else ".")
    )
    rec = fa.flow_records(total, fund="Total", windows=(1, 4), top=1)
    big1 = rec.largest[1].iloc[0] if not rec.largest[1].empty else None
    big4 = rec.largest[4].iloc[0] if not rec.largest[4].empty else None
    if big1 is not None and big4 is not None:
        sec.bullets.append(
            f"Records (Total): largest 1-day outflow {fmt_musd(big1['sum_usd'], signed=False)} on "
            f"{big1['end']:%Y-%m-%d}; largest 4-day outflow {fmt_musd(big4['sum_usd'], signed=False)} "
            f"({big4['start']:%Y-%m-%d}..{big4['end']:%Y-%m-%d})."
        )
    rank = fa.cumulative_rank(wide)
    if not rank.empty:
        lead = rank.iloc[0]
        sec.bullets.append(
            f"Largest net buyer since {wide.index[0]:%Y-%m-%d}: {lead['fund']} "
            f"{fmt_musd(lead['net_usd'])} (all funds {fmt_musd(total.sum())})."
        )
    rev = fa.detect_reversals(total)
    if not rev.empty:
        r = rev.iloc[-1]
        sec.bullets.append(
            f"Last regime flip ({fa.REVERSAL_WINDOW}-session sum beyond "
            f"±{fmt_musd(fa.REVERSAL_BAND_USD, signed=False)}): to {r['to']} on {r['date']:%Y-%m-%d}."
        )
    sec.table, note = fund_table(wide, total.index[-20:])
    if note:
        sec.bullets.append(note)
    if "BTC-USD" in ctx.frames.closes:
        btc = ctx.frames.closes["BTC-USD"]
        since = total.index[-1] - pd.Timedelta(days=365)
        sec.charts.append(
            lambda: price_flow_figure(btc[btc.index >= since], total[total.index >= since])
        )
        sec.provenance.append(
            f"prices BTC-USD: {btc.attrs.get('source')} (close {btc.index[-1]:%Y-%m-%d}, USD)"
        )
    sec.charts.append(lambda: flow_figure(total.iloc[-120:], label="Total"))
    sec.facts = {
        "date": f"{last:%Y-%m-%d}",
        "weekdays_behind_asof": behind,
        "total_usd": float(day["Total"]),
        "funds_usd": {k: float(v) for k, v in funds.items()},
        "sum_5d_usd": float(roll["sum_5d"]) if pd.notna(roll["sum_5d"]) else None,
        "sum_20d_usd": float(roll["sum_20d"]) if pd.notna(roll["sum_20d"]) else None,
        "streak_days": streak,
        "zscore_60d": float(z) if pd.notna(z) else None,
        "rank_1d": rank1,
        "largest_1d_outflow_usd": float(big1["sum_usd"]) if big1 is not None else None,
        "largest_4d_outflow_usd": float(big4["sum_usd"]) if big4 is not None else None,
    }
    src = flows[flows["flow_usd"].notna()].groupby("source")["date"].agg(["min", "max", "size"])
    sec.provenance = [
        f"etf_flows: {s} ({r['min']:%Y-%m-%d}..{r['max']:%Y-%m-%d}, {r['size']:,} rows, USD)"
        for s, r in src.iterrows()
    ]
    return sec
