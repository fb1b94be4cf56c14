"""``flowscope sweep`` and ``flowscope backtest``: backtests on stored daily closes.

``sweep`` runs the moving-average crossover over a parameter grid; ``backtest`` runs a regime
rule (the note's rule, preset ``siege``, by default) with an optional walk-forward and tear
sheet.

Closes are one bar per time from the most trusted source (``flowscope prices`` shows them);
returns and drawdowns are fractions, ratios are annualised (365 bars a year for daily BTC)
with a zero risk-free rate. The best cell is reported with the number of cells tried and its
deflated Sharpe ratio (the probability that its true Sharpe ratio is above zero).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

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
from flowscope.errors import FlowscopeError, InsufficientDataError, UsageError

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd
else:
    np = lazy_module("numpy")
    pd = lazy_module("pandas")

__all__ = ["backtest", "sweep"]

_ENGINES = ("local", "dask")
_SORT = ("sharpe", "sortino", "calmar", "cagr", "total_return")


def _grid(value: str, option: str, *, integer: bool) -> list[float]:
    """``"5,10,20"`` or ``"start:stop:step"`` (stop inclusive) into a list of numbers."""
    try:
        if ":" in value:
            a, b, step = (float(x) for x in value.split(":"))
            if step <= 0 or b < a:
                raise ValueError
            out = list(np.arange(a, b + step / 2, step))
        else:
            out = [float(x) for x in value.split(",") if x.strip()]
        if not out or (integer and any(x != int(x) or x < 1 for x in out)):
            raise ValueError
    except ValueError:
        kind = "whole numbers of bars >= 1" if integer else "fractions"
        msg = (
            f"{option}: cannot read {value!r}; give {kind} as a list (5,10,20) "
            "or a range start:stop:step (5:50:5)"
        )
        raise UsageError(msg, param_name=option.lstrip("-"), received=value) from None
    return [int(x) for x in out] if integer else [round(x, 10) for x in out]


@handle_errors
def sweep(
    symbol: Annotated[str, typer.Option("--symbol", help="Instrument held in the store.")] = (
        "BTC-USD"
    ),
    start: Annotated[str | None, typer.Option("--start", help="First day (YYYY-MM-DD).")] = None,
    end: Annotated[str | None, typer.Option("--end", help="Last day (YYYY-MM-DD).")] = None,
    fast: Annotated[
        str, typer.Option("--fast", help="Fast moving-average windows in days: 5,10 or 5:50:5.")
    ] = "5:50:5",
    slow: Annotated[
        str,
        typer.Option("--slow", help="Slow moving-average windows in days: 50,100 or 20:200:20."),
    ] = "20:200:20",
    threshold: Annotated[
        str,
        typer.Option("--threshold", help="Bands around the slow average (fractions): 0,0.01,0.02."),
    ] = "0,0.01,0.02",
    short: Annotated[
        bool, typer.Option("--short", help="Go short below the lower band instead of flat.")
    ] = False,
    fee_bps: Annotated[
        float, typer.Option("--fee-bps", help="Fees in basis points of traded notional.")
    ] = 10.0,
    slippage_bps: Annotated[
        float, typer.Option("--slippage-bps", help="Slippage in basis points of traded notional.")
    ] = 0.0,
    sort: Annotated[
        str, typer.Option("--sort", help=f"Rank cells by: {', '.join(_SORT)}.")
    ] = "sharpe",
    top: Annotated[int, typer.Option("--top", help="Cells to print.", min=1)] = 10,
    engine: Annotated[
        str, typer.Option("--engine", help="local (numba threads) or dask (a Dask cluster).")
    ] = "local",
    scheduler: Annotated[
        str | None,
        typer.Option(
            "--scheduler", help="Dask scheduler address (tcp://host:8786); with --engine dask."
        ),
    ] = None,
    fmt: FormatOpt = "table",
) -> None:
    """Sweep the moving-average crossover over daily closes; print the top cells."""
    fmt = output_format(fmt)
    if engine not in _ENGINES:
        msg = f"--engine: unknown engine {engine!r}; use local or dask"
        raise UsageError(msg, param_name="engine", received=engine)
    if scheduler and engine != "dask":
        msg = "--scheduler needs --engine dask"
        raise UsageError(msg, param_name="scheduler", received=scheduler)
    if sort not in _SORT:
        msg = f"--sort: unknown metric {sort!r}; use one of {', '.join(_SORT)}"
        raise UsageError(msg, param_name="sort", received=sort)
    for name, v in (("--fee-bps", fee_bps), ("--slippage-bps", slippage_bps)):
        if not 0 <= v < 10_000:
            msg = f"{name}: {v} is not a cost in basis points in [0, 10,000)"
            raise UsageError(msg, param_name=name.lstrip("-"), received=v)
    fasts = _grid(fast, "--fast", integer=True)
    slows = _grid(slow, "--slow", integer=True)
    ths = _grid(threshold, "--threshold", integer=False)
    if any(not 0 <= t < 1 for t in ths):
        msg = f"--threshold: {threshold!r} has values outside [0, 1) (fractions: 0.01 = 1 %)"
        raise UsageError(msg, param_name="threshold", received=threshold)
    if min(fasts) >= max(slows):
        msg = f"--fast {fast} / --slow {slow}: no pair with fast < slow"
        raise UsageError(msg, param_name="fast", received=fast)
    s, e = parse_day(start, "--start"), parse_day(end, "--end")
    if s is not None and e is not None and e < s:
        msg = f"--end {e:%Y-%m-%d} is before --start {s:%Y-%m-%d}"
        raise UsageError(msg, param_name="end", received=end)

    from flowscope.queries.prices_bt import closes

    sym = symbol.strip().upper()
    with open_cli_store(read_only=True) as store:
        bars = closes(store, sym, start=s, end=e)
    if bars.empty:
        msg = f"no daily closes for {sym} in {start or 'the beginning'}..{end or 'now'}"
        raise InsufficientDataError(msg)
    ok = np.isfinite(bars["close"]) & (bars["close"] > 0)
    notes = []
    if not ok.all():
        bad = bars[~ok]
        notes.append(
            f"{len(bad)} bar(s) with a missing or non-positive close left out "
            f"(first {bad['ts'].iloc[0]:%Y-%m-%d})"
        )
        bars = bars[ok]
    if len(bars) <= max(slows) + 2:
        msg = (
            f"only {len(bars)} daily closes for {sym}; the slowest average needs more than "
            f"{max(slows) + 2}"
        )
        raise InsufficientDataError(msg)
    close = pd.Series(bars["close"].to_numpy(dtype=float), index=pd.DatetimeIndex(bars["ts"]))
    close.index = close.index.tz_convert("UTC")

    from flowscope.backtest import sweep_ma_crossover

    try:
        res = sweep_ma_crossover(
            close,
            fast=[int(x) for x in fasts],
            slow=[int(x) for x in slows],
            thresholds=ths,
            short=short,
            fee_bps=fee_bps,
            slippage_bps=slippage_bps,
            periods_per_year=365.0,
            engine=engine,  # type: ignore[arg-type]
            scheduler=scheduler,
        )
    except OSError as exc:  # a scheduler that cannot be reached
        msg = f"--scheduler {scheduler}: cannot reach the Dask scheduler ({exc})"
        raise FlowscopeError(msg) from None
    cols = [
        "fast", "slow", "threshold", "total_return", "cagr", "volatility_ann", "sharpe",
        "sortino", "max_drawdown", "calmar", "hit_rate", "exposure", "turnover_ann", "n_trades",
    ]  # fmt: skip
    ranked = res.cells.sort_values(sort, ascending=False, na_position="last")[cols].head(top)
    ranked = ranked.rename(columns={"fast": "fast_days", "slow": "slow_days"})
    first, last = close.index[0], close.index[-1]
    sources = ", ".join(sorted(bars["source"].unique())) if "source" in bars else "unknown"
    best = res.best
    head = (
        f"{sym} daily closes {first:%Y-%m-%d}..{last:%Y-%m-%d} ({len(close)} bars, {sources}); "
        f"{res.n_trials} cells tried; best by Sharpe: fast {int(best['fast'])}, slow "
        f"{int(best['slow'])}, threshold {best['threshold']:g}, Sharpe {best['sharpe']:.2f}, "
        f"deflated Sharpe {res.deflated_sharpe:.3f}"
    )
    if fmt == "json":
        print_json(
            {
                "symbol": sym,
                "first_bar": first,
                "last_bar": last,
                "n_bars": len(close),
                "sources": sorted(bars["source"].unique()) if "source" in bars else [],
                "periods_per_year": 365,
                "fee_bps": fee_bps,
                "slippage_bps": slippage_bps,
                "short": short,
                "n_trials": res.n_trials,
                "best": {
                    "fast_days": int(best["fast"]),
                    "slow_days": int(best["slow"]),
                    "threshold": float(best["threshold"]),
                    "sharpe": float(best["sharpe"]),
                },
                "deflated_sharpe": res.deflated_sharpe,
                "sorted_by": sort,
                "cells": ranked.to_dict(orient="records"),
            }
        )
    else:
        title = f"Top {len(ranked)} of {res.n_trials} cells by {sort} (fractions; 365 days/yr)"
        if fmt == "table":
            console.print(head, highlight=False, soft_wrap=True)
        else:
            err_console.print(head, highlight=False, soft_wrap=True)
        print_frame(ranked.reset_index(drop=True), fmt, title=title, floatfmt=",.3f")
    for n in notes:
        (err_console if fmt != "table" else console).print(f"[yellow]note:[/] {n}")


_SLIPPAGE_MODELS = ("fixed", "impact")
_RISK_OFF = {"flat": 0, "short": -1}
_TIMING = (
    "Decision at 09:30 New York on day D from figures known then; the position is set at D's "
    "UTC close (00:00 UTC D+1) and earns the return from D's UTC close to D+1's UTC close."
)


@handle_errors
def backtest(
    preset: Annotated[
        str, typer.Option("--preset", help="Shipped rules: siege, siege-macro, trend or flows.")
    ] = "siege",
    rules: Annotated[
        Path | None,
        typer.Option("--rules", help="A TOML rule file (see docs/regime.md); overrides --preset."),
    ] = None,
    start: Annotated[
        str | None, typer.Option("--start", help="First day (YYYY-MM-DD; default: data window).")
    ] = None,
    end: Annotated[
        str | None, typer.Option("--end", help="Last day (YYYY-MM-DD; default: last BTC bar).")
    ] = None,
    fee_bps: Annotated[
        float, typer.Option("--fee-bps", help="Fees in basis points of traded notional.")
    ] = 10.0,
    slippage_bps: Annotated[
        float | None,
        typer.Option(
            "--slippage-bps",
            help="Fixed slippage in basis points of traded notional (default 5; not with "
            "--slippage-model impact).",
        ),
    ] = None,
    slippage_model: Annotated[
        str,
        typer.Option(
            "--slippage-model",
            help="fixed (--slippage-bps) or impact (square-root law for --capital-usd).",
        ),
    ] = "fixed",
    capital_usd: Annotated[
        float,
        typer.Option("--capital-usd", help="Capital in USD; the order size of the impact model."),
    ] = 1_000_000.0,
    risk_off: Annotated[
        str | None,
        typer.Option("--risk-off", help="Position while risk-off: flat or short (default: rule)."),
    ] = None,
    target_vol: Annotated[
        float | None,
        typer.Option(
            "--target-vol", help="Target annual volatility in % (e.g. 40), leverage <= 1."
        ),
    ] = None,
    walk_forward: Annotated[
        bool,
        typer.Option(
            "--walk-forward", help="Choose the rule's parameters in-sample, report out-of-sample."
        ),
    ] = False,
    train_days: Annotated[
        int, typer.Option("--train-days", help="Walk-forward training window (days).", min=2)
    ] = 365,
    test_days: Annotated[
        int, typer.Option("--test-days", help="Walk-forward test window (days).", min=1)
    ] = 90,
    html: Annotated[
        Path | None, typer.Option("--html", help="Write a tear sheet (one HTML file) here.")
    ] = None,
    fmt: FormatOpt = "table",
) -> None:
    """Backtest a regime rule (the note's rule by default) on daily BTC bars."""
    from flowscope.backtest.regime import RegimeBacktestResult, rule_text
    from flowscope.cli.regime import load_ruleset

    fmt = output_format(fmt)
    ruleset = load_ruleset(preset, rules)
    if slippage_model not in _SLIPPAGE_MODELS:
        msg = f"--slippage-model: unknown model {slippage_model!r}; use fixed or impact"
        raise UsageError(msg, param_name="slippage-model", received=slippage_model)
    if slippage_model == "impact" and slippage_bps is not None:
        msg = "--slippage-bps and --slippage-model impact exclude each other; give one"
        raise UsageError(msg, param_name="slippage-bps", received=slippage_bps)
    slip = 0.0 if slippage_model == "impact" else (5.0 if slippage_bps is None else slippage_bps)
    for name, v in (("--fee-bps", fee_bps), ("--slippage-bps", slip)):
        if not 0 <= v < 10_000:
            msg = f"{name}: {v} is not a cost in basis points in [0, 10,000)"
            raise UsageError(msg, param_name=name.lstrip("-"), received=v)
    if not (np.isfinite(capital_usd) and capital_usd > 0):
        msg = f"--capital-usd: {capital_usd} is not a positive amount of USD"
        raise UsageError(msg, param_name="capital-usd", received=capital_usd)
    if risk_off is not None and risk_off not in _RISK_OFF:
        msg = f"--risk-off: unknown choice {risk_off!r}; use flat or short"
        raise UsageError(msg, param_name="risk-off", received=risk_off)
    if target_vol is not None and not 0 < target_vol <= 500:
        msg = f"--target-vol: {target_vol} is not an annual volatility in % in (0, 500]"
        raise UsageError(msg, param_name="target-vol", received=target_vol)
    s, e = parse_day(start, "--start"), parse_day(end, "--end")
    if s is not None and e is not None and e <= s:
        msg = f"--end {e:%Y-%m-%d} is not after --start {s:%Y-%m-%d}"
        raise UsageError(msg, param_name="end", received=end)
    if html is not None and html.exists() and html.is_dir():
        msg = f"--html: {str(html)!r} is a folder; give a file name"
        raise UsageError(msg, param_name="html", received=str(html))

    from flowscope.queries.prices_bt import closes
    from flowscope.queries.regime import load_regime_inputs

    with open_cli_store(read_only=True) as store:
        inputs = load_regime_inputs(store, start=s)
        bars = closes(store, "BTC-USD", end=e)
        liq = None
        if slippage_model == "impact":
            from flowscope.queries.liquidity import daily_bars

            liq = daily_bars(store, "BTC-USD", end=e)
    if bars.empty:
        msg = "no BTC-USD daily closes held; run `flowscope init` or `flowscope update`"
        raise InsufficientDataError(msg)
    close = pd.Series(bars["close"].to_numpy(dtype=float), index=pd.DatetimeIndex(bars["ts"]))
    close.index = close.index.tz_convert("UTC")
    warnings: list[str] = []
    slip_series = None
    if liq is not None:
        from flowscope.backtest.costs import impact_slippage_bps

        impact = impact_slippage_bps(liq, capital_usd=capital_usd)
        slip_series = impact["slippage_bps"].dropna()
    kw: dict[str, Any] = {
        "start": s,
        "end": e,
        "close": close,
        "risk_off": None if risk_off is None else _RISK_OFF[risk_off],
        "fee_bps": fee_bps,
        "slippage_bps": slip,
        "slippage_bps_series": slip_series,
        "target_vol": None if target_vol is None else target_vol / 100.0,
        "capital": capital_usd,
    }
    from flowscope.backtest.regime import backtest_preset, walk_forward_preset

    with console.status("running the backtest", spinner="dots"):
        res: RegimeBacktestResult = backtest_preset(inputs, rules=ruleset, **kw)
        wf = None
        if walk_forward:
            wf = walk_forward_preset(
                inputs, rules=ruleset, train_days=train_days, test_days=test_days, **kw
            )
    if res.regime is None or res.rules is None:  # always set by backtest_preset
        msg = "backtest: the result carries no regime"
        raise FlowscopeError(msg)
    first, last = res.close.index[0], res.close.index[-1]
    src = ", ".join(dict.fromkeys(bars.loc[bars["ts"].between(first, last), "source"]))
    window = f"{first:%Y-%m-%d}..{last:%Y-%m-%d} UTC ({len(res.close)} daily bars)"

    def _srcs(frame: pd.DataFrame) -> str:
        if frame.empty or "source" not in frame.columns:
            return "none held"
        return ", ".join(sorted(frame["source"].dropna().astype(str).unique()))

    sources = (
        f"BTC-USD closes: {src}; ETF flows: {_srcs(inputs.flows)}; FOMC documents: "
        f"{_srcs(inputs.fomc_docs)}; fed funds futures: {_srcs(inputs.fed_futures)}"
    )
    warnings.extend(
        f"STALE INPUT: {row.front} was older than its max_age_days on {row.n_days} "
        f"decision day(s) from {row.first_day:%Y-%m-%d} to {row.last_day:%Y-%m-%d}; "
        "the regime used it anyway. Run `flowscope update`."
        for row in res.stale.itertuples(index=False)
    )
    if slip_series is not None and liq is not None:
        carried = impact["carried_forward"].reindex(res.close.index.tz_localize(None))
        if bool(carried.fillna(False).any()):
            warnings.append(
                f"STALE INPUT: impact slippage on {int(carried.sum())} bar(s) after "
                f"{impact.attrs['last_estimate_day']} uses the estimate of that day (no volume "
                "held for later bars)."
            )
    warnings.extend(res.notes)
    summary = res.summary()
    lines = rule_text(res.rules)
    expl = res.regime.explanation
    last_day = res.regime.daily.index[-1]
    today = expl[expl["date"] == last_day][
        ["condition", "value", "op", "threshold", "met", "contribution", "data_date", "stale"]
    ].reset_index(drop=True)
    today["value"] = today["value"].map(_plain)
    today["threshold"] = today["threshold"].map(_plain)
    costs_text = (
        f"impact model (square-root law, Y 0.8) for {capital_usd:,.0f} USD"
        if slippage_model == "impact"
        else f"{slip:g} bps"
    )
    head = (
        f"rule {res.rules.name}; data window {window}; fees {fee_bps:g} bps, slippage "
        f"{costs_text}; risk-off position {res.rules.regime.risk_off_position}"
        + (f"; target volatility {target_vol:g} %" if target_vol is not None else "")
    )
    if html is not None:
        from flowscope.report.tearsheet import build_tearsheet

        page = build_tearsheet(
            equity=res.equity,
            benchmark_equity=res.benchmark_equity,
            returns=res.returns,
            close=res.close,
            regime=res.regime.daily["regime"],
            metrics=summary,
            rule_lines=lines,
            explanation=today,
            sources=sources,
            title=f"flowscope backtest: {res.rules.name}",
            timing=f"{_TIMING} Costs: fees {fee_bps:g} bps, slippage {costs_text}.",
            warnings=warnings,
            oos_equity=None if wf is None else wf.oos_equity,
            oos_benchmark_equity=None
            if wf is None
            else (1.0 + res.close.pct_change().reindex(wf.oos_returns.index)).cumprod(),
            folds=None if wf is None else wf.folds,
            walk_forward_text=""
            if wf is None
            else f"{len(wf.folds)} folds of {train_days} training / {test_days} test days; "
            f"{len(wf.cells)} cells per fold, {wf.n_trials} trials in all.",
        )
        try:
            html.write_text(page, encoding="utf-8")
        except OSError as exc:
            msg = f"--html: cannot write {str(html)!r}: {exc.strerror}"
            raise UsageError(msg, param_name="html", received=str(html)) from None
    out = err_console if fmt != "table" else console
    for w in warnings:
        err_console.print(f"[bold yellow]warning:[/] {w}", highlight=False, soft_wrap=True)
    if fmt == "json":
        doc: dict[str, Any] = {
            "rules": res.rules.name,
            "rule_text": lines,
            "decision_time": "09:30 America/New_York",
            "timing": _TIMING,
            "first_bar": first,
            "last_bar": last,
            "n_bars": len(res.close),
            "sources": sources,
            "fee_bps": fee_bps,
            "slippage_model": slippage_model,
            "slippage_bps": slip,
            "capital_usd": capital_usd,
            "risk_off_position": res.rules.regime.risk_off_position,
            "target_vol_pct": target_vol,
            "n_position_changes": res.n_position_changes,
            "metrics": {c: summary[c].to_dict() for c in summary.columns},
            "stale_inputs": frame_to_records(res.stale),
            "warnings": warnings,
            "last_day": {
                "date": last_day,
                "regime": str(res.regime.daily["regime"].iloc[-1]),
                "score": float(res.regime.daily["score"].iloc[-1]),
                "conditions": frame_to_records(today),
            },
            "html_path": None if html is None else str(html),
        }
        if wf is not None:
            doc["walk_forward"] = {
                "train_days": train_days,
                "test_days": test_days,
                "metric": wf.metric,
                "n_cells": len(wf.cells),
                "n_folds": len(wf.folds),
                "n_trials": wf.n_trials,
                "grid": frame_to_records(wf.cells),
                "folds": frame_to_records(wf.folds),
                "out_of_sample": wf.oos_summary["out_of_sample"].to_dict(),
                "buy_and_hold": wf.oos_summary["buy_and_hold"].to_dict(),
            }
        print_json(doc)
        return
    table = summary.reset_index()
    if wf is not None:
        oos = wf.oos_summary.rename(
            columns={"out_of_sample": "out_of_sample", "buy_and_hold": "oos_buy_and_hold"}
        )
        table = table.merge(oos.reset_index(), on="metric", how="left")
    if fmt == "table":
        console.print(head, highlight=False, soft_wrap=True)
        console.print(_TIMING, highlight=False, soft_wrap=True)
        console.print("[bold]rule[/]", highlight=False)
        for line in lines:
            console.print(f"  {line}", highlight=False, soft_wrap=True, markup=False)
    else:
        out.print(head, highlight=False, soft_wrap=True)
    print_frame(
        table,
        fmt,
        title="strategy vs buy-and-hold (fractions; 365 days/yr; risk-free 0)",
        floatfmt=",.3f",
    )
    if wf is not None and fmt == "table":
        folds = wf.folds.copy()
        for c in ("train_start", "train_end", "test_start", "test_end"):
            folds[c] = folds[c].dt.strftime("%Y-%m-%d")
        print_frame(
            folds,
            fmt,
            title=f"walk-forward: {len(wf.folds)} folds, {len(wf.cells)} cells each, "
            f"{wf.n_trials} trials; deflated Sharpe of each fold's chosen cell",
            floatfmt=",.3f",
        )
    if fmt == "table":
        print_frame(today, fmt, title=f"conditions on {last_day:%Y-%m-%d} (last day)")
    if html is not None:
        out.print(f"tear sheet written to {html}", highlight=False, soft_wrap=True)


def _plain(v: Any) -> Any:
    """Numbers as floats (NaN stays), strings and booleans unchanged."""
    if isinstance(v, bool | str) or v is None:
        return v
    try:
        return float(v)
    except (TypeError, ValueError):
        return str(v)
