"""Performance metrics of a per-bar return series (pure).

Conventions, used by every function here and by :meth:`BacktestResult.summary`:

- ``returns`` are simple per-bar returns (0.01 = 1 %), one per bar interval, on a UTC index.
- ``periods_per_year`` annualises: 365 for daily crypto bars (BTC trades every day), 8,760
  for hourly ones; :func:`periods_per_year` infers it from the median bar spacing (a year of
  365 days), so pass 252 yourself for daily equity sessions.
- The risk-free rate is 0: Sharpe and Sortino are of the raw returns.
- Volatility and Sharpe use the sample standard deviation (``ddof=1``); Sortino's downside
  deviation is the root mean square of the negative returns over all bars (target 0).
- Drawdowns are measured on the compounded equity starting at 1 before the first return.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from flowscope.errors import BacktestError

__all__ = [
    "cagr",
    "calmar",
    "exposure",
    "hit_rate",
    "max_drawdown",
    "periods_per_year",
    "sharpe",
    "sortino",
    "summarize",
    "total_return",
    "turnover",
    "volatility",
]

_YEAR_S = 365.0 * 86_400.0


def periods_per_year(index: pd.Index) -> float:
    """Bars per year inferred from the median spacing of a datetime index (365-day year).

    Examples
    --------
    >>> idx = pd.date_range("2024-01-01", periods=10, freq="D", tz="UTC")
    >>> periods_per_year(idx)
    365.0
    >>> periods_per_year(pd.date_range("2024-01-01", periods=10, freq="h", tz="UTC"))
    8760.0
    """
    if not isinstance(index, pd.DatetimeIndex) or len(index) < 2:
        msg = (
            "periods_per_year: cannot infer the bar length from a non-datetime index or one of "
            f"fewer than 2 bars (got {type(index).__name__} of {len(index)}); pass periods_per_year"
        )
        raise BacktestError(msg)
    step = float(np.median(np.diff(index.as_unit("ns").asi8))) / 1e9
    if step <= 0:
        msg = "periods_per_year: the index is not increasing; sort it first"
        raise BacktestError(msg)
    return round(_YEAR_S / step, 6)


def total_return(returns: pd.Series) -> float:
    """Compounded return over the whole series (0.5 = +50 %)."""
    return float(np.prod(1.0 + returns.to_numpy(dtype=float)) - 1.0)


def cagr(returns: pd.Series, periods_per_year: float) -> float:
    """Compound annual growth rate: ``(1 + total) ** (ppy / n) - 1`` for ``n`` returns."""
    n = len(returns)
    growth = 1.0 + total_return(returns)
    if n == 0 or growth <= 0:
        return -1.0 if n else math.nan
    return float(growth ** (periods_per_year / n) - 1.0)


def volatility(returns: pd.Series, periods_per_year: float) -> float:
    """Annualised volatility: sample standard deviation times ``sqrt(periods_per_year)``."""
    return float(returns.std(ddof=1) * math.sqrt(periods_per_year))


def sharpe(returns: pd.Series, periods_per_year: float) -> float:
    """Annualised Sharpe ratio (risk-free 0): ``mean / std(ddof=1) * sqrt(ppy)``; NaN if flat."""
    sd = float(returns.std(ddof=1))
    return float(returns.mean() / sd * math.sqrt(periods_per_year)) if sd > 0 else math.nan


def sortino(returns: pd.Series, periods_per_year: float) -> float:
    """Annualised Sortino ratio: ``mean / sqrt(mean(min(r, 0)**2)) * sqrt(ppy)``; NaN if no loss."""
    r = returns.to_numpy(dtype=float)
    dd = math.sqrt(float(np.mean(np.minimum(r, 0.0) ** 2))) if len(r) else 0.0
    return float(r.mean() / dd * math.sqrt(periods_per_year)) if dd > 0 else math.nan


def max_drawdown(returns: pd.Series) -> float:
    """Worst peak-to-trough fall of the compounded equity (a negative fraction, 0 if none)."""
    equity = np.concatenate([[1.0], np.cumprod(1.0 + returns.to_numpy(dtype=float))])
    return float(np.min(equity / np.maximum.accumulate(equity) - 1.0))


def calmar(returns: pd.Series, periods_per_year: float) -> float:
    """CAGR divided by the absolute maximum drawdown (NaN without a drawdown)."""
    mdd = max_drawdown(returns)
    return cagr(returns, periods_per_year) / abs(mdd) if mdd < 0 else math.nan


def hit_rate(returns: pd.Series, held: pd.Series) -> float:
    """Share of bars with a position held (``held != 0``) that closed with a gain."""
    mask = held.to_numpy(dtype=float) != 0
    n = int(mask.sum())
    return float((returns.to_numpy(dtype=float)[mask] > 0).sum() / n) if n else math.nan


def exposure(held: pd.Series) -> float:
    """Share of bars spent with a position (long or short)."""
    return float((held.to_numpy(dtype=float) != 0).mean()) if len(held) else math.nan


def turnover(traded: pd.Series, periods_per_year: float, n_returns: int) -> float:
    """Annualised turnover: notional traded (in multiples of equity) per year."""
    return float(traded.sum() * periods_per_year / n_returns) if n_returns else math.nan


def summarize(
    returns: pd.Series, held: pd.Series, traded: pd.Series, periods_per_year: float
) -> dict[str, float]:
    """Every metric of this module as a dict (keys with units, fractions not percent).

    Parameters
    ----------
    returns
        Per-bar simple returns.
    held
        Weight held over each of those bars (aligned with ``returns``).
    traded
        Notional traded at each close, in multiples of equity (including the first trade).
    periods_per_year
        Bars per year (365 for daily BTC).
    """
    n = len(returns)
    return {
        "total_return": total_return(returns),
        "cagr": cagr(returns, periods_per_year),
        "volatility_ann": volatility(returns, periods_per_year),
        "sharpe": sharpe(returns, periods_per_year),
        "sortino": sortino(returns, periods_per_year),
        "max_drawdown": max_drawdown(returns),
        "calmar": calmar(returns, periods_per_year),
        "hit_rate": hit_rate(returns, held),
        "exposure": exposure(held),
        "turnover_ann": turnover(traded, periods_per_year, n),
    }
