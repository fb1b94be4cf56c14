"""Vectorised backtests, sweeps and walk-forward over daily or intraday bars (pure).

The entry point is :func:`run_backtest` (closes and a target position in, a
:class:`BacktestResult` out); :func:`sweep_ma_crossover` and :func:`walk_forward` evaluate the
built-in moving-average crossover over parameter grids. Importing this package compiles
nothing; the numba kernels compile (or load from their cache) on first use.
"""

from flowscope.backtest.engine import BacktestResult, run_backtest, vol_target_leverage
from flowscope.backtest.sweep import (
    SweepResult,
    crossover_grid,
    deflated_sharpe,
    ma_crossover_positions,
    sweep_ma_crossover,
)
from flowscope.backtest.walkforward import WalkForwardResult, walk_forward

__all__ = [
    "BacktestResult",
    "SweepResult",
    "WalkForwardResult",
    "crossover_grid",
    "deflated_sharpe",
    "ma_crossover_positions",
    "run_backtest",
    "sweep_ma_crossover",
    "vol_target_leverage",
    "walk_forward",
]
