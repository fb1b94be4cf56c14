"""Walk-forward evaluation of the moving-average crossover (pure).

Rolling windows: ``train`` bars in-sample, then ``test`` bars out-of-sample; the windows move
on by ``test`` bars. In each fold the grid is swept in-sample
(:func:`~flowscope.backtest.sweep.sweep_ma_crossover`), the cell with the best ``metric`` is
kept, and it is run out-of-sample with :func:`~flowscope.backtest.engine.run_backtest`
starting flat at the last in-sample close. Positions only use closes up to each bar, so
nothing of the test window leaks into the choice. The out-of-sample returns of the folds are
concatenated and summarised separately from the in-sample figures.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from flowscope.backtest.engine import run_backtest
from flowscope.backtest.metrics import periods_per_year as _infer_ppy
from flowscope.backtest.metrics import summarize
from flowscope.backtest.sweep import ma_crossover_positions, sweep_ma_crossover
from flowscope.errors import BacktestError

__all__ = ["WalkForwardResult", "walk_forward"]

_METRICS = ("sharpe", "sortino", "calmar", "cagr", "total_return")


@dataclass(frozen=True)
class WalkForwardResult:
    """Outcome of :func:`walk_forward`.

    Attributes
    ----------
    folds
        One row per fold: ``train_start``, ``train_end``, ``test_start``, ``test_end`` (UTC
        bar times), the chosen ``fast``, ``slow``, ``threshold``, ``in_sample_<metric>`` and
        the out-of-sample ``oos_total_return`` and ``oos_sharpe``.
    oos_returns
        Out-of-sample per-bar returns of all folds, concatenated (UTC index).
    oos_summary
        :func:`~flowscope.backtest.metrics.summarize` of the concatenated out-of-sample
        returns (one column ``out_of_sample``), beside buy-and-hold over the same bars.
    """

    folds: pd.DataFrame
    oos_returns: pd.Series
    oos_summary: pd.DataFrame


def walk_forward(
    close: pd.Series,
    *,
    fast: list[int],
    slow: list[int],
    thresholds: list[float] = (0.0,),  # type: ignore[assignment]
    train: int,
    test: int,
    metric: str = "sharpe",
    short: bool = False,
    fee_bps: float = 0.0,
    slippage_bps: float = 0.0,
    periods_per_year: float | None = None,
) -> WalkForwardResult:
    """Choose crossover parameters in-sample and run them out-of-sample, fold after fold.

    Parameters
    ----------
    close
        Closes (USD) on a UTC index.
    fast, slow, thresholds
        The grid swept in each training window (bars, bars, fractions).
    train, test
        Window lengths in bars; folds step by ``test``.
    metric
        In-sample criterion to maximise: sharpe, sortino, calmar, cagr or total_return.
    short, fee_bps, slippage_bps
        As in :func:`~flowscope.backtest.sweep.sweep_ma_crossover`.
    periods_per_year
        Bars per year (default: inferred; 365 for daily BTC).

    Returns
    -------
    WalkForwardResult
    """
    if metric not in _METRICS:
        msg = f"walk_forward: metric must be one of {', '.join(_METRICS)}, got {metric!r}"
        raise BacktestError(msg)
    n = len(close)
    if train < 2 or test < 1 or train + test > n:
        msg = f"walk_forward: need train >= 2, test >= 1 and train + test <= {n} bars"
        raise BacktestError(msg)
    ppy = periods_per_year or _infer_ppy(close.index)
    rows = []
    pieces = []
    idx = close.index
    for s in range(0, n - train - test + 1, test):
        tr_end = s + train  # exclusive
        te_end = tr_end + test
        sw = sweep_ma_crossover(
            close,
            fast=fast,
            slow=slow,
            thresholds=thresholds,
            short=short,
            fee_bps=fee_bps,
            slippage_bps=slippage_bps,
            periods_per_year=ppy,
            start=s,
            stop=tr_end,
        )
        score = sw.cells[metric].where(np.isfinite(sw.cells[metric]))
        best = sw.cells.loc[score.idxmax()] if score.notna().any() else sw.best
        f, sl, th = int(best["fast"]), int(best["slow"]), float(best["threshold"])
        pos = ma_crossover_positions(close.iloc[:te_end], f, sl, th, short=short)
        win = slice(tr_end - 1, te_end)
        res = run_backtest(
            close.iloc[win],
            pos.iloc[win],
            fee_bps=fee_bps,
            slippage_bps=slippage_bps,
            periods_per_year=ppy,
        )
        summ = res.summary()["strategy"]
        pieces.append((res.returns, res.positions["held"].iloc[1:], res.positions["traded"]))
        rows.append(
            {
                "train_start": idx[s],
                "train_end": idx[tr_end - 1],
                "test_start": idx[tr_end],
                "test_end": idx[te_end - 1],
                "fast": f,
                "slow": sl,
                "threshold": th,
                f"in_sample_{metric}": float(best[metric]),
                "oos_total_return": float(summ["total_return"]),
                "oos_sharpe": float(summ["sharpe"]),
            }
        )
    oos = pd.concat([p[0] for p in pieces]).rename("returns")
    held = pd.concat([p[1] for p in pieces])
    traded = pd.concat([p[2] for p in pieces])
    bh_ret = close.pct_change().reindex(oos.index)
    ones = pd.Series(1.0, index=oos.index)
    summary = pd.DataFrame(
        {
            "out_of_sample": summarize(oos, held, traded, ppy),
            "buy_and_hold": summarize(bh_ret, ones, ones.iloc[:1], ppy),
        }
    )
    summary.index.name = "metric"
    return WalkForwardResult(folds=pd.DataFrame(rows), oos_returns=oos, oos_summary=summary)
