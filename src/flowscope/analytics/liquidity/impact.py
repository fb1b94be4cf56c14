"""How many US dollars move BTC by x %: a square-root impact model on daily bars.

Inputs are daily bars indexed by UTC day (naive midnight) with ``close``, ``high``, ``low``
(USD) and ``volume`` (base units, BTC) or ``volume_usd`` (USD). A day whose volume is
missing, zero or negative has no volume figure (zero outside a series' life is missing, not
a value); a day without a close has no return.

Square-root law
---------------
The price impact of a metaorder of ``Q`` USD is (Almgren et al. 2005; Tóth et al. 2011;
Bouchaud, *Trades, Quotes and Prices*, ch. 12)::

    dP/P = Y * sigma_daily * sqrt(Q / V_daily)

* ``sigma_daily``: standard deviation of daily simple returns (fraction) over the
  ``sigma_days`` days *before* the day (ddof 1), so a day's own move does not enter;
* ``V_daily``: mean daily USD volume over the ``volume_days`` days ending on the day
  (USD volume = base volume x close of the day);
* ``Y``: a dimensionless prefactor of order one (empirically 0.5–1; default 0.8).

Inverted, the USD that move the price by a fraction ``x`` are::

    Q(x) = V_daily * (x / (Y * sigma_daily)) ** 2

Assumptions: the order is executed over about one day, against the day's ordinary volume,
and the impact is symmetric (buying up or selling down by ``x`` costs the same). The law
is a statistical average over many metaorders, not a guarantee for one order; it ignores
news and the state of the book. ``Q`` scales with ``x ** 2`` and ``1 / Y ** 2``, so the
ratio of ``Q`` between two windows depends on neither: it is the ratio of the window
means of ``V_daily / sigma_daily ** 2``.

Amihud illiquidity
------------------
``|r_t| / V_t`` per day (Amihud 2002), reported in basis points of price move per USD
million traded (``amihud_bp_per_usd_million``); a higher value means a thinner market.

Corwin–Schultz spread
---------------------
The two-day high-low estimator (Corwin & Schultz 2012)::

    beta  = ln(H_t/L_t)^2 + ln(H_t+1/L_t+1)^2
    gamma = ln(max(H_t, H_t+1) / min(L_t, L_t+1))^2
    alpha = (sqrt(2 beta) - sqrt(beta)) / (3 - 2 sqrt 2) - sqrt(gamma / (3 - 2 sqrt 2))
    S     = 2 (exp(alpha) - 1) / (1 + exp(alpha))

dated on the first day of the pair. Negative two-day estimates are set to zero, as in the
paper. On daily BTC bars the range is dominated by volatility, so the estimate is coarse.

Seasonal comparison
-------------------
For each year ``Y`` the Christmas window (default Dec 20 of ``Y`` to Jan 2 of ``Y + 1``)
is compared with a normal December stretch (default Dec 1–14 of ``Y``): window means of
the daily figures, their ratio (Christmas / normal), and a percentile interval from a
seeded moving-block bootstrap over days, resampling each window independently.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from flowscope.errors import InsufficientDataError, ValidationError

__all__ = [
    "CHRISTMAS_WINDOW",
    "NORMAL_WINDOW",
    "block_bootstrap_ratio",
    "corwin_schultz_spread",
    "daily_liquidity",
    "model_assumptions",
    "move_tag",
    "seasonal_impact",
    "usd_to_move",
    "window_bounds",
]

#: Default Christmas window (month-day pairs; it wraps into January of the next year).
CHRISTMAS_WINDOW: tuple[str, str] = ("12-20", "01-02")
#: Default normal December stretch of the same year.
NORMAL_WINDOW: tuple[str, str] = ("12-01", "12-14")

_CS_K = 3.0 - 2.0 * np.sqrt(2.0)


def usd_to_move(
    volume_usd: float | np.ndarray | pd.Series,
    sigma_daily: float | np.ndarray | pd.Series,
    move: float,
    *,
    y: float = 0.8,
) -> float | np.ndarray | pd.Series:
    """USD that move the price by ``move`` under the square-root law.

    ``Q = V * (move / (y * sigma_daily)) ** 2``.

    Parameters
    ----------
    volume_usd
        Daily USD volume ``V``.
    sigma_daily
        Daily return volatility (fraction, e.g. 0.03 for 3 %).
    move
        Price move (fraction, e.g. 0.01 for 1 %); the sign is ignored.
    y
        Prefactor ``Y`` (dimensionless, > 0).

    Returns
    -------
    float, ndarray or Series
        USD, same shape as the inputs.

    Examples
    --------
    >>> round(usd_to_move(1e9, 0.02, 0.01, y=1.0))
    250000000
    """
    if not y > 0:
        msg = f"the impact prefactor y must be > 0, got {y!r}"
        raise ValidationError(msg, param_name="y", received=y)
    return volume_usd * (abs(move) / (y * sigma_daily)) ** 2


def corwin_schultz_spread(high: pd.Series, low: pd.Series) -> pd.Series:
    """Corwin–Schultz two-day high-low spread estimate (fraction of price).

    Parameters
    ----------
    high, low
        Daily highs and lows on the same daily index (USD).

    Returns
    -------
    Series
        Spread (fraction, >= 0) dated on the first day of each two-day pair; NaN on the
        last day and where a high or low is missing or not positive.

    Examples
    --------
    Constant bars give ``alpha = ln(H/L)``, so ``S = 2 (H - L) / (H + L)``:

    >>> idx = pd.date_range("2024-01-01", periods=3)
    >>> s = corwin_schultz_spread(pd.Series(101.0, idx), pd.Series(99.0, idx))
    >>> round(float(s.iloc[0]), 10)
    0.02
    """
    h = high.where(high > 0).astype(float)
    lo = low.where(low > 0).astype(float)
    hl2 = np.log(h / lo) ** 2
    beta = hl2 + hl2.shift(-1)
    h2 = np.maximum(h, h.shift(-1))
    l2 = np.minimum(lo, lo.shift(-1))
    gamma = np.log(h2 / l2) ** 2
    alpha = (np.sqrt(2 * beta) - np.sqrt(beta)) / _CS_K - np.sqrt(gamma / _CS_K)
    spread = 2 * (np.exp(alpha) - 1) / (1 + np.exp(alpha))
    return spread.clip(lower=0).rename("cs_spread")


def daily_liquidity(
    bars: pd.DataFrame,
    *,
    sigma_days: int = 30,
    volume_days: int = 7,
) -> pd.DataFrame:
    """Per-day inputs of the impact model, Amihud illiquidity and the Corwin–Schultz spread.

    Parameters
    ----------
    bars
        Indexed by UTC day (naive midnight, one row per calendar day) with ``close``,
        ``high``, ``low`` (USD) and ``volume`` (BTC) or ``volume_usd`` (USD).
    sigma_days
        Days of returns before each day for ``sigma_daily`` (at least 2).
    volume_days
        Days ending on each day averaged for ``volume_usd_trailing`` (at least 1).

    Returns
    -------
    DataFrame
        Same index; columns ``close`` (USD), ``return`` (fraction), ``volume_usd`` (USD),
        ``sigma_daily`` (fraction), ``volume_usd_trailing`` (USD), ``depth_usd`` (the
        model's ``V / sigma**2``, USD per unit squared move: ``Q(x) = depth_usd * (x/Y)**2``),
        ``amihud_bp_per_usd_million`` and ``cs_spread_bp``. A trailing figure is NaN when
        fewer than all but a fifth of its days hold values.
    """
    if sigma_days < 2 or volume_days < 1:
        msg = f"sigma_days must be >= 2 and volume_days >= 1, got {sigma_days}, {volume_days}"
        raise ValidationError(msg, param_name="sigma_days", received=(sigma_days, volume_days))
    need = {"close", "high", "low"}
    missing = need - set(bars.columns)
    if missing or not ({"volume", "volume_usd"} & set(bars.columns)):
        msg = (
            "bars need close, high, low and volume (BTC) or volume_usd; missing: "
            f"{sorted(missing) or ['volume']}"
        )
        raise ValidationError(msg, param_name="bars", received=list(bars.columns))
    df = bars.sort_index()
    full = pd.date_range(df.index.min(), df.index.max(), freq="D")
    df = df[~df.index.duplicated(keep="last")].reindex(full)
    close = df["close"].where(df["close"] > 0).astype(float)
    if "volume_usd" in df.columns:
        vol_usd = df["volume_usd"].astype(float)
    else:
        vol_usd = df["volume"].astype(float) * close
    vol_usd = vol_usd.where(vol_usd > 0)
    ret = close.pct_change(fill_method=None)
    sigma = ret.shift(1).rolling(sigma_days, min_periods=max(2, int(0.8 * sigma_days))).std()
    v_trail = vol_usd.rolling(volume_days, min_periods=max(1, int(0.8 * volume_days))).mean()
    out = pd.DataFrame(
        {
            "close": close,
            "return": ret,
            "volume_usd": vol_usd,
            "sigma_daily": sigma,
            "volume_usd_trailing": v_trail,
        },
        index=full,
    )
    out["depth_usd"] = v_trail / sigma**2
    out["amihud_bp_per_usd_million"] = ret.abs() * 1e4 / (vol_usd / 1e6)
    out["cs_spread_bp"] = corwin_schultz_spread(df["high"], df["low"]) * 1e4
    out.index.name = "date"
    return out


def _parse_md(md: str) -> tuple[int, int]:
    try:
        mo, da = (int(x) for x in md.split("-"))
        pd.Timestamp(2000, mo, da)
    except (ValueError, TypeError):
        msg = f"a window bound must be a month-day like '12-20', got {md!r}"
        raise ValidationError(msg, param_name="window", received=md) from None
    return mo, da


def window_bounds(year: int, window: tuple[str, str]) -> tuple[pd.Timestamp, pd.Timestamp]:
    """First and last day (naive UTC days, both included) of a month-day window in ``year``.

    A window whose end is earlier in the year than its start ends in ``year + 1``.

    Examples
    --------
    >>> window_bounds(2024, ("12-20", "01-02"))
    (Timestamp('2024-12-20 00:00:00'), Timestamp('2025-01-02 00:00:00'))
    """
    (m0, d0), (m1, d1) = _parse_md(window[0]), _parse_md(window[1])
    wraps = (m1, d1) < (m0, d0)
    return pd.Timestamp(year, m0, d0), pd.Timestamp(year + int(wraps), m1, d1)


def block_bootstrap_ratio(
    a: np.ndarray | pd.Series,
    b: np.ndarray | pd.Series,
    *,
    n_boot: int = 2000,
    block: int = 3,
    ci: float = 0.95,
    seed: int = 0,
) -> tuple[float, float, float]:
    """Ratio of means ``mean(a) / mean(b)`` with a moving-block bootstrap interval.

    Each sample is resampled on its own in blocks of ``block`` consecutive observations
    (circular), which keeps the day-to-day dependence of trailing figures; NaNs are dropped
    first.

    Returns
    -------
    tuple
        ``(ratio, low, high)``; NaNs when either sample is empty.

    Examples
    --------
    >>> block_bootstrap_ratio([2.0, 2.0, 2.0], [1.0, 1.0, 1.0], n_boot=50)
    (2.0, 2.0, 2.0)
    """
    x = np.asarray(a, dtype=np.float64)
    z = np.asarray(b, dtype=np.float64)
    x, z = x[np.isfinite(x)], z[np.isfinite(z)]
    if x.size == 0 or z.size == 0 or z.mean() == 0:
        return (np.nan, np.nan, np.nan)
    rng = np.random.default_rng(seed)
    ratio = float(x.mean() / z.mean())
    draws = _block_means(x, n_boot, block, rng) / _block_means(z, n_boot, block, rng)
    lo, hi = np.quantile(draws, [(1 - ci) / 2, 1 - (1 - ci) / 2])
    return (ratio, float(lo), float(hi))


def _block_means(v: np.ndarray, n_boot: int, block: int, rng: np.random.Generator) -> np.ndarray:
    n = v.size
    b = max(1, min(block, n))
    k = -(-n // b)  # blocks per draw
    starts = rng.integers(0, n, size=(n_boot, k))
    idx = (starts[:, :, None] + np.arange(b)[None, None, :]).reshape(n_boot, -1)[:, :n] % n
    means: np.ndarray = v[idx].mean(axis=1)
    return means


def move_tag(move_pct: float) -> str:
    """Column tag of a move in %: ``1 -> "1pct"``, ``0.5 -> "0p5pct"``."""
    return f"{move_pct:g}".replace(".", "p").replace("-", "") + "pct"


def seasonal_impact(
    bars: pd.DataFrame,
    years: Sequence[int],
    *,
    christmas: tuple[str, str] = CHRISTMAS_WINDOW,
    normal: tuple[str, str] = NORMAL_WINDOW,
    move_pcts: Sequence[float] = (1.0, 2.0, 5.0),
    y: float = 0.8,
    sigma_days: int = 30,
    volume_days: int = 7,
    n_boot: int = 2000,
    block_days: int = 3,
    seed: int = 0,
) -> pd.DataFrame:
    """USD needed to move BTC by each ``move_pcts`` in the Christmas window vs a normal week.

    Parameters
    ----------
    bars
        Daily bars, see :func:`daily_liquidity`.
    years
        Years ``Y`` whose Christmas window (starting in ``Y``) is compared.
    christmas, normal
        Windows as ``(start, end)`` month-days, both ends included; a window whose end is
        earlier in the year than its start ends in ``Y + 1``.
    move_pcts
        Price moves in % (e.g. 1, 2, 5); the square-root law is symmetric, so a fall and a
        rise of the same size cost the same.
    y
        Square-root-law prefactor ``Y``.
    sigma_days, volume_days
        Trailing spans of ``sigma_daily`` and ``V_daily`` (see :func:`daily_liquidity`).
    n_boot, block_days, seed
        Moving-block bootstrap over days (:func:`block_bootstrap_ratio`).

    Returns
    -------
    DataFrame
        Indexed by ``year``: ``christmas_start``, ``christmas_end``, ``normal_start``,
        ``normal_end`` (days), ``days_christmas``, ``days_normal`` (days with a model
        value), ``volume_usd_christmas``/``_normal`` (mean daily USD volume),
        ``sigma_daily_pct_christmas``/``_normal`` (mean trailing daily volatility, %), for
        each move ``usd_to_move_<tag>_christmas``/``_normal`` (USD, window mean of the daily
        ``Q``; ``<tag>`` from :func:`move_tag`), ``impact_ratio`` (Christmas / normal ``Q``,
        the same for every move) with ``impact_ratio_ci_low``/``_high``,
        ``volume_ratio``, ``amihud_bp_per_usd_million_christmas``/``_normal``,
        ``amihud_ratio`` with its interval, ``cs_spread_bp_christmas``/``_normal``.
        Years whose windows hold no model value are left out.

    Raises
    ------
    InsufficientDataError
        When no requested year has both windows covered.
    """
    if not move_pcts:
        msg = "no price moves requested"
        raise ValidationError(msg, param_name="move_pcts", received=list(move_pcts))
    if not y > 0:
        msg = f"the impact prefactor y must be > 0, got {y!r}"
        raise ValidationError(msg, param_name="y", received=y)
    daily = daily_liquidity(bars, sigma_days=sigma_days, volume_days=volume_days)
    rows = []
    for year in years:
        xs, xe = window_bounds(year, christmas)
        ns, ne = window_bounds(year, normal)
        cw, nw = daily.loc[xs:xe], daily.loc[ns:ne]
        cd, nd = cw["depth_usd"].dropna(), nw["depth_usd"].dropna()
        if cd.empty or nd.empty or xe > daily.index[-1]:
            continue
        ratio, lo, hi = block_bootstrap_ratio(
            cd, nd, n_boot=n_boot, block=block_days, seed=seed + year
        )
        am_r, am_lo, am_hi = block_bootstrap_ratio(
            cw["amihud_bp_per_usd_million"],
            nw["amihud_bp_per_usd_million"],
            n_boot=n_boot,
            block=block_days,
            seed=seed + year + 1,
        )
        row: dict[str, object] = {
            "year": year,
            "christmas_start": xs,
            "christmas_end": xe,
            "normal_start": ns,
            "normal_end": ne,
            "days_christmas": len(cd),
            "days_normal": len(nd),
            "volume_usd_christmas": cw["volume_usd"].mean(),
            "volume_usd_normal": nw["volume_usd"].mean(),
            "sigma_daily_pct_christmas": cw["sigma_daily"].mean() * 100,
            "sigma_daily_pct_normal": nw["sigma_daily"].mean() * 100,
        }
        for m in move_pcts:
            scale = (m / 100 / y) ** 2
            row[f"usd_to_move_{move_tag(m)}_christmas"] = cd.mean() * scale
            row[f"usd_to_move_{move_tag(m)}_normal"] = nd.mean() * scale
        row.update(
            {
                "impact_ratio": ratio,
                "impact_ratio_ci_low": lo,
                "impact_ratio_ci_high": hi,
                "volume_ratio": cw["volume_usd"].mean() / nw["volume_usd"].mean(),
                "amihud_bp_per_usd_million_christmas": cw["amihud_bp_per_usd_million"].mean(),
                "amihud_bp_per_usd_million_normal": nw["amihud_bp_per_usd_million"].mean(),
                "amihud_ratio": am_r,
                "amihud_ratio_ci_low": am_lo,
                "amihud_ratio_ci_high": am_hi,
                "cs_spread_bp_christmas": cw["cs_spread_bp"].mean(),
                "cs_spread_bp_normal": nw["cs_spread_bp"].mean(),
            }
        )
        rows.append(row)
    if not rows:
        msg = (
            f"no year in {min(years, default='?')}..{max(years, default='?')} has daily bars with "
            f"volume covering both the Christmas window {christmas[0]}..{christmas[1]} and "
            f"the normal window {normal[0]}..{normal[1]}"
        )
        raise InsufficientDataError(msg)
    return pd.DataFrame(rows).set_index("year")


def model_assumptions(
    *,
    y: float,
    sigma_days: int,
    volume_days: int,
    christmas: tuple[str, str] = CHRISTMAS_WINDOW,
    normal: tuple[str, str] = NORMAL_WINDOW,
    block_days: int = 3,
) -> list[str]:
    """The seasonal impact model's assumptions as sentences (for tables, JSON and the brief).

    Examples
    --------
    >>> model_assumptions(y=0.8, sigma_days=30, volume_days=7)[0][:40]
    'Model, not measured: square-root impact '
    """
    return [
        "Model, not measured: square-root impact law dP/P = Y * sigma_daily * sqrt(Q / V_daily), "
        f"inverted to Q(x) = V_daily * (x / (Y * sigma_daily))^2 with Y = {y:g}.",
        f"sigma_daily: standard deviation of daily close-to-close returns over the {sigma_days} "
        f"days before each day; V_daily: mean daily USD volume (BTC volume x close) over the "
        f"{volume_days} days ending on the day.",
        f"Christmas window {christmas[0]}..{christmas[1]} vs normal window {normal[0]}..{normal[1]} "
        "(UTC days, both ends included); figures are window means of daily values.",
        "Q grows with x^2 and 1/Y^2, so the Christmas/normal ratio depends on neither: it "
        "compares V_daily / sigma_daily^2 between the windows.",
        "The order is assumed to trade over about a day against ordinary volume; impact is "
        "symmetric (down x% costs what up x% costs); it is an average over many orders, not a "
        "promise for one, and ignores news and the state of the book.",
        "Volume is as reported by the price source; exchange-aggregated BTC volume includes "
        "venues with inflated volume, so levels are uncertain by a large factor; ratios within "
        "one source are more robust.",
        f"Intervals: 95% percentile moving-block bootstrap over days ({block_days}-day blocks), each "
        "window resampled on its own.",
    ]
