"""Per-bar slippage from the square-root impact model (pure).

For an order of ``capital_usd`` traded against a day's ordinary volume, the square-root law
of :mod:`flowscope.analytics.liquidity.impact` gives the price move it causes::

    slippage (fraction) = Y * sigma_daily * sqrt(capital_usd / V_daily)

with ``sigma_daily`` the standard deviation of daily returns over the ``sigma_days`` days
*before* the day and ``V_daily`` the mean USD volume of the ``volume_days`` days ending on the
day. A trade at the close of UTC day ``D`` uses day ``D``'s figure: both are known at that
close. The figure is in basis points of traded notional, the unit of
:func:`~flowscope.backtest.engine.run_backtest`'s ``slippage_bps_series``.

A day without a volume figure (missing, zero or negative volume; some sources store none)
has no estimate of its own. Days after the last estimate carry it forward and are flagged
``carried_forward`` so the caller can say so; days before the first estimate stay NaN.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from flowscope.analytics.liquidity.impact import daily_liquidity
from flowscope.errors import BacktestError

__all__ = ["impact_slippage_bps"]


def impact_slippage_bps(
    bars: pd.DataFrame,
    *,
    capital_usd: float,
    y: float = 0.8,
    sigma_days: int = 30,
    volume_days: int = 7,
) -> pd.DataFrame:
    """Slippage in basis points per UTC day for an order of ``capital_usd``.

    Parameters
    ----------
    bars
        Daily bars indexed by UTC day (naive midnight) with ``close``, ``high``, ``low`` (USD)
        and ``volume`` (BTC) or ``volume_usd`` (USD), e.g. from
        :func:`flowscope.queries.liquidity.daily_bars`.
    capital_usd
        Order size in USD (the strategy's capital: every trade is assumed to be that large).
    y
        Square-root-law prefactor (dimensionless, typically 0.5-1).
    sigma_days, volume_days
        Trailing windows (days) of the volatility and of the USD volume.

    Returns
    -------
    DataFrame
        Indexed by UTC day: ``slippage_bps`` (float, >= 0), ``carried_forward`` (True where
        the value is the last estimate carried past the last day with volume),
        ``sigma_daily`` (fraction) and ``volume_usd_trailing`` (USD). ``attrs`` holds
        ``first_estimate_day`` and ``last_estimate_day`` (``YYYY-MM-DD`` or None).

    Examples
    --------
    One day of 2 % volatility and USD 1e9 of volume, an order of USD 1e6, Y = 1:
    ``1 * 0.02 * sqrt(1e6 / 1e9) * 1e4 = 6.32`` bps.

    >>> round(0.02 * math.sqrt(1e6 / 1e9) * 1e4, 2)
    6.32
    """
    if not (math.isfinite(capital_usd) and capital_usd > 0):
        msg = f"impact slippage: capital_usd must be a positive amount of USD, got {capital_usd!r}"
        raise BacktestError(msg)
    if not (math.isfinite(y) and y > 0):
        msg = f"impact slippage: the prefactor y must be > 0, got {y!r}"
        raise BacktestError(msg)
    liq = daily_liquidity(bars, sigma_days=sigma_days, volume_days=volume_days)
    raw = y * liq["sigma_daily"] * np.sqrt(capital_usd / liq["volume_usd_trailing"]) * 1e4
    raw = raw.where(np.isfinite(raw) & (raw >= 0))
    est = raw.notna()
    filled = raw.ffill()
    out = pd.DataFrame(
        {
            "slippage_bps": filled,
            "carried_forward": ~est & filled.notna(),
            "sigma_daily": liq["sigma_daily"],
            "volume_usd_trailing": liq["volume_usd_trailing"],
        },
        index=liq.index,
    )
    days = raw.index[est.to_numpy()]
    out.attrs["first_estimate_day"] = f"{days[0]:%Y-%m-%d}" if len(days) else None
    out.attrs["last_estimate_day"] = f"{days[-1]:%Y-%m-%d}" if len(days) else None
    return out
