"""``flowscope sweep``: the moving-average crossover over a parameter grid on stored closes.

Closes are one bar per time from the most trusted source (``flowscope prices`` shows them);
returns and drawdowns are fractions, ratios are annualised (365 bars a year for daily BTC)
with a zero risk-free rate. The best cell is reported with the number of cells tried and its
deflated Sharpe ratio (the probability that its true Sharpe ratio is above zero).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from flowscope._lazy import lazy_module
from flowscope.cli._common import (
    FormatOpt,
    console,
    err_console,
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

__all__ = ["sweep"]

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
