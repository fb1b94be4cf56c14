"""Chart helpers shared by the brief's sections: the source written on the chart, gaps in
lines, and the BTC price with daily ETF flows."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from flowscope.report.units import USD_PER_MUSD

if TYPE_CHECKING:
    import plotly.graph_objects as go

__all__ = ["SOURCE_PREFIX", "annotate_source", "break_gaps", "price_flow_figure"]

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
