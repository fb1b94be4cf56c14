"""Lead-lag of macro indicators and BTC, and the seed note's causal chain, link by link.

Cross-correlation at lag ``k`` weeks is ``corr(x_t, y_{t+k})``: ``k > 0`` means the indicator
leads BTC by ``k`` weeks, ``k < 0`` that BTC leads. Confidence intervals come from a moving
block bootstrap of the aligned pairs (blocks of ``block`` weeks keep the autocorrelation of
weekly data); the percentile interval at ``level``. A link whose interval spans zero gets the
verdict "no evidence". With 17 lags tested, one interval in 20 excludes zero by chance.

Chain (``chain_links``): AI-stock strength -> stock market -> financial conditions -> cut
odds -> BTC. Each link is the correlation of weekly changes (same week, or the cause one week
earlier where stated), with its interval, sample size and a verdict against the sign the
chain predicts.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from flowscope.errors import InsufficientDataError, MissingDependencyError

__all__ = [
    "LinkSpec",
    "block_bootstrap_corr",
    "chain_links",
    "cross_correlation",
    "granger",
    "verdict",
    "weekly_last",
    "weekly_log_returns",
]


def weekly_last(daily: pd.Series) -> pd.Series:
    """Last value of each week ending Friday (naive dates; weeks without data are NaN)."""
    s = daily.dropna().sort_index()
    s.index = pd.DatetimeIndex(s.index).normalize()
    return s.resample("W-FRI").last()


def weekly_log_returns(close: pd.Series) -> pd.Series:
    """Weekly log returns (Friday to Friday close, natural log, unitless) of a daily close."""
    w = weekly_last(close)
    return pd.Series(np.log(w / w.shift(1)), index=w.index, name=close.name)


def block_bootstrap_corr(
    a: np.ndarray, b: np.ndarray, *, block: int, n_boot: int, seed: int = 0
) -> np.ndarray:
    """Pearson correlations of ``n_boot`` moving-block resamples of the pairs ``(a, b)``."""
    n = len(a)
    block = max(1, min(block, n))
    rng = np.random.default_rng(seed)
    n_blocks = -(-n // block)
    starts = rng.integers(0, n - block + 1, size=(n_boot, n_blocks))
    idx = (starts[:, :, None] + np.arange(block)).reshape(n_boot, -1)[:, :n]
    xa, xb = a[idx], b[idx]
    xa = xa - xa.mean(axis=1, keepdims=True)
    xb = xb - xb.mean(axis=1, keepdims=True)
    den = np.sqrt((xa**2).sum(axis=1) * (xb**2).sum(axis=1))
    with np.errstate(invalid="ignore", divide="ignore"):
        out: np.ndarray = (xa * xb).sum(axis=1) / den
    return out


def verdict(low: float, high: float, expected: int = 0) -> str:
    """ "no evidence" when the interval spans zero; else the sign, or whether the sign the
    chain predicts (``expected`` +1/-1) is supported or contradicted."""
    if not (np.isfinite(low) and np.isfinite(high)):
        return "not estimated"
    if low <= 0.0 <= high:
        return "no evidence"
    sign = 1 if low > 0 else -1
    if expected == 0:
        return "positive" if sign > 0 else "negative"
    return "supports" if sign == expected else "contradicts"


def _corr_ci(
    x: pd.Series, y: pd.Series, *, block: int, n_boot: int, level: float, seed: int
) -> tuple[float, float, float, int]:
    pair = pd.concat([x, y], axis=1).dropna()
    n = len(pair)
    if n < max(10, 2 * block):
        return np.nan, np.nan, np.nan, n
    a, b = pair.iloc[:, 0].to_numpy(float), pair.iloc[:, 1].to_numpy(float)
    r = float(np.corrcoef(a, b)[0, 1])
    boots = block_bootstrap_corr(a, b, block=block, n_boot=n_boot, seed=seed)
    boots = boots[np.isfinite(boots)]
    if boots.size == 0:
        return r, np.nan, np.nan, n
    tail = (1.0 - level) / 2.0
    lo, hi = np.quantile(boots, [tail, 1.0 - tail])
    return r, float(lo), float(hi), n


def cross_correlation(
    x: pd.Series,
    y: pd.Series,
    *,
    max_lag: int = 8,
    block: int = 8,
    n_boot: int = 1000,
    level: float = 0.95,
    seed: int = 0,
) -> pd.DataFrame:
    """Cross-correlations ``corr(x_t, y_{t+k})`` for ``k = -max_lag .. max_lag`` weeks.

    Parameters
    ----------
    x, y
        Weekly series on the same Friday grid (e.g. an indicator's weekly change and BTC
        weekly log returns).
    block
        Bootstrap block length in weeks.

    Returns
    -------
    DataFrame
        ``lag_weeks``, ``corr``, ``ci_low``, ``ci_high``, ``n_weeks``, ``verdict``.
    """
    rows = []
    for k in range(-max_lag, max_lag + 1):
        r, lo, hi, n = _corr_ci(
            x, y.shift(-k), block=block, n_boot=n_boot, level=level, seed=seed + k + max_lag
        )
        rows.append((k, r, lo, hi, n, verdict(lo, hi)))
    return pd.DataFrame(
        rows, columns=["lag_weeks", "corr", "ci_low", "ci_high", "n_weeks", "verdict"]
    )


def granger(x: pd.Series, y: pd.Series, *, max_lag: int = 4) -> pd.DataFrame:
    """Granger test that ``x`` helps predict ``y`` (statsmodels, SSR F test) per lag order.

    Returns
    -------
    DataFrame
        ``lag_weeks``, ``f_stat``, ``p_value``, ``n_weeks``.

    Raises
    ------
    MissingDependencyError
        If statsmodels is not installed (``pip install 'flowscope[stats]'``).
    """
    try:
        from statsmodels.tsa.stattools import grangercausalitytests
    except ImportError as exc:
        msg = "the Granger test needs statsmodels: pip install 'flowscope[stats]'"
        raise MissingDependencyError(msg) from exc
    pair = pd.concat([y, x], axis=1).dropna()
    if len(pair) < 3 * max_lag + 10:
        msg = f"Granger test: only {len(pair)} common weeks for {max_lag} lags"
        raise InsufficientDataError(msg)
    res = grangercausalitytests(pair.to_numpy(float), maxlag=max_lag)
    return pd.DataFrame(
        [
            (lag, float(res[lag][0]["ssr_ftest"][0]), float(res[lag][0]["ssr_ftest"][1]), len(pair))
            for lag in range(1, max_lag + 1)
        ],
        columns=["lag_weeks", "f_stat", "p_value", "n_weeks"],
    )


@dataclass(frozen=True)
class LinkSpec:
    """One link of the chain: ``cause`` and ``effect`` columns, lag and predicted sign."""

    link: str
    cause: str
    effect: str
    lag_weeks: int
    expected_sign: int
    meaning: str


#: The seed note's chain. Columns refer to the weekly frame :func:`chain_links` takes.
CHAIN: tuple[LinkSpec, ...] = (
    LinkSpec(
        "ai_to_stocks",
        "ai_ret",
        "spx_ret",
        0,
        +1,
        "AI stocks (SMH, else NVDA) up -> the stock market (SPY) up, same week",
    ),
    LinkSpec(
        "stocks_to_conditions",
        "spx_ret",
        "conditions_chg",
        0,
        -1,
        "stocks up -> financial conditions looser (NFCI down), same week",
    ),
    LinkSpec(
        "conditions_to_cut_odds",
        "conditions_chg",
        "cut_odds_chg",
        1,
        +1,
        "looser conditions (NFCI down) -> lower next-meeting cut odds the week after",
    ),
    LinkSpec(
        "cut_odds_to_btc",
        "cut_odds_chg",
        "btc_ret",
        0,
        +1,
        "lower cut odds -> BTC down, same week",
    ),
    LinkSpec(
        "cut_odds_to_flows",
        "cut_odds_chg",
        "etf_flow_usd",
        0,
        +1,
        "lower cut odds -> spot-ETF outflows, same week",
    ),
    LinkSpec(
        "liquidity_to_btc",
        "net_liquidity_chg_usd",
        "btc_ret",
        1,
        +1,
        "net liquidity drains -> BTC down the week after",
    ),
)


def chain_links(
    weekly: pd.DataFrame,
    *,
    block: int = 8,
    n_boot: int = 1000,
    level: float = 0.95,
    seed: int = 0,
    missing: dict[str, str] | None = None,
) -> pd.DataFrame:
    """Estimate each link of :data:`CHAIN` on a weekly frame.

    Parameters
    ----------
    weekly
        Friday-indexed columns named in :data:`CHAIN` (``ai_ret``, ``spx_ret``,
        ``conditions_chg``, ``cut_odds_chg``, ``btc_ret``, ``etf_flow_usd``,
        ``net_liquidity_chg_usd``); absent or empty columns leave the link "not estimated".
    missing
        Reason per absent column, reported in ``note``.

    Returns
    -------
    DataFrame
        ``link``, ``meaning``, ``lag_weeks``, ``expected_sign``, ``corr``, ``ci_low``,
        ``ci_high``, ``n_weeks``, ``first_week``, ``last_week``, ``verdict``, ``note``.
    """
    missing = missing or {}
    rows = []
    for spec in CHAIN:
        absent = [
            c for c in (spec.cause, spec.effect) if c not in weekly or weekly[c].notna().sum() == 0
        ]
        if absent:
            note = "; ".join(missing.get(c, f"{c} not held") for c in absent)
            rows.append(
                (
                    spec.link,
                    spec.meaning,
                    spec.lag_weeks,
                    spec.expected_sign,
                    np.nan,
                    np.nan,
                    np.nan,
                    0,
                    pd.NaT,
                    pd.NaT,
                    "not estimated",
                    note,
                )
            )
            continue
        x = weekly[spec.cause]
        y = weekly[spec.effect].shift(-spec.lag_weeks)
        r, lo, hi, n = _corr_ci(x, y, block=block, n_boot=n_boot, level=level, seed=seed)
        both = pd.concat([x, y], axis=1).dropna().index
        v = verdict(lo, hi, spec.expected_sign) if n else "not estimated"
        rows.append(
            (
                spec.link,
                spec.meaning,
                spec.lag_weeks,
                spec.expected_sign,
                r,
                lo,
                hi,
                n,
                both.min() if n else pd.NaT,
                both.max() if n else pd.NaT,
                v,
                missing.get(spec.cause, "") or missing.get(spec.effect, ""),
            )
        )
    return pd.DataFrame(
        rows,
        columns=[
            "link",
            "meaning",
            "lag_weeks",
            "expected_sign",
            "corr",
            "ci_low",
            "ci_high",
            "n_weeks",
            "first_week",
            "last_week",
            "verdict",
            "note",
        ],
    )
