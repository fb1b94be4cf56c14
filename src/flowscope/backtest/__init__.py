"""Vectorised backtests, sweeps and walk-forward over daily or intraday bars (pure).

The entry point is :func:`run_backtest` (closes and a target position in, a
:class:`BacktestResult` out); :func:`sweep_ma_crossover` and :func:`walk_forward` evaluate the
built-in moving-average crossover over parameter grids; :func:`backtest_preset` and
:func:`walk_forward_preset` backtest a regime rule (the note's rule by default). Importing this package compiles
nothing; the numba kernels compile (or load from their cache) on first use.
"""

from flowscope.backtest.costs import impact_slippage_bps
from flowscope.backtest.engine import BacktestResult, run_backtest, vol_target_leverage
from flowscope.backtest.regime import (
    RegimeBacktestResult,
    RegimeWalkForwardResult,
    backtest_preset,
    preset_grid,
    walk_forward_preset,
)
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
    "RegimeBacktestResult",
    "RegimeWalkForwardResult",
    "SweepResult",
    "WalkForwardResult",
    "backtest_preset",
    "crossover_grid",
    "deflated_sharpe",
    "impact_slippage_bps",
    "ma_crossover_positions",
    "preset_grid",
    "run_backtest",
    "sweep_ma_crossover",
    "vol_target_leverage",
    "walk_forward",
    "walk_forward_preset",
]
