"""One-asset backtest engine: long, flat or short from bars, with costs and sizing (pure).

Timing (no look-ahead inside the engine): the target position at bar ``t`` is decided at the
close of bar ``t`` and earns the return from close ``t`` to close ``t + 1``. The caller must
build the position series from data known at each close; the engine only shifts it by one
bar, never the other way.

Model:

- The position is a signed fraction of equity in ``[-1, 1]`` (1 = all-in long, -1 = short the
  equity's worth), multiplied by ``size`` and, with volatility targeting, by a leverage factor.
- At every close the book is brought back to its target weight: a weight of 0.5 drifts with
  the price over a bar and the drift is traded back (a constant-exposure book). Weights of 0
  and 1 do not drift, so a long/flat strategy trades only when its signal changes.
- Costs (fees plus slippage, in basis points of traded notional) are paid out of equity, and
  the target is a fraction of the equity left after paying them, as an all-in order fills.
- Equity starts at ``capital`` (in the quote currency, USD for BTC-USD) at the first bar;
  the first trade, at that bar's close, is booked in the second bar's return.
- Buy-and-hold buys at the first close with the same costs and never trades again.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from flowscope.backtest import _kernels
from flowscope.backtest.metrics import periods_per_year as _infer_ppy
from flowscope.backtest.metrics import summarize
from flowscope.errors import BacktestError

__all__ = ["BacktestResult", "run_backtest", "vol_target_leverage"]


@dataclass(frozen=True)
class BacktestResult:
    """Outcome of :func:`run_backtest`.

    Attributes
    ----------
    equity
        Strategy equity at each close (quote currency), indexed like the input closes (UTC).
    returns
        Strategy simple return of each bar from the second one on.
    positions
        DataFrame indexed like the closes: ``target`` (the weight set at that close, after
        sizing and leverage), ``held`` (the weight held over the bar ending at that close) and
        ``traded`` (notional traded at that close, in multiples of equity).
    trades
        One row per close with a trade: ``weight_before`` (drifted), ``weight_after``,
        ``traded_notional`` (quote currency) and ``cost`` (quote currency).
    benchmark_equity
        Buy-and-hold equity with the same starting capital and costs.
    periods_per_year
        Bars per year used to annualise (inferred from the index or as given).
    """

    equity: pd.Series
    returns: pd.Series
    positions: pd.DataFrame
    trades: pd.DataFrame
    benchmark_equity: pd.Series
    periods_per_year: float

    def summary(self) -> pd.DataFrame:
        """Metrics of the strategy and of buy-and-hold side by side.

        Returns
        -------
        DataFrame
            Indexed by metric (``total_return``, ``cagr``, ``volatility_ann``, ``sharpe``,
            ``sortino``, ``max_drawdown``, ``calmar``, ``hit_rate``, ``exposure``,
            ``turnover_ann``, ``n_trades``), columns ``strategy`` and ``buy_and_hold``.
            Returns and drawdowns are fractions; ratios are annualised with
            :attr:`periods_per_year` and a zero risk-free rate.
        """
        ppy = self.periods_per_year
        pos = self.positions.iloc[1:]
        traded = self.positions["traded"]
        strat = summarize(self.returns, pos["held"], traded, ppy)
        strat["n_trades"] = float(len(self.trades))
        bh_ret = self.benchmark_equity.pct_change().iloc[1:]
        ones = pd.Series(1.0, index=bh_ret.index)
        first = pd.Series([1.0], index=self.benchmark_equity.index[:1])
        bh = summarize(bh_ret, ones, first, ppy)
        bh["n_trades"] = 1.0
        out = pd.DataFrame({"strategy": strat, "buy_and_hold": bh})
        out.index.name = "metric"
        return out


def vol_target_leverage(
    close: pd.Series,
    target_vol: float,
    *,
    window: int = 30,
    max_leverage: float = 1.0,
    periods_per_year: float | None = None,
) -> pd.Series:
    """Leverage that scales a position to a target annual volatility, from past data only.

    Parameters
    ----------
    close
        Closes (USD) on a UTC index.
    target_vol
        Target annualised volatility (0.4 = 40 %).
    window
        Trailing bars of returns for the realised volatility; the value at bar ``t`` uses the
        returns up to and including close ``t`` (known when the position is set).
    max_leverage
        Cap on the factor.
    periods_per_year
        Bars per year (default: inferred from the index; 365 for daily BTC).

    Returns
    -------
    Series
        ``min(target_vol / realised_vol, max_leverage)``; 0 until ``window`` returns exist.
    """
    ppy = periods_per_year or _infer_ppy(close.index)
    realised = close.pct_change().rolling(window, min_periods=window).std(ddof=1) * math.sqrt(ppy)
    lev = (target_vol / realised).clip(upper=max_leverage)
    return lev.fillna(0.0).rename("leverage")


def _validate(close: pd.Series, position: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    if not isinstance(close.index, pd.DatetimeIndex) or close.index.tz is None:
        msg = "run_backtest: close must be indexed by tz-aware (UTC) timestamps"
        raise BacktestError(msg)
    if not close.index.is_monotonic_increasing or close.index.has_duplicates:
        msg = "run_backtest: close index must be strictly increasing (sort and drop duplicates)"
        raise BacktestError(msg)
    if len(close) < 2:
        msg = f"run_backtest: need at least 2 bars, got {len(close)}"
        raise BacktestError(msg)
    c = close.to_numpy(dtype=float)
    bad = ~np.isfinite(c) | (c <= 0)
    if bad.any():
        i = int(np.argmax(bad))
        msg = f"run_backtest: close at {close.index[i]} is {c[i]!r}; closes must be positive"
        raise BacktestError(msg)
    if not position.index.equals(close.index):
        msg = "run_backtest: position must have exactly the index of close (reindex it first)"
        raise BacktestError(msg)
    p = position.to_numpy(dtype=float)
    badp = ~np.isfinite(p) | (np.abs(p) > 1.0)
    if badp.any():
        i = int(np.argmax(badp))
        msg = (
            f"run_backtest: position at {position.index[i]} is {p[i]!r}; "
            "positions must be finite and in [-1, 1]"
        )
        raise BacktestError(msg)
    return c, p


def run_backtest(
    close: pd.Series,
    position: pd.Series,
    *,
    fee_bps: float = 0.0,
    slippage_bps: float = 0.0,
    slippage_bps_series: pd.Series | None = None,
    size: float = 1.0,
    target_vol: float | None = None,
    vol_window: int = 30,
    max_leverage: float = 1.0,
    capital: float = 1.0,
    periods_per_year: float | None = None,
) -> BacktestResult:
    """Backtest a target position on one asset (the documented entry point; stable API).

    The position set at the close of bar ``t`` earns bar ``t + 1``'s return: no look-ahead
    inside the engine. See the module docstring for the cost and rebalancing model.

    Parameters
    ----------
    close
        Closes (USD) on a strictly increasing tz-aware UTC index (daily or intraday bars).
    position
        Target position in ``[-1, 1]`` at each close (same index as ``close``).
    fee_bps
        Fees in basis points of traded notional.
    slippage_bps
        Fixed slippage in basis points of traded notional.
    slippage_bps_series
        Extra per-bar slippage in basis points (e.g. from a liquidity model), aligned with
        ``close``; missing bars count as 0.
    size
        Fraction of equity a position of 1 stands for.
    target_vol
        Annual volatility to target (0.4 = 40 %); None: no volatility targeting. See
        :func:`vol_target_leverage` (trailing ``vol_window`` bars, capped at ``max_leverage``).
    vol_window, max_leverage
        Volatility-targeting window (bars) and leverage cap.
    capital
        Starting equity (quote currency).
    periods_per_year
        Bars per year for annualising (default: inferred from the index; 365 for daily BTC).

    Returns
    -------
    BacktestResult

    Examples
    --------
    >>> idx = pd.date_range("2024-01-01", periods=4, freq="D", tz="UTC")
    >>> close = pd.Series([100.0, 110.0, 99.0, 108.9], index=idx)
    >>> res = run_backtest(close, pd.Series([1.0, 0.0, 1.0, 1.0], index=idx))
    >>> [round(x, 6) for x in res.equity]
    [1.0, 1.1, 1.1, 1.21]
    """
    c, p = _validate(close, position)
    if size <= 0 or not math.isfinite(size):
        msg = f"run_backtest: size must be a positive fraction, got {size!r}"
        raise BacktestError(msg)
    ppy = periods_per_year or _infer_ppy(close.index)
    w = p * size
    if target_vol is not None:
        if target_vol <= 0 or max_leverage <= 0:
            msg = (
                f"run_backtest: target_vol ({target_vol!r}) and max_leverage "
                f"({max_leverage!r}) must be positive"
            )
            raise BacktestError(msg)
        lev = vol_target_leverage(
            close, target_vol, window=vol_window, max_leverage=max_leverage, periods_per_year=ppy
        )
        w = w * lev.to_numpy()
    k = np.full(len(c), (fee_bps + slippage_bps) / 1e4)
    if slippage_bps_series is not None:
        extra = slippage_bps_series.reindex(close.index).fillna(0.0).to_numpy(dtype=float)
        if (extra < 0).any() or not np.isfinite(extra).all():
            msg = "run_backtest: slippage_bps_series must be finite and non-negative"
            raise BacktestError(msg)
        k = k + extra / 1e4
    if (k < 0).any() or (k * np.maximum(np.abs(w), 1.0) >= 1).any():
        msg = f"run_backtest: costs must be in [0, 10,000) bps, got fee {fee_bps}, slip {slippage_bps}"
        raise BacktestError(msg)
    ret = np.concatenate([[0.0], c[1:] / c[:-1] - 1.0])
    equity, drift, pre, post = _kernels.simulate(ret, w, k, float(capital))
    idx = close.index
    eq = pd.Series(equity, index=idx, name="equity")
    held = np.concatenate([[0.0], w[:-1]])
    notional = np.abs(w * post - drift * pre)
    with np.errstate(divide="ignore", invalid="ignore"):
        traded = np.where(pre != 0, notional / pre, 0.0)
    positions = pd.DataFrame({"target": w, "held": held, "traded": traded}, index=idx)
    trades = pd.DataFrame(
        {
            "weight_before": drift,
            "weight_after": w,
            "traded_notional": notional,
            "cost": pre - post,
        },
        index=idx,
    )[traded > 1e-12]
    bh_w = np.ones(len(c))
    bh_eq, _, _, _ = _kernels.simulate(ret, bh_w, k, float(capital))
    bench = pd.Series(bh_eq, index=idx, name="buy_and_hold")
    return BacktestResult(
        equity=eq,
        returns=eq.pct_change().iloc[1:].rename("returns"),
        positions=positions,
        trades=trades,
        benchmark_equity=bench,
        periods_per_year=float(ppy),
    )
