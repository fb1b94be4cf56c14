"""Plausibility checks declared with each dataset, applied to every frame before it is stored.

A row is *implausible* when no real observation can have its values: a non-finite number, a
wrong sign, an inconsistent OHLC bar, a value outside its series' band (a policy rate of
-999 %, a ZQ settle of 0), or a date before the dataset can have data or in the future. The
checks are declared on :class:`~flowscope.schemas.DatasetSpec` (``plausibility``) and applied
by :func:`check_plausible`, which every import and connector path runs before writing.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = [
    "LEVEL_SERIES",
    "POLICY_SERIES",
    "YIELD_SERIES",
    "Band",
    "Plausibility",
    "check_plausible",
]


@dataclass(frozen=True)
class Band:
    """Allowed range of one value column, optionally for some series only.

    Attributes
    ----------
    column
        Value column checked (missing values pass: missing is not a value).
    low, high
        Bounds, in the column's unit.
    low_open
        Whether ``low`` itself is excluded (``(50, 101]``).
    series
        Regular expression on the dataset's group column (``None``: every row).
    label
        Short name for docs and messages (``"policy rate"``).
    """

    column: str
    low: float
    high: float
    low_open: bool = False
    series: str | None = None
    label: str = ""

    def describe(self) -> str:
        """The band as ``(50, 101]`` / ``[-1, 25]``."""
        return f"{'(' if self.low_open else '['}{self.low:g}, {self.high:g}]"


@dataclass(frozen=True)
class Plausibility:
    """What a plausible row of a dataset looks like.

    Attributes
    ----------
    earliest
        First date any row can carry (ISO date, UTC), per group prefix in ``earliest_by``.
    earliest_by
        ``(group prefix, ISO date)`` pairs overriding ``earliest`` (first match wins).
    future_days
        How far past today (UTC) a date may lie, days.
    finite
        Columns that must be finite when present.
    positive
        Columns that must be ``> 0`` when present.
    non_negative
        Columns that must be ``>= 0`` when present.
    ohlc
        ``(open, high, low, close)`` columns: ``high >= low``, and open and close within
        ``[low, high]`` widened by ``ohlc_tolerance`` (composite indices such as an
        all-exchange BTC bar can close slightly outside their own range).
    ohlc_tolerance
        Relative widening of ``[low, high]`` for open and close (0.01 = 1 %).
    ordered
        ``(lower, upper)`` column pairs that must satisfy ``lower <= upper`` when present.
    bands
        Per-column (and per-series) ranges.
    """

    earliest: str
    earliest_by: tuple[tuple[str, str], ...] = ()
    future_days: int = 2
    finite: tuple[str, ...] = ()
    positive: tuple[str, ...] = ()
    non_negative: tuple[str, ...] = ()
    ohlc: tuple[str, str, str, str] | None = None
    ohlc_tolerance: float = 0.01
    ordered: tuple[tuple[str, str], ...] = ()
    bands: tuple[Band, ...] = ()


def _naive_utc(s: pd.Series) -> pd.Series:
    t = pd.to_datetime(s, errors="coerce", utc=True)
    return t.dt.tz_convert(None)


def check_plausible(
    frame: pd.DataFrame,
    rules: Plausibility,
    *,
    time_column: str,
    group_column: str | None = None,
    extra_time_columns: tuple[str, ...] = (),
    now: pd.Timestamp | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Split ``frame`` into plausible rows and implausible ones with their reason.

    Parameters
    ----------
    frame
        Canonical rows of one dataset (base units: USD, %, price; times UTC or naive UTC).
    rules
        The dataset's declared checks.
    time_column, group_column
        The dataset's date column (checked against ``earliest`` and today) and series column.
    extra_time_columns
        Other time columns that may not lie in the future (``release_ts``).
    now
        Today's instant (UTC); default: the current time.

    Returns
    -------
    (DataFrame, DataFrame)
        The plausible rows (index kept), and the implausible rows with an added ``reason``
        column (the first failed check), in input order.
    """
    now = pd.Timestamp.now(tz="UTC") if now is None else pd.Timestamp(now)
    now_naive = (now.tz_convert("UTC") if now.tzinfo else now.tz_localize("UTC")).tz_localize(None)
    n = len(frame)
    reason = np.full(n, "", dtype=object)

    def flag(mask: np.ndarray, text: str | np.ndarray) -> None:
        hit = mask & (reason == "")
        reason[hit] = text[hit] if isinstance(text, np.ndarray) else text

    def num(col: str) -> np.ndarray | None:
        if col not in frame.columns:
            return None
        out: np.ndarray = pd.to_numeric(frame[col], errors="coerce").to_numpy(dtype="float64")
        return out

    def shown(col: str, values: np.ndarray) -> np.ndarray:
        return np.array([f"{col}={v:g}" for v in values], dtype=object)

    for col in dict.fromkeys((*rules.finite, *rules.positive, *rules.non_negative)):
        v = num(col)
        if v is not None:
            flag(np.isinf(v), f"{col} is not finite")
    for col in rules.positive:
        v = num(col)
        if v is not None:
            with np.errstate(invalid="ignore"):
                flag(v <= 0, f"{col} must be > 0")
    for col in rules.non_negative:
        v = num(col)
        if v is not None:
            with np.errstate(invalid="ignore"):
                flag(v < 0, f"{col} must be >= 0")
    if rules.ohlc is not None and all(c in frame.columns for c in rules.ohlc):
        o, h, lo, c = (
            pd.to_numeric(frame[x], errors="coerce").to_numpy(dtype="float64") for x in rules.ohlc
        )
        with np.errstate(invalid="ignore"):
            flag(h < lo, "high below low")
            lo_w, h_w = lo * (1 - rules.ohlc_tolerance), h * (1 + rules.ohlc_tolerance)
            outside = (o < lo_w) | (o > h_w) | (c < lo_w) | (c > h_w)
            flag(outside, f"open/close outside [low, high] (by over {rules.ohlc_tolerance:.0%})")
    for lower, upper in rules.ordered:
        a, b = num(lower), num(upper)
        if a is not None and b is not None:
            with np.errstate(invalid="ignore"):
                flag(a > b, f"{lower} above {upper}")
    groups = (
        frame[group_column].astype(str)
        if group_column is not None and group_column in frame.columns
        else pd.Series("", index=frame.index)
    )
    for band in rules.bands:
        v = num(band.column)
        if v is None:
            continue
        sel = (
            groups.str.fullmatch(band.series).to_numpy(dtype=bool)
            if band.series is not None
            else np.ones(n, dtype=bool)
        )
        with np.errstate(invalid="ignore"):
            low_bad = v <= band.low if band.low_open else v < band.low
            bad = sel & (low_bad | (v > band.high))
        what = f"{band.label or band.column} outside {band.describe()}"
        flag(bad, np.array([f"{what}: {s}" for s in shown(band.column, v)], dtype=object))
    if time_column in frame.columns:
        t = _naive_utc(frame[time_column])
        first = pd.Series(pd.Timestamp(rules.earliest), index=frame.index)
        for prefix, day in reversed(rules.earliest_by):
            first = first.mask(groups.str.startswith(prefix), pd.Timestamp(day))
        latest = now_naive + pd.Timedelta(days=rules.future_days)
        early = (t < first).to_numpy(dtype=bool)
        label = (
            np.array(
                [
                    f"dated {a:%Y-%m-%d}, before {b:%Y-%m-%d}" if pd.notna(a) else ""
                    for a, b in zip(t, first, strict=True)
                ],
                dtype=object,
            )
            if early.any()
            else ""
        )
        flag(early, label)
        flag((t > latest).to_numpy(dtype=bool), f"dated after {latest:%Y-%m-%d} (in the future)")
    for col in extra_time_columns:
        if col in frame.columns:
            t = _naive_utc(frame[col])
            latest = now_naive + pd.Timedelta(days=rules.future_days)
            flag((t > latest).to_numpy(dtype=bool), f"{col} in the future")
    bad = reason != ""
    rejected = frame.loc[bad].copy()
    rejected["reason"] = reason[bad]
    return frame.loc[~bad], rejected


#: FRED ids of policy and money-market rates (% per year).
POLICY_SERIES = r"DFEDTAR[LU]?|EFFR|DFF|FEDFUNDS|IORB|IOER|OBFR|SOFR\w*|FEDTAR\w*|DPRIME|PRIME"
#: FRED ids of Treasury yields, yield spreads and breakevens (% per year).
YIELD_SERIES = (
    r"DGS\d+MO?|DGS\d+|DTB\d+|TB\d+MS|GS\d+M?|DFII\d+|T\d+Y\d+[YM]|T\d+Y(IE|FF)|MORTGAGE\d+US"
)
#: FRED ids of levels and counts that cannot be negative (balance sheet, money stock, price
#: indices, unemployment rate, payrolls, claims).
LEVEL_SERIES = r"WALCL|WTREGEN|WRESBAL|WM2NS|M2SL|CPIAUCSL|CPILFESL|PCEPILFE|UNRATE|PAYEMS|ICSA"
