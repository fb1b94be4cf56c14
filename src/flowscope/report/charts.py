"""Chart helpers shared by the brief's sections: the source written on the chart, gaps in
lines, and the BTC price with daily ETF flows."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from flowscope.report.units import USD_PER_MUSD

if TYPE_CHECKING:
    import plotly.graph_objects as go

__all__ = [
    "SOURCE_PREFIX",
    "annotate_source",
    "break_gaps",
    "chart_html",
    "indicator_btc_figure",
    "lag_profile_figure",
    "price_flow_figure",
]

#: Text that starts the source annotation on every chart of the brief.
SOURCE_PREFIX = "Source: "


def annotate_source(fig: go.Figure, sources: list[str]) -> go.Figure:
    """Write ``Source: ...`` on the chart itself (bottom left, inside the figure), so an
    exported image keeps it; extends the bottom margin to make room."""
    text = SOURCE_PREFIX + "; ".join(sources) if sources else SOURCE_PREFIX + "local store"
    if len(text) > 160:
        text = text[:157] + "..."
    fig.add_annotation(
        text=text,
        xref="paper",
        yref="paper",
        x=0,
        y=0,
        yshift=-70,
        xanchor="left",
        yanchor="top",
        showarrow=False,
        font={"size": 10, "color": "#6b7280"},
        name="source",
    )
    margin = fig.layout.margin
    bottom = margin.b if margin is not None and margin.b is not None else 40
    fig.update_layout(margin={"b": max(int(bottom), 90)})
    return fig


def break_gaps(s: pd.Series, max_gap: pd.Timedelta) -> pd.Series:
    """Insert a missing value between consecutive points further apart than ``max_gap`` so a
    plotted line breaks there instead of bridging the gap.

    Parameters
    ----------
    s
        Values indexed by date, sorted.
    max_gap
        Largest spacing drawn as a continuous line.

    Returns
    -------
    Series
        ``s`` with ``NaN`` rows (dated midway) inside each larger gap.
    """
    idx = pd.DatetimeIndex(s.index)
    if len(idx) < 2:
        return s
    step = idx[1:] - idx[:-1]
    wide = np.asarray(step > max_gap)
    mids = idx[:-1][wide] + step[wide] / 2
    gaps = pd.Series(np.nan, index=mids, dtype=float)
    return pd.concat([s.astype(float), gaps]).sort_index()


def price_flow_figure(close: pd.Series, flows: pd.Series) -> go.Figure:
    """BTC daily close (line, US$, right axis) with daily ETF Total net flows (bars, US$ M).

    Parameters
    ----------
    close
        BTC-USD daily close in USD indexed by UTC day.
    flows
        All-fund Total net flow in USD indexed by US trading day (missing days are not zero
        and are not drawn).
    """
    import plotly.graph_objects as go

    f = flows.dropna() / USD_PER_MUSD
    fig = go.Figure()
    fig.add_bar(
        x=f.index,
        y=f.round(1),
        marker_color=np.where(f.to_numpy() < 0, "#d64545", "#2e9d5b").tolist(),
        name="ETF Total net flow ($M/day)",
        hovertemplate="%{x|%Y-%m-%d}: %{y:,.1f} $M<extra></extra>",
    )
    fig.add_scatter(
        x=close.index,
        y=close.round(0),
        mode="lines",
        name="BTC-USD close ($)",
        yaxis="y2",
        line={"color": "#f59e0b", "width": 2},
        hovertemplate="%{x|%Y-%m-%d}: $%{y:,.0f}<extra></extra>",
    )
    fig.update_layout(
        title="BTC price (US$, UTC daily close) and spot-ETF daily net flows (US$ M)",
        yaxis={"title": "daily net flow, US$ M"},
        yaxis2={"title": "BTC-USD, US$", "overlaying": "y", "side": "right", "showgrid": False},
        legend={"orientation": "h", "y": -0.15},
        template="plotly_white",
        height=380,
        margin={"l": 60, "r": 60, "t": 60, "b": 40},
    )
    return fig


def indicator_btc_figure(
    indicator: pd.Series, close: pd.Series, *, name: str, unit: str, sources: list[str]
) -> go.Figure:
    """A weekly indicator (left axis, its unit) against the BTC-USD daily close (right
    axis, US$), with the sources written on the chart.

    Parameters
    ----------
    indicator
        Indicator values indexed by as-of day (naive, UTC); missing weeks break the line.
    close
        BTC-USD daily close (USD) indexed by UTC day.
    name, unit
        Indicator column name and unit (axis title).
    sources
        Inputs named in the source annotation.
    """
    import plotly.graph_objects as go

    ind = break_gaps(indicator.dropna().astype(float), pd.Timedelta(days=10))
    px = close.dropna().astype(float)
    fig = go.Figure()
    fig.add_scatter(
        x=ind.index,
        y=ind,
        mode="lines",
        name=f"{name} ({unit})",
        line={"color": "#2563eb", "width": 2},
        hovertemplate="%{x|%Y-%m-%d}: %{y:,.3g}<extra></extra>",
    )
    fig.add_scatter(
        x=px.index,
        y=px.round(0),
        mode="lines",
        name="BTC-USD close ($)",
        yaxis="y2",
        line={"color": "#f59e0b", "width": 1.5},
        hovertemplate="%{x|%Y-%m-%d}: $%{y:,.0f}<extra></extra>",
    )
    fig.update_layout(
        title=f"{name} ({unit}, weekly, as released) and BTC-USD (US$, UTC daily close)",
        yaxis={"title": f"{name}, {unit}"},
        yaxis2={"title": "BTC-USD, US$", "overlaying": "y", "side": "right", "showgrid": False},
        legend={"orientation": "h", "y": -0.15},
        template="plotly_white",
        height=420,
        margin={"l": 70, "r": 70, "t": 60, "b": 40},
    )
    return annotate_source(fig, sources)


def lag_profile_figure(cc: pd.DataFrame, *, sources: list[str]) -> go.Figure:
    """Cross-correlation by lag (weeks) with its interval as error bars, one series per
    indicator.

    Parameters
    ----------
    cc
        Rows ``indicator``, ``lag_weeks``, ``corr``, ``ci_low``, ``ci_high``.
    sources
        Inputs named in the source annotation.
    """
    import plotly.graph_objects as go

    fig = go.Figure()
    names = list(dict.fromkeys(cc["indicator"]))
    width = 0.6 / max(len(names), 1)
    for i, name in enumerate(names):
        one = cc[cc["indicator"] == name]
        shift = (i - (len(names) - 1) / 2) * width
        fig.add_scatter(
            x=one["lag_weeks"] + shift,
            y=one["corr"],
            mode="markers",
            name=str(name),
            error_y={
                "type": "data",
                "symmetric": False,
                "array": (one["ci_high"] - one["corr"]).to_numpy(),
                "arrayminus": (one["corr"] - one["ci_low"]).to_numpy(),
            },
            customdata=one["lag_weeks"].to_numpy(),
            hovertemplate="lag %{customdata} w: %{y:.3f}<extra></extra>",
        )
    fig.add_hline(y=0, line={"color": "#9ca3af", "width": 1})
    fig.update_layout(
        title="Indicator weekly change vs BTC weekly log return: correlation by lag "
        "(95% block-bootstrap interval; lag > 0: indicator leads)",
        xaxis={"title": "lag, weeks", "dtick": 1},
        yaxis={"title": "correlation"},
        legend={"orientation": "h", "y": -0.15},
        template="plotly_white",
        height=420,
        margin={"l": 70, "r": 40, "t": 60, "b": 40},
    )
    return annotate_source(fig, sources)


def chart_html(fig: go.Figure, title: str, plotly_js: str) -> str:
    """One self-contained HTML page: ``plotly_js`` inlined once, then the figure."""
    body = fig.to_html(full_html=False, include_plotlyjs=False)
    return (
        '<!DOCTYPE html>\n<html><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title>\n<script>{plotly_js}</script>\n</head>"
        f"<body>\n{body}\n</body></html>\n"
    )
