"""`flowscope macro show|leadlag|chain`: the Fed's liquidity ladder and its link to BTC."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from flowscope._lazy import lazy_module
from flowscope.cli._common import (
    FormatOpt,
    console,
    err_console,
    frame_to_records,
    handle_errors,
    open_cli_store,
    output_format,
    parse_day,
    print_frame,
    print_json,
)
from flowscope.errors import FlowscopeError, UsageError

if TYPE_CHECKING:
    import pandas as pd
    import plotly.graph_objects as go
else:
    pd = lazy_module("pandas")

__all__ = ["app"]

app = typer.Typer(
    help="Macro liquidity: net liquidity, M2, curve, real rate, dollar, funding; lead-lag "
    "with BTC and the AI -> conditions -> Fed -> BTC chain.",
    no_args_is_help=True,
)

#: Indicators offered to ``macro leadlag`` (weekly changes of each).
LEADLAG_INDICATORS = (
    "net_liquidity_chg_usd",
    "m2_yoy_pct",
    "slope_10y_2y_pct",
    "breakeven_10y_pct",
    "real_policy_rate_pct",
    "dollar_mom_13w_pct",
    "funding_stress_bp",
    "nfci",
    "liquidity_score",
)


def _notes(warnings: list[str], fmt: str) -> None:
    for w in warnings:
        err_console.print(f"[yellow]warning:[/] {w}", highlight=False, soft_wrap=True)


ChartOpt = Annotated[
    Path | None,
    typer.Option(
        "--chart",
        help="Also write the chart to this HTML file (self-contained, plotly inlined once).",
        dir_okay=False,
    ),
]


def _check_chart(path: Path | None) -> None:
    if path is not None and not path.parent.is_dir():
        msg = f"--chart: folder {str(path.parent)!r} does not exist"
        raise UsageError(msg, param_name="chart", received=str(path))


def _write_chart(fig: go.Figure, path: Path, title: str) -> None:
    from flowscope.report.brief import plotly_js
    from flowscope.report.charts import chart_html

    try:
        path.write_text(chart_html(fig, title, plotly_js()), encoding="utf-8")
    except OSError as exc:
        msg = f"--chart: cannot write {str(path)!r}: {exc.strerror or exc}"
        raise FlowscopeError(msg) from None
    err_console.print(f"chart written to {path}", highlight=False, soft_wrap=True)


def _check_boot(boot: int, block: int) -> None:
    if boot < 100:
        msg = f"--boot must be at least 100 resamples, got {boot}"
        raise UsageError(msg, param_name="boot", received=boot)
    if block < 1:
        msg = f"--block must be at least 1 week, got {block}"
        raise UsageError(msg, param_name="block", received=block)


@app.command("show")
@handle_errors
def show(
    asof: Annotated[
        str | None,
        typer.Option("--asof", help="As-of day (YYYY-MM-DD, UTC): only data released by then."),
    ] = None,
    history: Annotated[
        int, typer.Option("--history", help="Show the last N weekly rows instead of a snapshot.")
    ] = 0,
    chart: ChartOpt = None,
    chart_indicator: Annotated[
        str,
        typer.Option(
            "--chart-indicator",
            help="Indicator drawn against BTC by --chart (an indicator column, e.g. "
            "liquidity_score, net_liquidity_usd, m2_yoy_pct).",
        ),
    ] = "liquidity_score",
    fmt: FormatOpt = "table",
) -> None:
    """Newest value of each indicator, with the inputs used; stale inputs flagged loudly."""
    from flowscope.analytics.macro import INDICATOR_INPUTS, INDICATOR_UNITS
    from flowscope.queries.macro import daily_close
    from flowscope.report.macro import load_indicators, snapshot

    fmt = output_format(fmt)
    day = parse_day(asof, "--asof")
    if history < 0:
        msg = f"--history must be 0 or more weeks, got {history}"
        raise UsageError(msg, param_name="history", received=history)
    if chart_indicator not in INDICATOR_UNITS:
        msg = f"--chart-indicator: unknown {chart_indicator!r}; use one of {', '.join(INDICATOR_UNITS)}"
        raise UsageError(msg, param_name="chart_indicator", received=chart_indicator)
    _check_chart(chart)
    store = open_cli_store(read_only=True)
    try:
        ind = load_indicators(store, asof=day)
        btc = daily_close(store, "BTC-USD") if chart is not None else None
    finally:
        store.close()
    warnings = list(ind.attrs.get("warnings", []))
    if chart is not None:
        from flowscope.report.charts import indicator_btc_figure

        if btc is None:
            btc = pd.Series(dtype=float)
            warnings.append("no BTC-USD daily prices held: the chart shows the indicator alone")
        if day is not None:
            btc = btc[btc.index <= day]
        inputs = [s for s in INDICATOR_INPUTS[chart_indicator] if f"{s}__date" in ind.columns]
        newest = max((pd.Timestamp(ind[f"{s}__date"].max()) for s in inputs), default=None)
        sources = [
            f"FRED {', '.join(inputs)} (newest observation "
            f"{'-' if newest is None else f'{newest:%Y-%m-%d}'}), as released",
            "BTC-USD daily close, local store",
        ]
        unit = INDICATOR_UNITS[chart_indicator]
        fig = indicator_btc_figure(
            ind[chart_indicator], btc, name=chart_indicator, unit=unit, sources=sources
        )
        _write_chart(fig, chart, f"{chart_indicator} and BTC-USD")
    if history:
        tail = ind[list(INDICATOR_UNITS)].tail(history).reset_index()
        tail["tga_held"] = ind["tga_held"].tail(history).to_numpy()
        _notes(warnings, fmt)
        print_frame(tail, fmt, title=f"Macro indicators, last {history} weeks")
        return
    snap = snapshot(ind)
    when = pd.Timestamp(snap.attrs["asof"])
    stale = snap[snap["stale"] != ""]
    if len(stale):
        warnings.append(
            "STALE inputs: "
            + "; ".join(f"{r.indicator} uses {r.stale}" for r in stale.itertuples())
        )
    if fmt == "json":
        print_json({"asof": when, "indicators": frame_to_records(snap), "warnings": warnings})
        return
    _notes(warnings, fmt)
    if fmt == "table":
        shown = snap.copy()
        usd = shown["unit"] == "USD"
        shown.loc[usd, "value"] = shown.loc[usd, "value"] / 1e9
        shown.loc[usd, "unit"] = "USD bn"
        print_frame(shown, fmt, title=f"Macro liquidity as of {when:%Y-%m-%d} (weekly, Friday)")
    else:
        print_frame(snap, fmt)


@app.command("leadlag")
@handle_errors
def leadlag(
    indicator: Annotated[
        list[str] | None,
        typer.Option(
            "--indicator",
            help="Indicator(s) whose weekly change is compared with BTC weekly returns "
            f"(repeatable): {', '.join(LEADLAG_INDICATORS)}. Default: net_liquidity_chg_usd.",
        ),
    ] = None,
    max_lag: Annotated[int, typer.Option("--max-lag", help="Largest lag in weeks (1-26).")] = 8,
    boot: Annotated[int, typer.Option("--boot", help="Block-bootstrap resamples.")] = 1000,
    block: Annotated[int, typer.Option("--block", help="Bootstrap block length in weeks.")] = 8,
    granger: Annotated[
        bool,
        typer.Option("--granger", help="Also run a Granger test (needs statsmodels)."),
    ] = False,
    chart: ChartOpt = None,
    fmt: FormatOpt = "table",
) -> None:
    """Cross-correlations of indicator changes with BTC weekly returns at lags -N..+N weeks."""
    from flowscope.analytics.macro_leadlag import cross_correlation
    from flowscope.analytics.macro_leadlag import granger as granger_test
    from flowscope.report.macro import weekly_frame

    fmt = output_format(fmt)
    names = list(indicator or ["net_liquidity_chg_usd"])
    bad = [n for n in names if n not in LEADLAG_INDICATORS]
    if bad:
        msg = f"--indicator: unknown {bad}; use one of {', '.join(LEADLAG_INDICATORS)}"
        raise UsageError(msg, param_name="indicator", received=bad)
    if not 1 <= max_lag <= 26:
        msg = f"--max-lag must be 1..26 weeks, got {max_lag}"
        raise UsageError(msg, param_name="max_lag", received=max_lag)
    _check_boot(boot, block)
    _check_chart(chart)
    store = open_cli_store(read_only=True)
    try:
        weekly, _ = weekly_frame(store)
    finally:
        store.close()
    frames, tests = [], []
    for name in names:
        cc = cross_correlation(
            weekly[name], weekly["btc_ret"], max_lag=max_lag, block=block, n_boot=boot
        )
        frames.append(cc.assign(indicator=name))
        if granger:
            tests.append(granger_test(weekly[name], weekly["btc_ret"]).assign(indicator=name))
    out = pd.concat(frames, ignore_index=True)[
        ["indicator", "lag_weeks", "corr", "ci_low", "ci_high", "n_weeks", "verdict"]
    ]
    notes = [
        *weekly.attrs.get("warnings", []),
        "lag_weeks > 0: the indicator leads BTC; with many lags one interval in 20 excludes "
        "zero by chance",
    ]
    if chart is not None:
        from flowscope.report.charts import lag_profile_figure

        sources = ["FRED series as released (local store)", "BTC-USD daily close, local store"]
        _write_chart(lag_profile_figure(out, sources=sources), chart, "Lag profile vs BTC")
    if fmt == "json":
        doc: dict[str, object] = {"cross_correlation": frame_to_records(out), "notes": notes}
        if granger:
            doc["granger"] = frame_to_records(pd.concat(tests, ignore_index=True))
        print_json(doc)
        return
    _notes(notes, fmt)
    print_frame(out, fmt, title="Indicator weekly change vs BTC weekly log return", floatfmt=".3f")
    if granger:
        g = pd.concat(tests, ignore_index=True)
        if fmt == "table":
            print_frame(g, fmt, title="Granger: indicator -> BTC (SSR F test)", floatfmt=".4f")
        else:
            console.print()
            print_frame(g, fmt)


@app.command("chain")
@handle_errors
def chain(
    boot: Annotated[int, typer.Option("--boot", help="Block-bootstrap resamples.")] = 1000,
    block: Annotated[int, typer.Option("--block", help="Bootstrap block length in weeks.")] = 8,
    fmt: FormatOpt = "table",
) -> None:
    """The seed note's chain, link by link: estimate, 95% interval, weeks used, verdict."""
    from flowscope.analytics.macro_leadlag import chain_links
    from flowscope.report.macro import weekly_frame

    fmt = output_format(fmt)
    _check_boot(boot, block)
    store = open_cli_store(read_only=True)
    try:
        weekly, missing = weekly_frame(store)
    finally:
        store.close()
    links = chain_links(weekly, block=block, n_boot=boot, missing=missing)
    notes = [
        *weekly.attrs.get("warnings", []),
        f"AI strength: {weekly.attrs.get('ai_symbol', 'SMH')} weekly log return; financial "
        "conditions: Chicago Fed NFCI (> 0 tighter)",
    ]
    if fmt == "json":
        print_json({"links": frame_to_records(links), "notes": notes})
        return
    _notes(notes, fmt)
    print_frame(links, fmt, title="AI -> stocks -> conditions -> cut odds -> BTC", floatfmt=".3f")
