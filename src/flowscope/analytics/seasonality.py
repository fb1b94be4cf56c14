"""Calendar seasonality of a daily (UTC-day) price series, split by market regime.

Windows
-------
A calendar window ``(start, end)`` is given as month-day pairs, e.g. ``("12-24", "12-31")``
or ``("12-15", "01-05")`` (a window that wraps into January belongs to the year it starts
in). Its return in year ``Y`` is ``close(end) / close(start - 1 day) - 1``: from the close of
the day before the window to the close of its last day, so the moves *on* every day of the
window are included. Closes are UTC-day closes (BTC trades every day).

Regime rules (all evaluated on the close of the day *before* the window starts, using only
data known then)
-----------------------------------------------------------------------------------------
``"ma200"``        bull if the close is above its 200-day simple moving average;
``"trailing365"``  bull if the 365-day trailing return is positive;
``"drawdown"``     bull if the close is less than 20 % below its running high
                   (``drawdown_threshold``), bear otherwise.

The series must hold every calendar day (BTC trades daily); missing days are carried
forward from the previous close with a :class:`~flowscope.errors.GapWarning`.

Intervals are percentile bootstrap intervals over years (or days), from a seeded
:class:`numpy.random.Generator`.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Literal

import numpy as np
import pandas as pd

from flowscope.analytics import _rolling
from flowscope.errors import (
    GapWarning,
    InsufficientDataError,
    SmallSampleWarning,
    ValidationError,
)

__all__ = [
    "CHRISTMAS_WINDOW",
    "HOLIDAY_WINDOW",
    "REGIME_RULES",
    "SEED_CHRISTMAS_LABELS",
    "RegimeRule",
    "bootstrap_mean_ci",
    "calendar_returns",
    "christmas_table",
    "regime_labels",
    "regime_summary",
    "window_returns",
]

RegimeRule = Literal["ma200", "trailing365", "drawdown"]
#: The selectable regime rules (see the module docstring).
REGIME_RULES: tuple[RegimeRule, ...] = ("ma200", "trailing365", "drawdown")
#: Dec 24 to Dec 31.
CHRISTMAS_WINDOW: tuple[str, str] = ("12-24", "12-31")
#: Dec 15 to Jan 5 (of the next year).
HOLIDAY_WINDOW: tuple[str, str] = ("12-15", "01-05")
#: The desk note's labels: "bull Christmas 2016, 2020, 2023; bear Christmas 2018, 2021, 2022".
SEED_CHRISTMAS_LABELS: dict[int, str] = {
    2016: "bull",
    2020: "bull",
    2023: "bull",
    2018: "bear",
    2021: "bear",
    2022: "bear",
}


def _daily(close: pd.Series) -> pd.Series:
    s = close.dropna().astype(np.float64).sort_index()
    idx = pd.DatetimeIndex(s.index)
    if idx.tz is not None:
        idx = idx.tz_convert("UTC").tz_localize(None)
    s.index = idx.normalize()
    if s.index.has_duplicates:
        msg = "the close series has duplicate dates"
        raise ValidationError(msg, param_name="close")
    if s.empty:
        msg = "no closes given"
        raise InsufficientDataError(msg)
    full = pd.date_range(s.index[0], s.index[-1], freq="D")
    if len(full) != len(s):
        missing = full.difference(s.index)
        warnings.warn(
            f"{len(missing)} calendar day(s) missing from the daily closes (first "
            f"{missing[0]:%Y-%m-%d}); carried forward from the previous close",
            GapWarning,
            stacklevel=3,
        )
        s = s.reindex(full).ffill()
    return s


def regime_labels(
    close: pd.Series,
    rule: RegimeRule,
    *,
    ma_days: int = 200,
    trailing_days: int = 365,
    drawdown_threshold: float = 0.20,
) -> pd.Series:
    """Bull/bear label per day from the close of that day (see the module docstring).

    Parameters
    ----------
    close
        Daily closes (UTC days, every calendar day).
    rule
        ``"ma200"``, ``"trailing365"`` or ``"drawdown"``.
    ma_days, trailing_days
        Moving-average length and trailing-return horizon, in calendar days (rows).
    drawdown_threshold
        Fraction below the running high from which the regime is bear (0.20 = 20 %).

    Returns
    -------
    Series
        ``"bull"``/``"bear"`` (``None`` while the rule lacks history), same index.
    """
    s = _daily(close)
    c = s.to_numpy()
    if rule == "ma200":
        ma = _rolling.rolling_mean(c, ma_days)
        bull, valid = c > ma, np.isfinite(ma)
    elif rule == "trailing365":
        prev = s.shift(trailing_days).to_numpy()
        bull, valid = c > prev, np.isfinite(prev)
    elif rule == "drawdown":
        dd = _rolling.running_drawdown(c)
        bull, valid = dd > -drawdown_threshold, np.isfinite(dd)
    else:
        msg = f"unknown regime rule {rule!r}; choose one of {', '.join(REGIME_RULES)}"  # type: ignore[unreachable]
        raise ValidationError(msg, param_name="rule", received=rule)
    out = pd.Series(np.where(bull, "bull", "bear"), index=s.index, dtype=object, name=rule)
    out[~valid] = None
    return out


def _parse_md(md: str, name: str) -> tuple[int, int]:
    try:
        mo, da = (int(x) for x in md.split("-"))
        pd.Timestamp(2000, mo, da)  # 2000 is a leap year: 02-29 is allowed
    except (ValueError, TypeError):
        msg = f"`{name}` must be a month-day like '12-24', got {md!r}"
        raise ValidationError(msg, param_name=name, received=md) from None
    return mo, da


def window_returns(
    close: pd.Series,
    window: tuple[str, str] = CHRISTMAS_WINDOW,
    *,
    years: Sequence[int] | None = None,
    rules: Sequence[RegimeRule] = REGIME_RULES,
    drawdown_threshold: float = 0.20,
) -> pd.DataFrame:
    """Return over a calendar window for each year, with the regime at its start.

    Parameters
    ----------
    close
        Daily closes (UTC days).
    window
        ``(start, end)`` month-days; a window whose end is earlier in the year than its start
        ends in the next year.
    years
        Years to compute (default: every year the data covers fully).
    rules
        Regime rules to evaluate at the window start.
    drawdown_threshold
        See :func:`regime_labels`.

    Returns
    -------
    DataFrame
        Indexed by ``year``: ``start`` (first window day), ``end``, ``close_before`` (close
        of the day before the window), ``close_end``, ``return`` (fraction), then one
        column per rule with ``"bull"``/``"bear"``. Years whose window is not covered by the
        data are left out.
    """
    s = _daily(close)
    (m0, d0), (m1, d1) = _parse_md(window[0], "window"), _parse_md(window[1], "window")
    wraps = (m1, d1) < (m0, d0)
    if years is None:
        years = range(s.index[0].year, s.index[-1].year + 1)
    ys = np.asarray(list(years), dtype=int)
    if ys.size == 0:
        msg = "no years requested"
        raise ValidationError(msg, param_name="years", received=list(years))
    starts = pd.to_datetime({"year": ys, "month": m0, "day": d0})
    ends = pd.to_datetime({"year": ys + int(wraps), "month": m1, "day": d1})
    before = starts - pd.Timedelta(days=1)
    held = pd.DatetimeIndex(before).isin(s.index) & pd.DatetimeIndex(ends).isin(s.index)
    out = pd.DataFrame(
        {
            "start": starts.to_numpy(),
            "end": ends.to_numpy(),
            "close_before": s.reindex(before).to_numpy(),
            "close_end": s.reindex(ends).to_numpy(),
        },
        index=pd.Index(ys, name="year"),
    )[held]
    out["return"] = out["close_end"] / out["close_before"] - 1.0
    day_before = pd.DatetimeIndex(out["start"]) - pd.Timedelta(days=1)
    for rule in rules:
        lab = regime_labels(s, rule, drawdown_threshold=drawdown_threshold)
        out[rule] = lab.reindex(day_before).to_numpy()
    return out


def bootstrap_mean_ci(
    values: np.ndarray | pd.Series,
    *,
    n_boot: int = 5000,
    ci: float = 0.95,
    seed: int = 0,
) -> tuple[float, float, float]:
    """Mean and percentile-bootstrap interval of the mean.

    Returns
    -------
    tuple
        ``(mean, low, high)``; NaNs when ``values`` is empty; ``low == high == mean`` for
        one value.
    """
    v = np.asarray(values, dtype=np.float64)
    v = v[np.isfinite(v)]
    if v.size == 0:
        return (np.nan, np.nan, np.nan)
    rng = np.random.default_rng(seed)
    draws = v[rng.integers(0, v.size, size=(int(n_boot), v.size))].mean(axis=1)
    a = (1.0 - ci) / 2.0
    lo, hi = np.quantile(draws, [a, 1.0 - a])
    return (float(v.mean()), float(lo), float(hi))


def regime_summary(
    table: pd.DataFrame,
    rule: RegimeRule,
    *,
    value: str = "return",
    n_boot: int = 5000,
    ci: float = 0.95,
    seed: int = 0,
    min_n: int = 5,
) -> pd.DataFrame:
    """Mean window return per regime (and all years) with bootstrap intervals.

    Parameters
    ----------
    table
        Output of :func:`window_returns` (or any frame with ``value`` and a ``rule`` column).
    rule
        Column holding the regime labels.
    min_n
        Groups with fewer observations issue a :class:`SmallSampleWarning`.

    Returns
    -------
    DataFrame
        Rows ``bull``, ``bear``, ``all``; columns ``n``, ``mean``, ``ci_low``, ``ci_high``,
        ``median``, ``share_positive`` (fractions).
    """
    if rule not in table.columns:
        msg = f"no column {rule!r} in the table (has {list(table.columns)})"
        raise ValidationError(msg, param_name="rule", received=rule)
    rows = {}
    small = []
    for name, mask in (
        ("bull", table[rule] == "bull"),
        ("bear", table[rule] == "bear"),
        ("all", pd.Series(True, index=table.index)),
    ):
        v = table.loc[mask, value].to_numpy(dtype=np.float64)
        mean, lo, hi = bootstrap_mean_ci(v, n_boot=n_boot, ci=ci, seed=seed)
        rows[name] = {
            "n": int(np.isfinite(v).sum()),
            "mean": mean,
            "ci_low": lo,
            "ci_high": hi,
            "median": float(np.nanmedian(v)) if v.size else np.nan,
            "share_positive": float(np.mean(v > 0)) if v.size else np.nan,
        }
        if rows[name]["n"] < min_n:
            small.append(f"{name}: {rows[name]['n']}")
    if small:
        warnings.warn(
            f"regime summary by {rule!r} rests on few observations ({', '.join(small)}); "
            "intervals are wide and unreliable",
            SmallSampleWarning,
            stacklevel=2,
        )
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index.name = "regime"
    return out


def calendar_returns(
    close: pd.Series,
    by: Literal["weekday", "month"] = "weekday",
    *,
    rule: RegimeRule | None = None,
    start: str | pd.Timestamp | None = None,
    end: str | pd.Timestamp | None = None,
    n_boot: int = 2000,
    ci: float = 0.95,
    seed: int = 0,
) -> pd.DataFrame:
    """Average return by day of week or by month, optionally split by regime.

    Day-of-week uses daily log returns (UTC days; Monday = the move over Monday UTC); month
    uses each calendar month's log return (last close of the month over the last close of
    the previous month). With ``rule``, each observation is labelled by the regime at the
    close *before* it.

    Returns
    -------
    DataFrame
        Columns ``bucket`` (``Mon`` … ``Sun`` or ``Jan`` … ``Dec``), ``regime`` (``all``,
        or ``bull``/``bear``), ``n``, ``mean``, ``ci_low``, ``ci_high`` (log returns,
        fractions), ``share_positive``.
    """
    s = _daily(close)
    if by not in ("weekday", "month"):
        msg = f"`by` must be 'weekday' or 'month', got {by!r}"
        raise ValidationError(msg, param_name="by", received=by)
    lab = regime_labels(s, rule) if rule is not None else None
    lg = np.log(s)
    if by == "weekday":
        r = (lg - lg.shift(1)).iloc[1:]
        keys = r.index.day_of_week.to_numpy()
        names = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
        reg = lab.shift(1).reindex(r.index) if lab is not None else None
    else:
        last = lg.groupby(lg.index.to_period("M")).tail(1)
        r = (last - last.shift(1)).iloc[1:]
        # drop a trailing partial month
        if s.index[-1] != s.index[-1] + pd.offsets.MonthEnd(0):
            r = r[r.index.to_period("M") != s.index[-1].to_period("M")]
        keys = r.index.month.to_numpy() - 1
        names = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        prev_close_day = pd.DatetimeIndex(last.index).to_series().shift(1).iloc[1:]
        prev_close_day = prev_close_day.loc[r.index]
        reg = (
            lab.reindex(pd.DatetimeIndex(prev_close_day.to_numpy())).set_axis(r.index)
            if lab is not None
            else None
        )
    mask = np.ones(len(r), dtype=bool)
    if start is not None:
        mask &= r.index >= pd.Timestamp(start)
    if end is not None:
        mask &= r.index <= pd.Timestamp(end)
    vals = r.to_numpy()[mask]
    keys = keys[mask]
    regs = reg.to_numpy()[mask] if reg is not None else None
    if vals.size == 0:
        msg = "no returns in the requested range"
        raise InsufficientDataError(msg)
    rows = []
    groups = [("all", np.ones(vals.size, dtype=bool))]
    if regs is not None:
        groups += [("bull", regs == "bull"), ("bear", regs == "bear")]
    for gname, gmask in groups:
        for b, bname in enumerate(names):
            v = vals[gmask & (keys == b)]
            mean, lo, hi = bootstrap_mean_ci(v, n_boot=n_boot, ci=ci, seed=seed)
            rows.append(
                {
                    "bucket": bname,
                    "regime": gname,
                    "n": int(v.size),
                    "mean": mean,
                    "ci_low": lo,
                    "ci_high": hi,
                    "share_positive": float(np.mean(v > 0)) if v.size else np.nan,
                }
            )
    return pd.DataFrame(rows)


def christmas_table(
    close: pd.Series,
    years: Sequence[int] = range(2015, 2025),
    *,
    window: tuple[str, str] = CHRISTMAS_WINDOW,
    rules: Sequence[RegimeRule] = REGIME_RULES,
    seed_labels: dict[int, str] | None = None,
    drawdown_threshold: float = 0.20,
) -> pd.DataFrame:
    """The desk note's Christmas table: per year, window return, regime by rule, agreement.

    Parameters
    ----------
    close
        BTC daily closes (UTC days).
    years
        Years to show; years the data does not cover are left out.
    window
        Calendar window (default Dec 24 to Dec 31).
    rules
        Regime rules to show.
    seed_labels
        ``{year: "bull"|"bear"}`` to check against (default: the desk note's
        :data:`SEED_CHRISTMAS_LABELS`); other years are unlabelled.

    Returns
    -------
    DataFrame
        Indexed by ``year``: ``dec25_close`` (USD, close of Dec 25), ``close_before``,
        ``close_end``, ``return`` (fraction), one column per rule, ``seed_label``
        (``None`` when the note gives none), ``agree_<rule>`` (True/False, ``None`` when
        unlabelled), and ``outcome_agrees`` (whether the sign of the window return matches
        the note's bull = up / bear = down).
    """
    labels = SEED_CHRISTMAS_LABELS if seed_labels is None else seed_labels
    s = _daily(close)
    tab = window_returns(s, window, years=years, rules=rules, drawdown_threshold=drawdown_threshold)
    if tab.empty:
        msg = f"the price series covers none of the years {list(years)}"
        raise InsufficientDataError(msg)
    dec25 = pd.to_datetime({"year": tab.index.to_numpy(), "month": 12, "day": 25})
    tab.insert(0, "dec25_close", s.reindex(dec25).to_numpy())
    tab["seed_label"] = [labels.get(int(y)) for y in tab.index]
    has = tab["seed_label"].notna()
    for rule in rules:
        col = (tab[rule] == tab["seed_label"]).astype(object)
        col[~has | tab[rule].isna()] = None
        tab[f"agree_{rule}"] = col
    up = np.where(tab["return"] > 0, "bull", "bear")
    out_agree = pd.Series(up == tab["seed_label"].to_numpy(), index=tab.index, dtype=object)
    out_agree[~has] = None
    tab["outcome_agrees"] = out_agree
    return tab
