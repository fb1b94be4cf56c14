"""Tear sheet of a regime backtest: one self-contained HTML file (pure: frames in, HTML out).

The page holds the metrics table (strategy beside buy-and-hold), equity and drawdown against
buy-and-hold, the regime as coloured bands over the BTC price, the walk-forward's
out-of-sample equity when given, the strategy's monthly returns, the rule in words and its
explanation rows for the last day. Every chart carries the sources and the data window.

plotly.js is inlined once: the "basic" build (scatter, bar and pie traces, MIT licence, see
``templates/vendor/LICENSE-plotly.js.txt``) shipped gzipped beside the template, which keeps a
page near 1.3 MB where the full build alone is 4.8 MB. Dates are UTC days (bar starts).
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import jinja2
import numpy as np
import pandas as pd

from flowscope.report.brief import plotly_js as brief_plotly_js

if TYPE_CHECKING:
    import plotly.graph_objects as go

__all__ = ["build_tearsheet", "monthly_returns"]

_GREEN = "rgba(0, 150, 60, 0.16)"
_RED = "rgba(210, 30, 30, 0.16)"
_MAX_POINTS = 2000
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def monthly_returns(returns: pd.Series) -> pd.DataFrame:
    """Compounded returns per calendar month (UTC), one row per year.

    Parameters
    ----------
    returns
        Per-bar simple returns (fractions) on a UTC index.

    Returns
    -------
    DataFrame
        Indexed by ``year``; columns ``Jan`` … ``Dec`` and ``year`` total, in % (NaN for
        months without a bar).

    Examples
    --------
    >>> idx = pd.date_range("2024-01-30", periods=4, freq="D", tz="UTC")
    >>> monthly_returns(pd.Series([0.1, 0.1, 0.5, -0.5], index=idx)).loc[2024, ["Jan", "Feb"]]
    Jan    21.0
    Feb   -25.0
    Name: 2024, dtype: float64
    """
    idx = pd.DatetimeIndex(returns.index)
    idx = idx.tz_convert("UTC") if idx.tz is not None else idx
    growth = np.log1p(returns.to_numpy(dtype=float))
    g = pd.Series(growth, index=idx)
    by_month = g.groupby([idx.year, idx.month]).sum()
    table = (np.expm1(by_month) * 100).unstack()
    table = table.reindex(columns=range(1, 13))
    table.columns = pd.Index(_MONTHS)
    table["year"] = (np.expm1(g.groupby(idx.year).sum()) * 100).to_numpy()
    table.index.name = "year"
    return table


def _runs(regime: pd.Series) -> list[tuple[pd.Timestamp, pd.Timestamp, str]]:
    """Contiguous spans of one regime: (first day, day after the last, regime)."""
    if regime.empty:
        return []
    r = regime.astype(str)
    start = r.ne(r.shift()).to_numpy()
    firsts = r.index[start]
    lasts = [*r.index[np.flatnonzero(start)[1:] - 1], r.index[-1]]
    names = r.to_numpy()[start]
    return [
        (pd.Timestamp(a), pd.Timestamp(b) + pd.Timedelta(days=1), str(n))
        for a, b, n in zip(firsts, lasts, names, strict=True)
    ]


def _footer(fig: go.Figure, text: str) -> None:
    fig.add_annotation(
        text=html.escape(text),
        xref="paper",
        yref="paper",
        x=0,
        y=-0.16,
        showarrow=False,
        xanchor="left",
        font={"size": 10, "color": "#666"},
    )
    # A tiny layout instead of a named template, which would add about 10 kB per chart.
    fig.update_layout(
        margin={"l": 60, "r": 20, "t": 40, "b": 80},
        template="none",
        plot_bgcolor="white",
        font={"family": "system-ui, sans-serif", "size": 12},
    )
    fig.update_xaxes(showgrid=True, gridcolor="#eee")
    fig.update_yaxes(showgrid=True, gridcolor="#eee")


def _naive_days(index: pd.Index) -> pd.DatetimeIndex:
    idx = pd.DatetimeIndex(index)
    return idx.tz_convert("UTC").tz_localize(None) if idx.tz is not None else idx


def _xy(s: pd.Series, decimals: int) -> dict[str, Any]:
    # Daily bars without gaps are drawn from a start and a step (no date array at all) and
    # float32 values, which keeps a page of several years of bars small.
    # Past _MAX_POINTS bars every k-th bar is drawn (the tables use every bar).
    step = max(1, -(-len(s) // _MAX_POINTS))
    days = _naive_days(s.index)[::step]
    y = np.round(s.to_numpy(dtype=float)[::step], decimals).astype(np.float32)
    if len(days) > 1 and bool((np.diff(days.as_unit("ns").asi8) == step * 86_400 * 10**9).all()):
        return {"x0": f"{days[0]:%Y-%m-%d}", "dx": step * 86_400_000, "y": y}
    return {"x": list(days.strftime("%Y-%m-%d")), "y": y}


def _equity_chart(
    equity: pd.Series, benchmark: pd.Series, footer: str, name: str = "strategy"
) -> go.Figure:
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, row_heights=[0.68, 0.32])
    for s, label, color in ((equity, name, "#1f5fa8"), (benchmark, "buy and hold", "#999")):
        growth = s / s.iloc[0]
        dd = (s / s.cummax() - 1.0) * 100
        fig.add_trace(go.Scatter(**_xy(growth, 5), name=label, line={"color": color}), row=1, col=1)
        fig.add_trace(
            go.Scatter(**_xy(dd, 3), name=f"{label} drawdown", line={"color": color, "width": 1},
                       fill="tozeroy", showlegend=False),
            row=2, col=1,
        )  # fmt: skip
    fig.update_xaxes(type="date")
    fig.update_yaxes(title_text="growth of 1 USD (log)", type="log", row=1, col=1)
    fig.update_yaxes(title_text="drawdown %", row=2, col=1)
    fig.update_layout(height=520, legend={"orientation": "h", "y": 1.08})
    _footer(fig, footer)
    return fig


def _regime_chart(close: pd.Series, regime: pd.Series, footer: str) -> go.Figure:
    import plotly.graph_objects as go

    fig = go.Figure()
    fig.add_trace(go.Scatter(**_xy(close, 2), name="BTC close (USD)", line={"color": "#222"}))
    for a, b, name in _runs(regime):
        if name in ("risk_on", "risk_off"):
            fig.add_vrect(
                x0=f"{a:%Y-%m-%d}", x1=f"{b:%Y-%m-%d}", fillcolor=_GREEN if name == "risk_on" else _RED, line_width=0,
                layer="below",
            )  # fmt: skip
    fig.update_xaxes(type="date")
    fig.update_yaxes(title_text="USD (log)", type="log")
    fig.update_layout(
        height=420,
        title={"text": "green: risk_on, red: risk_off, no band: neutral", "font": {"size": 12}},
    )
    _footer(fig, footer)
    return fig


def _fold_chart(oos_equity: pd.Series, oos_benchmark: pd.Series, footer: str) -> go.Figure:
    fig = _equity_chart(oos_equity, oos_benchmark, footer, name="out of sample")
    fig.update_layout(height=460)
    return fig


def _cell(v: Any, fmt: str) -> str:
    if isinstance(v, bool | np.bool_):
        return "yes" if v else "no"
    if isinstance(v, int | float | np.integer | np.floating):
        return "" if not np.isfinite(v) else format(v, fmt)
    if isinstance(v, pd.Timestamp):
        return f"{v:%Y-%m-%d}"
    return "" if v is None or (isinstance(v, float) and np.isnan(v)) else str(v)


def _table(df: pd.DataFrame, fmt: str = ",.2f", *, index: bool = False) -> str:
    frame = df.reset_index() if index else df
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in frame.columns)
    rows = []
    for rec in frame.itertuples(index=False):
        cells = []
        for v in rec:
            cls = ' class="text"' if isinstance(v, str) else ""
            cells.append(f"<td{cls}>{html.escape(_cell(v, fmt))}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def _monthly_html(table: pd.DataFrame) -> str:
    head = "<th>year</th>" + "".join(f"<th>{c}</th>" for c in table.columns)
    rows = []
    for year, rec in table.iterrows():
        cells = [f"<td>{year}</td>"]
        for v in rec.to_numpy(dtype=float):
            if not np.isfinite(v):
                cells.append("<td></td>")
                continue
            alpha = min(abs(v) / 20.0, 1.0) * 0.6
            rgb = "0,150,60" if v >= 0 else "210,30,30"
            cells.append(f'<td style="background: rgba({rgb},{alpha:.2f})">{v:,.1f}</td>')
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def _metrics_html(metrics: pd.DataFrame) -> str:
    pct = {"total_return", "cagr", "volatility_ann", "max_drawdown", "hit_rate", "exposure"}
    shown = metrics.copy().astype(float)
    rows = [m for m in shown.index if m in pct]
    shown.loc[rows] = shown.loc[rows] * 100
    shown.index = [f"{m} (%)" if m in pct else m for m in shown.index]
    shown.index.name = "metric"
    return _table(shown, ",.2f", index=True)


def build_tearsheet(
    *,
    equity: pd.Series,
    benchmark_equity: pd.Series,
    returns: pd.Series,
    close: pd.Series,
    regime: pd.Series,
    metrics: pd.DataFrame,
    rule_lines: Sequence[str],
    explanation: pd.DataFrame,
    sources: str,
    title: str = "flowscope backtest",
    timing: str = "",
    warnings: Sequence[str] = (),
    oos_equity: pd.Series | None = None,
    oos_benchmark_equity: pd.Series | None = None,
    folds: pd.DataFrame | None = None,
    walk_forward_text: str = "",
) -> str:
    """Render the tear sheet as one self-contained HTML page.

    Parameters
    ----------
    equity, benchmark_equity
        Strategy and buy-and-hold equity (USD) on the UTC bar index.
    returns
        Strategy per-bar returns (fractions) for the monthly table.
    close
        BTC closes (USD) on the UTC bar index.
    regime
        Regime per decision day (``risk_on``/``neutral``/``risk_off``), naive-day index.
    metrics
        Metrics by row (fractions and ratios), columns such as ``strategy`` and
        ``buy_and_hold`` (e.g. :meth:`BacktestResult.summary`).
    rule_lines
        The rule in words, one line each.
    explanation
        The conditions of the last decision day (one row per condition).
    sources
        Where the data came from, written on every chart.
    title, timing
        Page title and the timing statement printed under it.
    warnings
        Stale inputs and other notes, shown in boxes at the top.
    oos_equity, oos_benchmark_equity, folds, walk_forward_text
        Walk-forward out-of-sample equity, its buy-and-hold, one row per fold and a
        one-line summary; omitted when None.

    Returns
    -------
    str
        The HTML page (plotly.js inlined once).
    """
    first, last = _naive_days(close.index[:1])[0], _naive_days(close.index[-1:])[0]
    window = f"Data window: {first:%Y-%m-%d}..{last:%Y-%m-%d} UTC ({len(close)} daily bars)"
    footer = f"{window}. Sources: {sources}."
    figs: dict[str, str] = {}

    def _html(fig: go.Figure) -> str:
        return str(
            fig.to_html(full_html=False, include_plotlyjs=False, config={"responsive": True})
        )

    figs["equity_chart"] = _html(_equity_chart(equity, benchmark_equity, footer))
    figs["regime_chart"] = _html(_regime_chart(close, regime, footer))
    wf_chart = wf_table = ""
    if oos_equity is not None and oos_benchmark_equity is not None:
        wf_chart = _html(_fold_chart(oos_equity, oos_benchmark_equity, footer))
        wf_table = _table(folds, ",.3f") if folds is not None else ""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("flowscope.report", "templates"), autoescape=True
    )
    last_day = (
        f"{pd.Timestamp(regime.index[-1]):%Y-%m-%d} (decision at 09:30 New York)"
        if len(regime)
        else ""
    )
    return env.get_template("tearsheet.html.j2").render(
        title=title,
        window_text=window,
        sources_text=f"Sources: {sources}",
        timing_text=timing,
        warnings=list(warnings),
        plotly_js=brief_plotly_js(),
        metrics_table=_metrics_html(metrics),
        monthly_table=_monthly_html(monthly_returns(returns)),
        rule_lines=list(rule_lines),
        explanation_table=_table(explanation, ",.4g"),
        last_day=last_day,
        walk_forward_chart=wf_chart,
        walk_forward_table=wf_table,
        walk_forward_text=walk_forward_text,
        **figs,
    )
