"""Macro-liquidity indicators, point in time: what the Fed's "ladder" looked like on each day.

Input: FRED observations in long form (``series``, ``date``, ``value`` in each series' FRED
unit, :mod:`flowscope.schemas.macro`). Every observation gets its release time
(:func:`release_times`, UTC); the indicator value on as-of day ``D`` (a UTC calendar day)
uses only observations released before the end of ``D`` (:func:`asof_panel`). Changes over
weeks compare two as-of values, so both ends are point in time.

Indicators (:func:`macro_indicators`, weekly grid of Fridays):

* ``net_liquidity_usd`` = WALCL x 1e6 - TGA x (1e6 for WDTGAL, 1e9 for WTREGEN) - RRPONTSYD
  x 1e9, in US dollars (WALCL is published in USD mn, RRP in USD bn). Without a TGA series
  the value is WALCL - RRP, ``tga_held`` is False and a warning says so.
* ``net_liquidity_chg_4w_usd``, ``net_liquidity_chg_13w_usd``: change over 4 and 13 weeks.
* ``m2_yoy_pct`` = 100 x (M2SL_m / M2SL_{m-12} - 1); ``m2_3m_ann_pct`` = 100 x
  ((M2SL_m / M2SL_{m-3})^4 - 1), on the newest released month (WM2NS over 52 weeks when
  M2SL is not held).
* ``slope_10y_2y_pct`` = DGS10 - DGS2 (percentage points); ``breakeven_10y_pct`` = T10YIE.
* ``real_policy_rate_pct`` = EFFR - CPI year-on-year inflation (CPIAUCSL, else core PCE
  PCEPILFE), NaN when no inflation series is held.
* ``dollar_mom_13w_pct`` = 100 x (DTWEXBGS_t / DTWEXBGS_{t-13w} - 1).
* ``funding_stress_bp`` = 100 x (SOFR - IORB).
* ``liquidity_score``: weighted mean of trailing z-scores (:data:`SCORE_WEIGHTS`); each
  z-score uses the ``z_window`` weeks ending at ``t`` only (no look-ahead).
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from flowscope.errors import InsufficientDataError
from flowscope.schemas.macro import MACRO_SERIES, TGA_SERIES, MacroSeries, macro_series

__all__ = [
    "INDICATOR_INPUTS",
    "INDICATOR_UNITS",
    "SCORE_WEIGHTS",
    "asof_panel",
    "derived_observations",
    "friday_grid",
    "macro_indicators",
    "release_times",
    "stale_inputs",
    "trailing_zscore",
]

_ET = "America/New_York"
#: Composite score weights: (indicator, weight, sign). The sign makes "more liquidity" positive.
SCORE_WEIGHTS: tuple[tuple[str, float, int], ...] = (
    ("net_liquidity_chg_13w_usd", 0.30, +1),
    ("m2_yoy_pct", 0.20, +1),
    ("real_policy_rate_pct", 0.20, -1),
    ("dollar_mom_13w_pct", 0.20, -1),
    ("funding_stress_bp", 0.10, -1),
)
#: FRED inputs of each indicator (for staleness notes).
INDICATOR_INPUTS: dict[str, tuple[str, ...]] = {
    "net_liquidity_usd": ("WALCL", *TGA_SERIES, "RRPONTSYD"),
    "net_liquidity_chg_4w_usd": ("WALCL", *TGA_SERIES, "RRPONTSYD"),
    "net_liquidity_chg_13w_usd": ("WALCL", *TGA_SERIES, "RRPONTSYD"),
    "m2_yoy_pct": ("M2SL", "WM2NS"),
    "m2_3m_ann_pct": ("M2SL",),
    "slope_10y_2y_pct": ("DGS10", "DGS2"),
    "breakeven_10y_pct": ("T10YIE",),
    "real_policy_rate_pct": ("EFFR", "CPIAUCSL", "PCEPILFE"),
    "dollar_mom_13w_pct": ("DTWEXBGS",),
    "funding_stress_bp": ("SOFR", "IORB"),
    "nfci": ("NFCI",),
    "liquidity_score": ("WALCL", "RRPONTSYD", "M2SL", "EFFR", "CPIAUCSL", "DTWEXBGS", "SOFR"),
}
#: Unit of each indicator column.
INDICATOR_UNITS: dict[str, str] = {
    "net_liquidity_usd": "USD",
    "net_liquidity_chg_4w_usd": "USD",
    "net_liquidity_chg_13w_usd": "USD",
    "m2_yoy_pct": "%",
    "m2_3m_ann_pct": "% per year",
    "slope_10y_2y_pct": "percentage points",
    "breakeven_10y_pct": "%",
    "real_policy_rate_pct": "%",
    "dollar_mom_13w_pct": "%",
    "funding_stress_bp": "bp",
    "nfci": "index (> 0 tighter)",
    "liquidity_score": "z",
}


def release_times(spec: MacroSeries, dates: pd.Series | pd.DatetimeIndex) -> pd.DatetimeIndex:
    """UTC release instant of observations of ``spec`` dated ``dates`` (naive days).

    Examples
    --------
    >>> from flowscope.schemas.macro import macro_series
    >>> release_times(macro_series("WALCL"), pd.DatetimeIndex(["2026-08-19"]))[0]
    Timestamp('2026-08-20 20:30:00+0000', tz='UTC')
    """
    d = pd.DatetimeIndex(pd.to_datetime(dates)).normalize()
    rel = spec.release
    if rel.kind == "same_day":
        day = d + pd.Timedelta(days=rel.days)
    elif rel.kind == "next_business_day":
        day = d + pd.offsets.BDay(1)
    elif rel.kind == "next_monday":
        day = d + pd.to_timedelta(7 - d.day_of_week, unit="D")
    else:  # after_month_end
        day = d + pd.offsets.MonthEnd(0) + pd.Timedelta(days=rel.days)
    hh, mm = (int(p) for p in rel.time_et.split(":"))
    local = (day + pd.Timedelta(hours=hh, minutes=mm)).tz_localize(_ET, nonexistent="shift_forward")
    return pd.DatetimeIndex(local.tz_convert("UTC"))


def derived_observations(obs: pd.DataFrame) -> pd.DataFrame:
    """Growth rates computed on the observation calendar, released with their newest input.

    Adds rows ``<ID>_YOY`` (% year on year: 12 months, or 52 weeks for weekly series) for
    M2SL, WM2NS, CPIAUCSL, PCEPILFE, and ``M2SL_3M_ANN`` (% per year). ``obs`` must carry
    ``release_ts`` (:func:`asof_panel` adds it).
    """
    out = []
    for sid, periods in (("M2SL", 12), ("WM2NS", 52), ("CPIAUCSL", 12), ("PCEPILFE", 12)):
        one = obs[obs["series"] == sid].sort_values("date")
        if one.empty:
            continue
        v = one.set_index("date")["value"]
        lag = v.shift(freq=pd.DateOffset(months=12) if periods == 12 else pd.Timedelta(weeks=52))
        yoy = 100.0 * (v / lag.reindex(v.index) - 1.0)
        out.append(one.assign(series=f"{sid}_YOY", value=yoy.to_numpy()))
        if sid == "M2SL":
            lag3 = v.shift(freq=pd.DateOffset(months=3)).reindex(v.index)
            ann = 100.0 * ((v / lag3) ** 4 - 1.0)
            out.append(one.assign(series="M2SL_3M_ANN", value=ann.to_numpy()))
    if not out:
        return obs.iloc[0:0]
    return pd.concat(out, ignore_index=True).dropna(subset=["value"])


def _with_release(obs: pd.DataFrame) -> pd.DataFrame:
    known = {m.series for m in MACRO_SERIES}
    obs = obs[obs["series"].isin(known)].dropna(subset=["value"])
    parts = [
        one.assign(release_ts=release_times(macro_series(str(sid)), one["date"]))
        for sid, one in obs.groupby("series", sort=False)
    ]
    if not parts:
        return obs.assign(release_ts=pd.Series(dtype="datetime64[ns, UTC]"))
    return pd.concat(parts, ignore_index=True)


def asof_panel(obs: pd.DataFrame, asof_days: pd.DatetimeIndex) -> pd.DataFrame:
    """Newest released value of each series at the end of each as-of day (UTC).

    Parameters
    ----------
    obs
        Long FRED observations: ``series``, ``date`` (naive), ``value`` (FRED unit).
    asof_days
        Naive UTC calendar days; an observation counts on day ``D`` when its release time
        is before ``D + 1 day`` 00:00 UTC.

    Returns
    -------
    DataFrame
        Index ``asof_days``; per series ``<ID>`` (value) and ``<ID>__date`` (observation
        date used). Derived growth rates (:func:`derived_observations`) are included.
    """
    rel = _with_release(obs)
    rel = pd.concat([rel, derived_observations(rel)], ignore_index=True)
    days = pd.DatetimeIndex(asof_days, name="asof")
    cut = (days.tz_localize("UTC") + pd.Timedelta(days=1)).as_unit("ns").asi8
    cols: dict[str, pd.Series] = {}
    for sid, one in rel.groupby("series", sort=True):
        # newest observation released strictly before each cut: one binary search per day
        one = one.assign(_rel=pd.DatetimeIndex(one["release_ts"]).as_unit("ns").asi8)
        one = one.sort_values(["_rel", "date"], kind="stable")
        pos = np.searchsorted(one["_rel"].to_numpy(), cut, side="left") - 1
        held = pos >= 0
        at = np.maximum(pos, 0)
        cols[str(sid)] = pd.Series(np.where(held, one["value"].to_numpy()[at], np.nan), index=days)
        cols[f"{sid}__date"] = pd.Series(one["date"].to_numpy()[at], index=days).where(held)
    return pd.DataFrame(cols, index=days)


def friday_grid(start: pd.Timestamp, end: pd.Timestamp) -> pd.DatetimeIndex:
    """Fridays from ``start`` to ``end`` (naive days), the weekly as-of grid."""
    return pd.date_range(pd.Timestamp(start).normalize(), pd.Timestamp(end), freq="W-FRI")


def trailing_zscore(x: pd.Series, window: int, min_periods: int) -> pd.Series:
    """(x_t - mean) / std over the ``window`` values ending at ``t`` (inclusive, no look-ahead)."""
    r = x.rolling(window, min_periods=min_periods)
    sd = r.std()
    return (x - r.mean()) / sd.where(sd > 0)


def _col(panel: pd.DataFrame, sid: str) -> pd.Series:
    if sid in panel:
        return panel[sid].astype(float)
    return pd.Series(np.nan, index=panel.index, dtype=float)


def _usd(panel: pd.DataFrame, sid: str) -> pd.Series:
    factor = macro_series(sid).usd_factor
    assert factor is not None
    return _col(panel, sid) * factor


def macro_indicators(
    obs: pd.DataFrame,
    asof_days: Iterable[pd.Timestamp] | pd.DatetimeIndex | None = None,
    *,
    z_window: int = 156,
    z_min: int = 52,
    drop_stale: bool = False,
) -> pd.DataFrame:
    """Macro-liquidity indicators on a weekly as-of grid (see the module notes for formulas).

    Parameters
    ----------
    obs
        Long FRED observations (``series``, ``date``, ``value``), FRED units.
    asof_days
        Weekly as-of days (naive UTC); default every Friday from the first to the newest
        observation. Changes over 4 and 13 weeks are taken along this grid, so give a
        regular weekly grid.
    z_window, z_min
        Trailing window (weeks) and minimum weeks of the composite score's z-scores.
    drop_stale
        Treat an input older than its ``max_age_days`` on the as-of day as missing (for
        time-series studies); by default it is used and :func:`stale_inputs` flags it.

    Returns
    -------
    DataFrame
        Index ``asof``; indicator columns (:data:`INDICATOR_UNITS`), ``tga_held`` and
        ``<ID>__date`` (observation dates used). ``attrs["warnings"]`` lists fallbacks.

    Raises
    ------
    InsufficientDataError
        If neither WALCL nor any other macro series is held.
    """
    if obs.empty:
        msg = "no macro series held: import FRED series (WALCL, RRPONTSYD, M2SL, DGS10 ...)"
        raise InsufficientDataError(msg)
    obs = obs[obs["series"].isin({m.series for m in MACRO_SERIES})]
    if asof_days is None:
        asof_days = friday_grid(obs["date"].min(), obs["date"].max())
    grid = pd.DatetimeIndex(list(asof_days))
    panel = asof_panel(obs, grid)
    if drop_stale:
        for col in [c for c in panel.columns if c.endswith("__date")]:
            sid = col.removesuffix("__date")
            age = (panel.index.to_series() - pd.to_datetime(panel[col])).dt.days
            too_old = age > macro_series(sid.split("_")[0]).max_age_days
            panel.loc[too_old.to_numpy(), sid] = np.nan
    warnings: list[str] = []
    tga = next((s for s in TGA_SERIES if s in panel and panel[s].notna().any()), None)
    out = pd.DataFrame(index=panel.index)
    walcl = _usd(panel, "WALCL")
    rrp = _usd(panel, "RRPONTSYD")
    if tga is None:
        warnings.append(
            "no Treasury General Account series held (WDTGAL/WTREGEN): net liquidity is "
            "WALCL - RRP without the TGA, so it overstates liquidity by the TGA balance"
        )
        out["net_liquidity_usd"] = walcl - rrp
        out["tga_held"] = False
    else:
        out["net_liquidity_usd"] = walcl - _usd(panel, tga) - rrp
        out["tga_held"] = True
    out["net_liquidity_chg_4w_usd"] = out["net_liquidity_usd"].diff(4)
    out["net_liquidity_chg_13w_usd"] = out["net_liquidity_usd"].diff(13)
    if "M2SL_YOY" in panel and panel["M2SL_YOY"].notna().any():
        out["m2_yoy_pct"] = _col(panel, "M2SL_YOY")
    else:
        out["m2_yoy_pct"] = _col(panel, "WM2NS_YOY")
        if "WM2NS_YOY" in panel:
            warnings.append("M2SL not held: M2 growth from weekly WM2NS (not seasonally adjusted)")
    out["m2_3m_ann_pct"] = _col(panel, "M2SL_3M_ANN")
    out["slope_10y_2y_pct"] = _col(panel, "DGS10") - _col(panel, "DGS2")
    out["breakeven_10y_pct"] = _col(panel, "T10YIE")
    infl = _col(panel, "CPIAUCSL_YOY")
    if infl.isna().all():
        infl = _col(panel, "PCEPILFE_YOY")
    if infl.isna().all():
        warnings.append("no inflation series held (CPIAUCSL, PCEPILFE): no real policy rate")
    out["real_policy_rate_pct"] = _col(panel, "EFFR") - infl
    dollar = _col(panel, "DTWEXBGS")
    out["dollar_mom_13w_pct"] = 100.0 * (dollar / dollar.shift(13) - 1.0)
    out["funding_stress_bp"] = 100.0 * (_col(panel, "SOFR") - _col(panel, "IORB"))
    out["nfci"] = _col(panel, "NFCI")
    score = pd.Series(0.0, index=out.index)
    weight = pd.Series(0.0, index=out.index)
    for name, w, sign in SCORE_WEIGHTS:
        z = trailing_zscore(out[name], z_window, z_min)
        score += (sign * w * z).fillna(0.0)
        weight += z.notna() * w
    out["liquidity_score"] = score / weight.where(weight > 0)
    dates = [f"{m.series}__date" for m in MACRO_SERIES if f"{m.series}__date" in panel]
    out = out.join(panel[dates])
    out.attrs["warnings"] = warnings
    return out


def stale_inputs(panel_row: pd.Series, asof: pd.Timestamp) -> list[str]:
    """Inputs of one indicator row whose observation is older than their ``max_age_days``.

    ``panel_row`` is a row of :func:`macro_indicators` (``<ID>__date`` columns).
    """
    out = []
    for col, val in panel_row.items():
        name = str(col)
        if not name.endswith("__date") or pd.isna(val):
            continue
        sid = name.removesuffix("__date")
        age = (pd.Timestamp(asof) - pd.Timestamp(val)).days
        if age > macro_series(sid).max_age_days:
            out.append(f"{sid} ({pd.Timestamp(val):%Y-%m-%d}, {age} days old)")
    return out
