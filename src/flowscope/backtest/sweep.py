"""Parameter sweeps of the built-in moving-average crossover, with the deflated Sharpe ratio.

The strategy (:func:`ma_crossover_positions`): simple moving averages of the close over
``fast`` and ``slow`` bars; go long when ``fast_ma > slow_ma * (1 + threshold)``, leave the
long (flat, or short with ``short=True``) when ``fast_ma < slow_ma * (1 - threshold)``, and
keep the previous position in between. Each moving average at close ``t`` uses closes up to
``t`` only; the engine applies the position to the next bar (no look-ahead).

:func:`sweep_ma_crossover` evaluates every cell of a (fast, slow, threshold) grid in one numba
kernel that accumulates each cell's metrics bar by bar without keeping its equity curve
(``keep_equity=True`` keeps them). The cost and rebalancing model is the engine's
(:mod:`flowscope.backtest.engine`), so a cell's metrics equal those of
:func:`~flowscope.backtest.engine.run_backtest` on the same positions.

Choosing the best of many cells inflates its Sharpe ratio; :func:`deflated_sharpe` (Bailey and
López de Prado, 2014, "The Deflated Sharpe Ratio", Journal of Portfolio Management 40(5))
gives the probability that the best cell's true Sharpe ratio is above zero once the number of
trials, their dispersion and the returns' skewness and kurtosis are accounted for.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist
from typing import Literal

import numpy as np
import pandas as pd

from flowscope.backtest import _kernels
from flowscope.backtest.metrics import periods_per_year as _infer_ppy
from flowscope.errors import BacktestError, MissingDependencyError

__all__ = [
    "SweepResult",
    "crossover_grid",
    "deflated_sharpe",
    "expected_max_sharpe",
    "ma_crossover_positions",
    "sweep_ma_crossover",
]

Engine = Literal["local", "dask"]
EULER_GAMMA = 0.5772156649015329
_N = NormalDist()


def ma_crossover_positions(
    close: pd.Series, fast: int, slow: int, threshold: float = 0.0, *, short: bool = False
) -> pd.Series:
    """Positions (1 long, 0 flat, -1 short) of the moving-average crossover at each close.

    Parameters
    ----------
    close
        Closes (USD) on a UTC index.
    fast, slow
        Moving-average windows in bars (``fast < slow``).
    threshold
        Band around the slow average, as a fraction (0.01 = 1 %).
    short
        Go short below the lower band instead of flat.

    Returns
    -------
    Series
        Position decided at each close from closes up to it; 0 until both averages exist.
    """
    _check_windows(fast, slow, threshold)
    c = close.to_numpy(dtype=float)
    pos = _kernels.crossover_positions(
        _kernels.rolling_mean(c, fast), _kernels.rolling_mean(c, slow), float(threshold), short
    )
    return pd.Series(pos, index=close.index, name="position")


def _check_windows(fast: int, slow: int, threshold: float) -> None:
    if fast < 1 or slow <= fast:
        msg = f"moving-average windows need 1 <= fast < slow, got fast={fast}, slow={slow}"
        raise BacktestError(msg)
    if not 0 <= threshold < 1:
        msg = f"threshold must be a fraction in [0, 1), got {threshold!r}"
        raise BacktestError(msg)


def crossover_grid(
    fast: list[int] | np.ndarray, slow: list[int] | np.ndarray, thresholds: list[float] | np.ndarray
) -> pd.DataFrame:
    """Every valid (fast < slow) combination, as columns ``fast``, ``slow``, ``threshold``."""
    f, s, t = np.meshgrid(
        np.asarray(fast, dtype=np.int64),
        np.asarray(slow, dtype=np.int64),
        np.asarray(thresholds, dtype=float),
        indexing="ij",
    )
    grid = pd.DataFrame({"fast": f.ravel(), "slow": s.ravel(), "threshold": t.ravel()})
    grid = grid[(grid["fast"] >= 1) & (grid["fast"] < grid["slow"])]
    if grid.empty:
        msg = "the grid has no cell with 1 <= fast < slow"
        raise BacktestError(msg)
    bad = grid[(grid["threshold"] < 0) | (grid["threshold"] >= 1)]
    if not bad.empty:
        msg = f"thresholds must be fractions in [0, 1), got {bad['threshold'].iloc[0]!r}"
        raise BacktestError(msg)
    return grid.reset_index(drop=True)


def expected_max_sharpe(sharpe_variance: float, n_trials: int) -> float:
    """Expected maximum of ``n_trials`` Sharpe ratios with true value 0 (same units as input).

    ``sqrt(V) * ((1 - γ) Φ⁻¹(1 - 1/N) + γ Φ⁻¹(1 - 1/(N e)))``, γ the Euler-Mascheroni constant.
    """
    if n_trials < 2:
        return 0.0
    z1 = _N.inv_cdf(1.0 - 1.0 / n_trials)
    z2 = _N.inv_cdf(1.0 - 1.0 / (n_trials * math.e))
    return math.sqrt(sharpe_variance) * ((1.0 - EULER_GAMMA) * z1 + EULER_GAMMA * z2)


def deflated_sharpe(
    sharpe: float,
    *,
    sharpe_variance: float,
    n_trials: int,
    n_obs: int,
    skew: float,
    kurtosis: float,
) -> float:
    """Deflated Sharpe ratio: probability that the selected strategy's true Sharpe exceeds 0.

    Parameters
    ----------
    sharpe
        Per-bar (not annualised) Sharpe ratio of the selected strategy.
    sharpe_variance
        Variance of the per-bar Sharpe ratios across all trials.
    n_trials
        Number of strategies tried.
    n_obs
        Number of returns behind ``sharpe``.
    skew, kurtosis
        Skewness and (non-excess, normal = 3) kurtosis of the selected strategy's returns.

    Returns
    -------
    float
        ``Φ((SR - SR0) sqrt(T - 1) / sqrt(1 - skew SR + (kurtosis - 1) / 4 SR²))`` with
        ``SR0`` = :func:`expected_max_sharpe`.

    Examples
    --------
    The paper's example: annual SR 2.5 on 1,250 daily returns (250 a year), 100 trials with
    annualised variance 0.5, skewness -3, kurtosis 10, gives 0.90.

    >>> round(deflated_sharpe(2.5 / 250**0.5, sharpe_variance=0.5 / 250, n_trials=100,
    ...                       n_obs=1250, skew=-3.0, kurtosis=10.0), 2)
    0.9
    """
    sr0 = expected_max_sharpe(sharpe_variance, n_trials)
    denom = 1.0 - skew * sharpe + (kurtosis - 1.0) / 4.0 * sharpe**2
    if n_obs < 2 or denom <= 0 or not math.isfinite(sharpe):
        return math.nan
    return _N.cdf((sharpe - sr0) * math.sqrt(n_obs - 1) / math.sqrt(denom))


@dataclass(frozen=True)
class SweepResult:
    """Outcome of :func:`sweep_ma_crossover`.

    Attributes
    ----------
    cells
        One row per grid cell: ``fast``, ``slow`` (bars), ``threshold`` (fraction), the
        metrics of :func:`flowscope.backtest.metrics.summarize` (fractions, annualised with
        :attr:`periods_per_year`), ``n_trades``, ``sharpe_per_bar``, ``skew``, ``kurtosis``.
    equity
        Equity curves (starting at 1) with one column per cell, or None unless asked for.
    n_trials
        Number of cells evaluated.
    best
        The row of ``cells`` with the highest Sharpe ratio.
    deflated_sharpe
        Deflated Sharpe ratio of the best cell given ``n_trials``.
    periods_per_year
        Bars per year used to annualise.
    """

    cells: pd.DataFrame
    equity: pd.DataFrame | None
    n_trials: int
    best: pd.Series
    deflated_sharpe: float
    periods_per_year: float


def _moving_averages(close: np.ndarray, windows: np.ndarray) -> np.ndarray:
    return np.vstack([_kernels.rolling_mean(close, int(w)) for w in windows])


def _evaluate(
    close: np.ndarray,
    ma: np.ndarray,
    fast_idx: np.ndarray,
    slow_idx: np.ndarray,
    thresholds: np.ndarray,
    short: bool,
    size: float,
    k: float,
    start: int,
    stop: int,
    keep_equity: bool,
) -> tuple[np.ndarray, np.ndarray]:
    return _kernels.sweep_crossover(
        close, ma, fast_idx, slow_idx, thresholds, short, size, k, start, stop, keep_equity
    )


def _run_dask(
    scheduler: str | None, chunks: list[slice], args: tuple[object, ...], tail: tuple[object, ...]
) -> list[tuple[np.ndarray, np.ndarray]]:
    try:
        from distributed import Client
    except ImportError as exc:
        msg = "engine='dask' needs the scale extra: pip install 'flowscope[scale]'"
        raise MissingDependencyError(msg) from exc
    close, ma, fast_idx, slow_idx, th = args
    client = Client(scheduler) if scheduler else Client(processes=False)  # type: ignore[no-untyped-call]
    try:
        close_f, ma_f = client.scatter([close, ma], broadcast=True)  # type: ignore[no-untyped-call]
        futures = [
            client.submit(
                _evaluate,
                close_f,
                ma_f,
                fast_idx[sl],  # type: ignore[index]
                slow_idx[sl],  # type: ignore[index]
                th[sl],  # type: ignore[index]
                *tail,
                pure=False,
            )
            for sl in chunks
        ]
        out: list[tuple[np.ndarray, np.ndarray]] = client.gather(futures)  # type: ignore[no-untyped-call]
    finally:
        client.close()  # type: ignore[no-untyped-call]
    return out


def sweep_ma_crossover(
    close: pd.Series,
    *,
    fast: list[int] | np.ndarray,
    slow: list[int] | np.ndarray,
    thresholds: list[float] | np.ndarray = (0.0,),  # type: ignore[assignment]
    short: bool = False,
    fee_bps: float = 0.0,
    slippage_bps: float = 0.0,
    size: float = 1.0,
    periods_per_year: float | None = None,
    start: int = 0,
    stop: int | None = None,
    keep_equity: bool = False,
    engine: Engine = "local",
    scheduler: str | None = None,
    chunk_size: int = 2_000,
) -> SweepResult:
    """Evaluate the moving-average crossover on every (fast, slow, threshold) cell.

    Parameters
    ----------
    close
        Closes (USD) on a strictly increasing UTC index.
    fast, slow, thresholds
        Grid values (bars, bars, fractions); cells with ``fast >= slow`` are skipped.
    short
        Short below the lower band instead of flat.
    fee_bps, slippage_bps
        Costs in basis points of traded notional (as in ``run_backtest``).
    size
        Fraction of equity a position of 1 stands for.
    periods_per_year
        Bars per year (default: inferred; 365 for daily BTC).
    start, stop
        Evaluate returns of bars ``start + 1 .. stop - 1`` only (positions still use the
        closes before ``start``); used by walk-forward. Equity is 1 at bar ``start``.
    keep_equity
        Also return every cell's equity curve (memory: cells × bars × 8 bytes).
    engine
        ``"local"`` (numba threads) or ``"dask"`` (chunks of ``chunk_size`` cells on a Dask
        cluster at ``scheduler``, or on an in-process cluster without one).
    scheduler
        Dask scheduler address (``tcp://host:8786``); only with ``engine="dask"``.
    chunk_size
        Cells per Dask task.

    Returns
    -------
    SweepResult
        Per-cell metrics, the best cell by Sharpe ratio and its deflated Sharpe ratio.
    """
    if engine not in ("local", "dask"):
        msg = f"engine must be 'local' or 'dask', got {engine!r}"
        raise BacktestError(msg)
    if not isinstance(close.index, pd.DatetimeIndex) or not close.index.is_monotonic_increasing:
        msg = "sweep: close must be on an increasing DatetimeIndex (UTC)"
        raise BacktestError(msg)
    c = close.to_numpy(dtype=float)
    if not (np.isfinite(c) & (c > 0)).all():
        msg = "sweep: closes must be finite and positive"
        raise BacktestError(msg)
    stop = len(c) if stop is None else stop
    if not 0 <= start < stop - 1 or stop > len(c):
        msg = f"sweep: need 0 <= start < stop - 1 <= {len(c) - 1}, got start={start}, stop={stop}"
        raise BacktestError(msg)
    k = (fee_bps + slippage_bps) / 1e4
    if not 0 <= k * max(size, 1.0) < 1:
        msg = f"sweep: costs must be in [0, 10,000) bps, got {fee_bps + slippage_bps}"
        raise BacktestError(msg)
    ppy = periods_per_year or _infer_ppy(close.index)
    grid = crossover_grid(fast, slow, thresholds)
    windows = np.unique(np.concatenate([grid["fast"].to_numpy(), grid["slow"].to_numpy()]))
    ma = _moving_averages(c, windows)
    fast_idx = np.searchsorted(windows, grid["fast"].to_numpy()).astype(np.int64)
    slow_idx = np.searchsorted(windows, grid["slow"].to_numpy()).astype(np.int64)
    th = grid["threshold"].to_numpy(dtype=float)
    tail = (short, float(size), float(k), int(start), int(stop), bool(keep_equity))
    if engine == "local":
        stats, curves = _evaluate(c, ma, fast_idx, slow_idx, th, *tail)
    else:
        n = len(grid)
        chunks = [slice(i, min(i + chunk_size, n)) for i in range(0, n, chunk_size)]
        parts = _run_dask(scheduler, chunks, (c, ma, fast_idx, slow_idx, th), tail)
        stats = np.vstack([p[0] for p in parts])
        curves = np.vstack([p[1] for p in parts])
    cells = pd.concat([grid, _metrics_from_stats(stats, ppy)], axis=1)
    equity = (
        pd.DataFrame(curves.T, index=close.index[start:stop], columns=pd.RangeIndex(len(grid)))
        if keep_equity
        else None
    )
    sr = cells["sharpe_per_bar"]
    finite = sr[np.isfinite(sr)]
    if finite.empty:
        msg = "sweep: no cell ever held a position with varying returns; widen the grid"
        raise BacktestError(msg)
    best = cells.loc[finite.idxmax()]
    dsr = deflated_sharpe(
        float(best["sharpe_per_bar"]),
        sharpe_variance=float(finite.var(ddof=1)) if len(finite) > 1 else 0.0,
        n_trials=len(cells),
        n_obs=int(stop - start - 1),
        skew=float(best["skew"]),
        kurtosis=float(best["kurtosis"]),
    )
    return SweepResult(
        cells=cells,
        equity=equity,
        n_trials=len(cells),
        best=best,
        deflated_sharpe=dsr,
        periods_per_year=float(ppy),
    )


def _metrics_from_stats(stats: np.ndarray, ppy: float) -> pd.DataFrame:
    s = pd.DataFrame(stats, columns=list(_kernels.STAT_NAMES))
    n = s["n_returns"]
    mean = s["sum_ret"] / n
    m2 = (s["sum_ret2"] / n - mean**2).clip(lower=0.0)  # population variance
    var = m2 * n / (n - 1)
    sd = np.sqrt(var)
    m3 = s["sum_ret3"] / n - 3 * mean * s["sum_ret2"] / n + 2 * mean**3
    m4 = (
        s["sum_ret4"] / n
        - 4 * mean * s["sum_ret3"] / n
        + 6 * mean**2 * s["sum_ret2"] / n
        - 3 * mean**4
    )
    growth = s["final_equity"]
    cagr = np.where(growth > 0, growth.clip(lower=1e-300) ** (ppy / n) - 1.0, -1.0)
    down = np.sqrt(s["sum_down2"] / n)
    mdd = s["max_drawdown"]
    with np.errstate(divide="ignore", invalid="ignore"):
        sr_bar = np.where(sd > 0, mean / sd, np.nan)
        out = pd.DataFrame(
            {
                "total_return": growth - 1.0,
                "cagr": cagr,
                "volatility_ann": sd * math.sqrt(ppy),
                "sharpe": sr_bar * math.sqrt(ppy),
                "sortino": np.where(down > 0, mean / down * math.sqrt(ppy), np.nan),
                "max_drawdown": mdd,
                "calmar": np.where(mdd < 0, cagr / mdd.abs(), np.nan),
                "hit_rate": np.where(
                    s["bars_exposed"] > 0, s["bars_hit"] / s["bars_exposed"], np.nan
                ),
                "exposure": s["bars_exposed"] / n,
                "turnover_ann": s["turnover"] * ppy / n,
                "n_trades": s["n_trades"].astype(np.int64),
                "sharpe_per_bar": sr_bar,
                "skew": np.where(m2 > 0, m3 / m2**1.5, np.nan),
                "kurtosis": np.where(m2 > 0, m4 / m2**2, np.nan),
            }
        )
    return out
