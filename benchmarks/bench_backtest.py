"""Benchmark: one MA-crossover grid through flowscope's sweep kernel and through vectorbt.

Data: a seeded geometric Brownian motion of hourly closes (seed 42, start 40,000 USD, zero
drift, hourly log-return volatility 0.7467 %: the standard deviation of hourly log returns of
the BTC perpetual 1-minute bars of January 2022 in btc_prices/, resampled to hours).

Strategy: long when fast MA > slow MA * (1 + threshold), flat when fast MA < slow MA *
(1 - threshold), else hold; 10 bps fee on traded notional; no slippage. vectorbt runs
``Portfolio.from_signals`` with the same entries/exits (its MAs from ``vbt.MA.run``) in chunks
of columns, and its total return, Sharpe ratio and maximum drawdown are read for every cell.

Sizes: default 20,000 bars x 1,008 cells;
``FLOWSCOPE_BENCH_FULL=1``: 1,000,000 bars x 10,080 cells. Each side runs in its own
subprocess so its peak resident memory (``ru_maxrss``) is its own; times exclude imports and
include numba compilation only if the on-disk cache is cold (one warm-up run on 1,000 bars
first). Run: ``python benchmarks/bench_backtest.py`` (needs the ``bench`` extra: vectorbt).
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time

import numpy as np
import pandas as pd

SEED = 42
HOURLY_VOL = 0.007467
FULL = os.environ.get("FLOWSCOPE_BENCH_FULL") == "1"
N_BARS = 1_000_000 if FULL else 20_000
FAST = list(range(2, 62, 2)) if FULL else list(range(5, 65, 5))  # 30 or 12 windows
SLOW = list(range(70, 910, 20)) if FULL else list(range(70, 490, 20))  # 42 or 21 windows
THRESHOLDS = [0.0, 0.005, 0.01, 0.02, 0.03, 0.05, 0.075, 0.1] if FULL else [0.0, 0.01, 0.02, 0.05]
FEE = 0.001
CHUNK = 64  # vectorbt columns per chunk (memory: CHUNK x N_BARS x 8 bytes per array)


def gbm(n: int) -> pd.Series:
    rng = np.random.default_rng(SEED)
    logret = rng.normal(-0.5 * HOURLY_VOL**2, HOURLY_VOL, n)
    logret[0] = 0.0
    idx = pd.date_range("2000-01-01", periods=n, freq="h", tz="UTC")
    return pd.Series(40_000.0 * np.exp(np.cumsum(logret)), index=idx, name="close")


def grid() -> pd.DataFrame:
    from flowscope.backtest import crossover_grid

    return crossover_grid(FAST, SLOW, THRESHOLDS)


def run_flowscope(close: pd.Series, keep_equity: bool = False) -> tuple[pd.DataFrame, object]:
    from flowscope.backtest import sweep_ma_crossover

    res = sweep_ma_crossover(
        close, fast=FAST, slow=SLOW, thresholds=THRESHOLDS, fee_bps=FEE * 1e4,
        periods_per_year=8760, keep_equity=keep_equity,
    )  # fmt: skip
    return res.cells, res.equity


def run_vectorbt(close: pd.Series, cells: pd.DataFrame, want_equity: bool = False) -> object:
    import vectorbt as vbt

    windows = sorted(set(cells["fast"]) | set(cells["slow"]))
    ma = vbt.MA.run(close, window=windows).ma.to_numpy()
    col = {w: i for i, w in enumerate(windows)}
    out, curves = [], []
    for lo in range(0, len(cells), CHUNK):
        part = cells.iloc[lo : lo + CHUNK]
        f = ma[:, [col[w] for w in part["fast"]]]
        s = ma[:, [col[w] for w in part["slow"]]]
        th = part["threshold"].to_numpy()
        entries = f > s * (1 + th)
        exits = f < s * (1 - th)
        pf = vbt.Portfolio.from_signals(close, entries, exits, fees=FEE, init_cash=1.0, freq="1h")
        out.append(
            pd.DataFrame(
                {
                    "total_return": pf.total_return().to_numpy(),
                    "sharpe": pf.sharpe_ratio().to_numpy(),
                    "max_drawdown": pf.max_drawdown().to_numpy(),
                }
            )
        )
        if want_equity:
            curves.append(pf.value().to_numpy())
    return (pd.concat(out, ignore_index=True), np.hstack(curves) if want_equity else None)


def _side(name: str) -> None:
    close = gbm(N_BARS)
    cells = grid()
    if name == "flowscope":
        run_flowscope(gbm(1_000))  # load or compile the kernels
        t = time.perf_counter()
        run_flowscope(close)
    else:
        run_vectorbt(gbm(1_000), cells.head(2))  # numba compilation of vectorbt
        t = time.perf_counter()
        run_vectorbt(close, cells)
    secs = time.perf_counter() - t
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # MiB (Linux: KiB)
    print(json.dumps({"seconds": secs, "peak_rss_mib": rss}))


def _check_agreement() -> float:
    """Largest relative difference of equity curves on a subset (20,000 bars, 40 cells)."""
    global FAST, SLOW, THRESHOLDS
    saved = (FAST, SLOW, THRESHOLDS)
    FAST, SLOW, THRESHOLDS = [5, 10, 20, 40], [70, 150, 300, 450, 490], [0.0, 0.02]
    try:
        close = gbm(20_000)
        cells, eq = run_flowscope(close, keep_equity=True)
        _, vbt_eq = run_vectorbt(close, cells, want_equity=True)
    finally:
        FAST, SLOW, THRESHOLDS = saved
    ours = np.asarray(eq)
    return float(np.max(np.abs(ours - vbt_eq) / np.abs(vbt_eq)))


def main() -> None:
    if len(sys.argv) > 1:
        _side(sys.argv[1])
        return
    n_cells = len(grid())
    print(f"grid: {n_cells:,} cells x {N_BARS:,} hourly bars (seed {SEED}); full={FULL}")
    rel = _check_agreement()
    print(f"equity agreement on 40 cells x 20,000 bars: max relative difference {rel:.2e}")
    res = {}
    for name in ("flowscope", "vectorbt"):
        proc = subprocess.run(
            [sys.executable, __file__, name], capture_output=True, text=True, check=True
        )
        res[name] = json.loads(proc.stdout.strip().splitlines()[-1])
        print(
            f"{name:>9}: {res[name]['seconds']:8.2f} s, peak RSS {res[name]['peak_rss_mib']:,.0f} MiB"
        )
    ratio = res["vectorbt"]["seconds"] / res["flowscope"]["seconds"]
    print(f"flowscope is {ratio:.1f}x faster (numba threads: {os.cpu_count()} cores)")
    if rel > 1e-9:
        sys.exit("equity curves disagree by more than 1e-9")


if __name__ == "__main__":
    main()
