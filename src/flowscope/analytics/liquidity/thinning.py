"""Holiday thinning of the order book: depth and slippage by hour of week and in holiday windows.

Input is a frame of order-book snapshot metrics, one row per snapshot, with a ``ts`` column
(UTC, tz-aware) and numeric metric columns in base units, e.g. ``depth_usd_1pct`` (USD of
resting orders within ±1 % of the mid, both sides) or ``slippage_bps`` (basis points). Any
metric frame with these shapes works, whichever code produced it; :func:`depth_from_levels`
makes a simple one from stored book levels.

Hour of week counts from Monday 00:00 UTC (0) to Sunday 23:00 UTC (167). Holiday windows
are half-open UTC intervals ``[start, end)``. Ratios are holiday / normal of the means, with
a seeded moving-block bootstrap over snapshots in time order
(:func:`flowscope.analytics.liquidity.impact.block_bootstrap_ratio`). For depth a ratio
below 1 means a thinner book; for slippage a ratio above 1 does.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from flowscope.analytics.liquidity.impact import (
    CHRISTMAS_WINDOW,
    block_bootstrap_ratio,
    move_tag,
    window_bounds,
)
from flowscope.errors import ValidationError

__all__ = [
    "HOLIDAY_SETS",
    "by_hour_of_week",
    "christmas_windows",
    "depth_from_levels",
    "holiday_thinning",
    "holiday_windows",
    "thinning_frame",
]

#: Holiday sets :func:`holiday_windows` knows: Christmas (Dec 20 – Jan 2) and the US
#: market holidays (NYSE regular holidays, whole UTC days).
HOLIDAY_SETS = ("christmas", "us")


def _metric_columns(metrics: pd.DataFrame, columns: Sequence[str] | None) -> list[str]:
    if "ts" not in metrics.columns:
        msg = "the metrics frame needs a `ts` column (UTC snapshot time)"
        raise ValidationError(msg, param_name="metrics", received=list(metrics.columns))
    if columns is None:
        return [
            c for c in metrics.columns if c != "ts" and pd.api.types.is_numeric_dtype(metrics[c])
        ]
    bad = [c for c in columns if c not in metrics.columns]
    if bad:
        msg = f"metric column(s) {bad} not in the frame; it has {list(metrics.columns)}"
        raise ValidationError(msg, param_name="columns", received=bad)
    return list(columns)


def _utc(ts: pd.Series) -> pd.DatetimeIndex:
    idx = pd.DatetimeIndex(ts)
    if idx.tz is None:
        msg = "`ts` must be tz-aware (UTC); got naive timestamps"
        raise ValidationError(msg, param_name="ts", received=str(idx.dtype))
    return idx.tz_convert("UTC")


def depth_from_levels(levels: pd.DataFrame, pcts: Sequence[float] = (1.0,)) -> pd.DataFrame:
    """Mid, spread and two-sided depth within ±x % of the mid per snapshot.

    Parameters
    ----------
    levels
        One row per book level (the ``book_snapshots`` shape): ``ts`` (UTC), ``side``
        (``"bid"``/``"ask"``), ``price`` (USD), ``size`` (base units); optional ``venue`` and
        ``symbol`` split the snapshots.
    pcts
        Bands in % of the mid.

    Returns
    -------
    DataFrame
        One row per snapshot: ``ts`` (and ``venue``, ``symbol`` when given), ``mid_usd``
        (mean of best bid and best ask), ``spread_bps``, and per band ``depth_usd_<tag>``:
        USD (price x size) of bids at or above ``mid * (1 - x/100)`` plus asks at or below
        ``mid * (1 + x/100)``. Only the levels held count: a book cut at N levels gives a
        lower bound when its last level lies inside the band. Rows repeating a snapshot's
        level (same keys, side and ``level``, or ``price`` without ``level``) count once.
    """
    keys = [k for k in ("venue", "symbol") if k in levels.columns] + ["ts"]
    lv = levels[levels["size"] > 0]
    # a snapshot received twice (same time, same levels) is one book, not twice the depth
    lv = lv.drop_duplicates(
        [*keys, "side", "level" if "level" in lv.columns else "price"], keep="last"
    )
    bid = lv[lv["side"] == "bid"].groupby(keys)["price"].max().rename("best_bid")
    ask = lv[lv["side"] == "ask"].groupby(keys)["price"].min().rename("best_ask")
    top = pd.concat([bid, ask], axis=1).dropna()
    top["mid_usd"] = (top["best_bid"] + top["best_ask"]) / 2
    top["spread_bps"] = (top["best_ask"] - top["best_bid"]) / top["mid_usd"] * 1e4
    lv = lv.join(top["mid_usd"], on=keys, how="inner")
    notional = lv["price"] * lv["size"]
    is_bid = (lv["side"] == "bid").to_numpy()
    for p in pcts:
        lo, hi = lv["mid_usd"] * (1 - p / 100), lv["mid_usd"] * (1 + p / 100)
        inside = np.where(is_bid, lv["price"] >= lo, lv["price"] <= hi)
        top[f"depth_usd_{move_tag(p)}"] = (
            notional.where(inside, 0.0).groupby([lv[k] for k in keys]).sum()
        )
    return top.drop(columns=["best_bid", "best_ask"]).reset_index()


def by_hour_of_week(metrics: pd.DataFrame, *, columns: Sequence[str] | None = None) -> pd.DataFrame:
    """Mean of each metric by UTC hour of week.

    Parameters
    ----------
    metrics
        Snapshot metrics with ``ts`` (UTC).
    columns
        Metric columns (default: every numeric column).

    Returns
    -------
    DataFrame
        Indexed by ``hour_of_week`` (0 = Monday 00:00 UTC … 167), only hours with
        snapshots: ``n`` (snapshots) and the mean of each metric column (same names).
    """
    cols = _metric_columns(metrics, columns)
    ts = _utc(metrics["ts"])
    how = pd.Index(ts.day_of_week * 24 + ts.hour, name="hour_of_week")
    grouped = metrics[cols].set_axis(how).groupby(level=0)
    out = grouped.mean()
    out.insert(0, "n", grouped.size())
    return out


def christmas_windows(
    years: Sequence[int], window: tuple[str, str] = CHRISTMAS_WINDOW
) -> list[tuple[pd.Timestamp, pd.Timestamp]]:
    """UTC ``[start, end)`` intervals of a month-day window for each year.

    Examples
    --------
    >>> christmas_windows([2024])[0][1]
    Timestamp('2025-01-03 00:00:00+0000', tz='UTC')
    """

    out = []
    for y in years:
        s, e = window_bounds(y, window)
        out.append((s.tz_localize("UTC"), (e + pd.Timedelta(days=1)).tz_localize("UTC")))
    return out


def holiday_thinning(
    metrics: pd.DataFrame,
    holidays: Sequence[tuple[pd.Timestamp, pd.Timestamp]],
    *,
    normal: Sequence[tuple[pd.Timestamp, pd.Timestamp]] | None = None,
    columns: Sequence[str] | None = None,
    n_boot: int = 2000,
    block: int = 3,
    seed: int = 0,
) -> pd.DataFrame:
    """Compare each metric in holiday windows with normal windows.

    Parameters
    ----------
    metrics
        Snapshot metrics with ``ts`` (UTC).
    holidays
        UTC ``[start, end)`` intervals counted as holiday.
    normal
        UTC ``[start, end)`` intervals counted as normal (default: every snapshot outside
        the holiday windows).
    columns
        Metric columns (default: every numeric column).
    n_boot, block, seed
        Moving-block bootstrap over snapshots in time order.

    Returns
    -------
    DataFrame
        Indexed by ``metric``: ``n_holiday``, ``n_normal`` (snapshots with a value),
        ``mean_holiday``, ``mean_normal`` (units of the metric), ``ratio`` (holiday /
        normal), ``ratio_ci_low``, ``ratio_ci_high`` (95 %).
    """
    cols = _metric_columns(metrics, columns)
    ts = _utc(metrics["ts"])
    order = np.argsort(ts.asi8, kind="stable")
    df = metrics.iloc[order]
    t = ts[order]

    def _mask(windows: Sequence[tuple[pd.Timestamp, pd.Timestamp]]) -> np.ndarray:
        m = np.zeros(len(t), dtype=bool)
        for s, e in windows:
            m |= (t >= pd.Timestamp(s)) & (t < pd.Timestamp(e))
        return m

    hol = _mask(holidays)
    nor = ~hol if normal is None else _mask(normal) & ~hol
    rows = []
    for i, c in enumerate(cols):
        a = df[c].to_numpy(dtype=float)[hol]
        b = df[c].to_numpy(dtype=float)[nor]
        r, lo, hi = block_bootstrap_ratio(a, b, n_boot=n_boot, block=block, seed=seed + i)
        rows.append(
            {
                "metric": c,
                "n_holiday": int(np.isfinite(a).sum()),
                "n_normal": int(np.isfinite(b).sum()),
                "mean_holiday": float(np.nanmean(a)) if np.isfinite(a).any() else np.nan,
                "mean_normal": float(np.nanmean(b)) if np.isfinite(b).any() else np.nan,
                "ratio": r,
                "ratio_ci_low": lo,
                "ratio_ci_high": hi,
            }
        )
    return pd.DataFrame(rows).set_index("metric")


def holiday_windows(
    name: str, start: pd.Timestamp, end: pd.Timestamp
) -> list[tuple[pd.Timestamp, pd.Timestamp]]:
    """UTC ``[start, end)`` holiday windows of a set (:data:`HOLIDAY_SETS`) touching a span.

    ``christmas``: Dec 20 – Jan 2 of each year (:func:`christmas_windows`); ``us``: each NYSE
    regular holiday (New Year, MLK, Presidents, Good Friday, Memorial, Juneteenth,
    Independence, Labor, Thanksgiving, Christmas days) as one UTC day.
    """
    start, end = pd.Timestamp(start), pd.Timestamp(end)
    if name == "christmas":
        wins = christmas_windows(range(start.year - 1, end.year + 1))
    elif name == "us":
        from flowscope.calendars import nyse_calendar

        days = nyse_calendar().regular_holidays.holidays(
            (start - pd.Timedelta(days=1)).tz_localize(None).normalize(),
            (end + pd.Timedelta(days=1)).tz_localize(None).normalize(),
        )
        wins = [(d.tz_localize("UTC"), d.tz_localize("UTC") + pd.Timedelta(days=1)) for d in days]
    else:
        msg = f"--holidays: unknown holiday set {name!r}; use {' or '.join(HOLIDAY_SETS)}"
        raise ValidationError(msg, param_name="holidays", received=name)
    return [(s, e) for s, e in wins if s <= end and e > start]


def thinning_frame(metrics: pd.DataFrame) -> pd.DataFrame:
    """The metrics thinning compares, from :func:`~.snapshots.snapshot_metrics` output.

    Returns
    -------
    DataFrame
        ``ts`` (UTC), ``spread_bps``, ``depth_usd_<x>pct`` (bid + ask USD within x % of the
        reference; missing when either side is unknown that far) for each band held, and the
        ``slippage_{buy,sell}_<Q>usd_bps`` columns as they are.
    """
    out = metrics[["ts", "spread_bps"]].copy()
    for c in metrics.columns:
        if c.startswith("depth_bid_") and c.endswith("pct_usd"):
            tag = c.removeprefix("depth_bid_").removesuffix("_usd")
            out[f"depth_usd_{tag}"] = metrics[c] + metrics[f"depth_ask_{tag}_usd"]
    slip = [c for c in metrics.columns if c.startswith("slippage_")]
    return pd.concat([out, metrics[slip]], axis=1)
