"""Cross-asset rotation analytics: BTC against AI/tech equities (NVDA, QQQ, SMH …) or any pair.

All functions are pure: closes aligned on NYSE sessions in (see
:func:`flowscope.analytics.align.align_daily`), frames out. Returns are log returns
session-to-session unless said otherwise; BTC's session return spans weekends and holidays.

Rotation score
--------------
For an asset ``A`` against BTC, on each session ``t``:

* relative momentum ``m_t`` = log return of ``A`` over the last ``momentum_window`` sessions
  (20) minus that of BTC; positive when ``A`` outperformed;
* ETF flow pressure ``f_t`` = sum of the all-fund spot-Bitcoin ETF net flow (USD) over the
  same ``momentum_window`` sessions, when flows are given;
* each is turned into a z-score against its own trailing ``z_window`` sessions (250, about a
  year): ``z(x)_t = (x_t - mean(x_{t-z+1..t})) / sd(x_{t-z+1..t})``;
* ``rotation_score_t = mean(z(m)_t, -z(f)_t)`` over the components available that day.

A positive score means money is rotating **out of BTC into A** (A outperforms and/or the
ETFs see unusual outflows); a negative score the reverse. About ±1 is common, beyond ±2 rare.

Correlation regime
------------------
``"coupled"`` when the rolling correlation of daily log returns (60 sessions by default) is
at least 0.5, ``"decoupled"`` when it is at most 0.2, ``"neutral"`` in between.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from flowscope.analytics import _rolling
from flowscope.analytics.align import align_daily
from flowscope.errors import InsufficientDataError, ValidationError

__all__ = [
    "ROTATION_UNIVERSE",
    "correlation_regime",
    "drawdown",
    "pair_metrics",
    "relative_strength",
    "return_spread",
    "rolling_beta",
    "rolling_correlation",
    "rotation_score",
    "rotation_snapshot",
]

#: The default comparison set for BTC (AI and semiconductor stocks, tech, BTC proxies).
ROTATION_UNIVERSE: tuple[str, ...] = ("NVDA", "QQQ", "SMH", "SOXX", "XLK", "MSTR", "COIN")


def _log_returns(close: pd.Series) -> pd.Series:
    lg = np.log(close.astype(np.float64))
    return lg - lg.shift(1)


def rolling_correlation(x: pd.Series, y: pd.Series, window: int) -> pd.Series:
    """Rolling Pearson correlation of two aligned return series over ``window`` rows.

    NaN until ``window`` rows are available and wherever the window holds a NaN.
    """
    x, y = x.align(y, join="inner")
    return pd.Series(_rolling.rolling_corr(x, y, window), index=x.index, name=f"corr_{window}")


def rolling_beta(y: pd.Series, x: pd.Series, window: int) -> pd.Series:
    """Rolling OLS beta of returns ``y`` on returns ``x``: cov(x, y) / var(x) over ``window``."""
    x, y = x.align(y, join="inner")
    return pd.Series(_rolling.rolling_beta(y, x, window), index=x.index, name=f"beta_{window}")


def drawdown(close: pd.Series) -> pd.Series:
    """Drawdown from the running high as a fraction (-0.30 = 30 % below the high so far)."""
    return pd.Series(_rolling.running_drawdown(close), index=close.index, name="drawdown")


def relative_strength(asset: pd.Series, base: pd.Series, *, trend_window: int = 50) -> pd.DataFrame:
    """Relative-strength ratio of ``asset`` to ``base`` and its trend.

    Returns
    -------
    DataFrame
        ``rs``: asset/base price ratio rebased to 1.0 on the first common row (rises when the
        asset outperforms); ``rs_trend``: ``rs`` over its ``trend_window``-row moving average
        minus 1 (fraction; > 0 = the ratio is above its trend).
    """
    a, b = asset.align(base, join="inner")
    ratio = (a / b).astype(np.float64)
    rs = ratio / ratio.iloc[0] if len(ratio) else ratio
    ma = pd.Series(_rolling.rolling_mean(rs, trend_window), index=rs.index)
    return pd.DataFrame({"rs": rs, "rs_trend": rs / ma - 1.0})


def return_spread(
    asset: pd.Series, base: pd.Series, windows: Sequence[int] = (5, 20, 60)
) -> pd.DataFrame:
    """Asset minus base simple return over trailing windows (fractions).

    Column ``spread_<w>`` = (asset_t / asset_{t-w} - 1) - (base_t / base_{t-w} - 1).
    """
    a, b = asset.align(base, join="inner")
    out = {f"spread_{w}": (a / a.shift(w) - 1.0) - (b / b.shift(w) - 1.0) for w in windows}
    return pd.DataFrame(out, index=a.index)


def correlation_regime(
    corr: pd.Series, *, coupled: float = 0.5, decoupled: float = 0.2
) -> pd.Series:
    """Label each row ``"coupled"`` (corr >= coupled), ``"decoupled"`` (<= decoupled) or
    ``"neutral"``; NaN correlation gives ``None``."""
    if not decoupled < coupled:
        msg = f"`decoupled` ({decoupled}) must be below `coupled` ({coupled})"
        raise ValidationError(msg, param_name="decoupled", received=decoupled)
    c = corr.to_numpy(dtype=np.float64)
    lab = np.where(c >= coupled, "coupled", np.where(c <= decoupled, "decoupled", "neutral"))
    out = pd.Series(lab, index=corr.index, dtype=object, name="regime")
    out[np.isnan(c)] = None
    return out


def pair_metrics(
    aligned: pd.DataFrame,
    asset: str,
    *,
    base: str = "BTC-USD",
    windows: Sequence[int] = (30, 60, 90),
    regime_window: int = 60,
    trend_window: int = 50,
    spread_windows: Sequence[int] = (5, 20, 60),
) -> pd.DataFrame:
    """Every rotation statistic for one pair on NYSE sessions.

    Parameters
    ----------
    aligned
        Closes on NYSE sessions (index: session date), with columns ``base`` and ``asset``,
        e.g. from :func:`~flowscope.analytics.align.align_daily`.
    asset, base
        Column names.
    windows
        Rolling windows (sessions) for correlation and beta.
    regime_window
        Correlation window used for :func:`correlation_regime`.
    trend_window, spread_windows
        See :func:`relative_strength` and :func:`return_spread`.

    Returns
    -------
    DataFrame
        Indexed by session: ``base_close``, ``asset_close``, ``base_ret``, ``asset_ret`` (log),
        ``corr_<w>``, ``beta_<w>`` (beta of BTC returns on the asset's), ``rs``, ``rs_trend``,
        ``base_drawdown``, ``asset_drawdown``, ``spread_<w>``, ``regime``.
    """
    for col in (asset, base):
        if col not in aligned.columns:
            msg = f"column {col!r} not in the aligned frame (has {list(aligned.columns)})"
            raise ValidationError(msg, param_name="asset", received=col)
    need = max([*windows, regime_window]) + 1
    if len(aligned) < need:
        msg = f"{asset} vs {base}: {len(aligned)} common sessions, need at least {need}"
        raise InsufficientDataError(msg)
    b, a = aligned[base].astype(np.float64), aligned[asset].astype(np.float64)
    rb, ra = _log_returns(b), _log_returns(a)
    out = pd.DataFrame({"base_close": b, "asset_close": a, "base_ret": rb, "asset_ret": ra})
    for w in sorted({*windows, regime_window}):
        # one window pass for both: beta of BTC returns on the asset's, and their correlation
        out[f"corr_{w}"], out[f"beta_{w}"] = _rolling.rolling_corr_beta(rb, ra, w)
    out = out.join(relative_strength(a, b, trend_window=trend_window))
    out["base_drawdown"] = _rolling.running_drawdown(b)
    out["asset_drawdown"] = _rolling.running_drawdown(a)
    out = out.join(return_spread(a, b, spread_windows))
    out["regime"] = correlation_regime(out[f"corr_{regime_window}"])
    return out


def _zscore(x: pd.Series, window: int) -> pd.Series:
    m, s = _rolling.rolling_mean_std(x, window)
    with np.errstate(invalid="ignore", divide="ignore"):
        z = (x.to_numpy(dtype=np.float64) - m) / s
    z[~np.isfinite(z)] = np.nan
    return pd.Series(z, index=x.index)


def rotation_score(
    aligned: pd.DataFrame,
    asset: str,
    *,
    base: str = "BTC-USD",
    flows: pd.Series | None = None,
    momentum_window: int = 20,
    z_window: int = 250,
) -> pd.DataFrame:
    """Rotation score from ``base`` (BTC) into ``asset`` (definition in the module docstring).

    Parameters
    ----------
    aligned
        Closes on NYSE sessions with columns ``base`` and ``asset``.
    flows
        All-fund spot-Bitcoin ETF net flow per US trading day (USD), indexed by date; days
        missing from ``flows`` inside its range count as no flow, sessions outside it leave
        the flow component out.
    momentum_window, z_window
        Sessions summed for momentum and flows; trailing sessions for the z-scores.

    Returns
    -------
    DataFrame
        Indexed by session: ``rel_momentum`` (log-return difference), ``momentum_z``,
        ``flow_sum_usd`` (USD), ``flow_z``, ``rotation_score`` (NaN while no component has a
        full z-window).
    """
    for col in (asset, base):
        if col not in aligned.columns:
            msg = f"column {col!r} not in the aligned frame (has {list(aligned.columns)})"
            raise ValidationError(msg, param_name="asset", received=col)
    lg = np.log(aligned[[asset, base]].astype(np.float64))
    mom = (lg[asset] - lg[asset].shift(momentum_window)) - (
        lg[base] - lg[base].shift(momentum_window)
    )
    out = pd.DataFrame({"rel_momentum": mom})
    out["momentum_z"] = _zscore(mom, z_window)
    if flows is not None and not flows.empty:
        f = flows.astype(np.float64).sort_index()
        f.index = pd.DatetimeIndex(f.index).normalize()
        f = f.groupby(level=0).sum()
        inside = (aligned.index >= f.index.min()) & (aligned.index <= f.index.max())
        daily = f.reindex(aligned.index).where(inside, np.nan)
        daily = daily.where(~(inside & daily.isna()), 0.0)
        fsum = pd.Series(_rolling.rolling_sum(daily, momentum_window), index=aligned.index)
        out["flow_sum_usd"] = fsum
        out["flow_z"] = _zscore(fsum, z_window)
    else:
        out["flow_sum_usd"] = np.nan
        out["flow_z"] = np.nan
    comps = np.column_stack([out["momentum_z"].to_numpy(), -out["flow_z"].to_numpy()])
    n = np.isfinite(comps).sum(axis=1)
    with np.errstate(invalid="ignore"):
        score = np.where(n > 0, np.nansum(comps, axis=1) / np.maximum(n, 1), np.nan)
    out["rotation_score"] = score
    return out


def rotation_snapshot(
    btc: pd.Series,
    closes: Mapping[str, pd.Series],
    *,
    flows: pd.Series | None = None,
    window: int = 60,
) -> pd.DataFrame:
    """Latest rotation figures for several assets against BTC.

    Parameters
    ----------
    btc
        BTC closes by UTC day (naive date index).
    closes
        Asset closes by session date, keyed by symbol; each is aligned with BTC on its own
        common NYSE sessions (``"utc_close"`` alignment).
    flows, window
        ETF flows for :func:`rotation_score`; correlation/beta window in sessions.

    Returns
    -------
    DataFrame
        One row per asset: ``asset``, ``date`` (last common session), ``corr`` (``window``
        sessions), ``beta``, ``regime``, ``rs_trend``, ``spread_20`` (fraction),
        ``asset_drawdown`` (fraction), ``rotation_score``.
    """
    rows = []
    for asset, close in closes.items():
        sub = align_daily(btc, close.rename(asset))
        pm = pair_metrics(sub, asset, windows=(window,), regime_window=window)
        sc = rotation_score(sub, asset, flows=flows)
        rows.append(
            {
                "asset": asset,
                "date": pm.index[-1],
                "corr": pm[f"corr_{window}"].iloc[-1],
                "beta": pm[f"beta_{window}"].iloc[-1],
                "regime": pm["regime"].iloc[-1],
                "rs_trend": pm["rs_trend"].iloc[-1],
                "spread_20": pm["spread_20"].iloc[-1],
                "asset_drawdown": pm["asset_drawdown"].iloc[-1],
                "rotation_score": sc["rotation_score"].iloc[-1],
            }
        )
    return pd.DataFrame(rows)
