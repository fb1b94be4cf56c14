"""Point in time: when each stored row becomes usable by a decision, and the view as of then.

Every dataset declares its availability once (``DatasetSpec.availability``, see
``docs/regime.md``): ETF flows the morning after their US session, futures at the end-of-day
settlement, FOMC text at its release time, FRED series after their publication lag, prices
at the bar close. :func:`available_at` turns that rule into one UTC instant per row;
:func:`asof_view` keeps the rows known at a decision time.

Decisions are taken once per calendar day at :data:`DECISION_TIME` (09:30 New York, before
the US open). A figure known after that instant is used from the next day's decision on.

Revisions: a dataset that tracks revisions keeps superseded rows in the store. A decision
uses each figure *as first known* (:func:`first_known`: the earliest ingested version),
never a later revision, so history is not rewritten by hindsight. For history loaded in
bulk after the fact, the earliest version held is the closest stand-in for the first print.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from flowscope.errors import ValidationError
from flowscope.schemas._spec import Availability, DatasetSpec

__all__ = [
    "DECISION_TIME",
    "asof_view",
    "available_at",
    "decision_times",
    "first_known",
    "pick_asof",
]

#: Daily decision time: (local wall-clock time ``"HH:MM"``, IANA time zone).
DECISION_TIME: tuple[str, str] = ("09:30", "America/New_York")

#: Rows of datasets known in advance (the FOMC calendar) are available from this instant.
_ALWAYS = pd.Timestamp("1900-01-01", tz="UTC")


def _clock(at: str, what: str) -> pd.Timedelta:
    try:
        hh, mm = (int(x) for x in at.split(":"))
    except ValueError:
        hh, mm = -1, -1
    if not (0 <= hh < 24 and 0 <= mm < 60):
        msg = f"{what}: not a wall-clock time {at!r} (use HH:MM, e.g. 09:30)"
        raise ValidationError(msg, param_name=what, received=at)
    return pd.Timedelta(hours=hh, minutes=mm)


def _local(days: pd.Series, at: str, tz: str) -> pd.Series:
    """``days`` (naive midnight) at wall-clock ``at`` in ``tz``, as UTC instants."""
    local = (days + _clock(at, "at")).dt.tz_localize(
        tz, nonexistent="shift_forward", ambiguous=True
    )
    return local.dt.tz_convert("UTC")


def _naive_days(values: pd.Series) -> pd.Series:
    s = pd.to_datetime(values)
    if isinstance(s.dtype, pd.DatetimeTZDtype):
        s = s.dt.tz_convert("UTC").dt.tz_localize(None)
    return s.dt.normalize()


def _busday(days: pd.Series, lag: int) -> pd.Series:
    """``days`` plus ``lag`` weekdays (a weekend day first rolls back to Friday)."""
    if lag == 0:
        return days
    ok = days.notna()
    out = pd.Series(pd.NaT, index=days.index, dtype="datetime64[ns]")
    d64 = days[ok].to_numpy(dtype="datetime64[D]")
    out[ok] = np.busday_offset(d64, lag, roll="backward").astype("datetime64[ns]")
    return out


def decision_times(
    days: pd.DatetimeIndex | pd.Series | Sequence[object], at: tuple[str, str] = DECISION_TIME
) -> pd.Series:
    """UTC instant of the daily decision on each calendar day.

    Parameters
    ----------
    days
        Calendar days (naive or any zone; only the date counts).
    at
        ``(wall-clock "HH:MM", time zone)``; default :data:`DECISION_TIME`.

    Returns
    -------
    Series
        UTC timestamps, one per day, indexed like ``days`` (positionally).

    Examples
    --------
    >>> decision_times(["2025-11-28"]).iloc[0]
    Timestamp('2025-11-28 14:30:00+0000', tz='UTC')
    """
    d = _naive_days(pd.Series(list(days) if not isinstance(days, pd.Series) else days))
    return _local(d.reset_index(drop=True), at[0], at[1])


def _rule_times(frame: pd.DataFrame, spec: DatasetSpec, rule: Availability) -> pd.Series:
    tcol = spec.time_column
    if rule.kind == "in_advance":
        return pd.Series(_ALWAYS, index=frame.index)
    if rule.kind == "release_time":
        col = rule.time_column or tcol
        ts = pd.to_datetime(frame[col], utc=True)
        unknown = ts == ts.dt.floor("D")
        day = ts.dt.tz_localize(None).dt.normalize()
        fallback = _local(day, rule.at, rule.tz)
        return ts.where(~unknown, fallback)
    days = _naive_days(frame[tcol])
    if rule.kind == "bar_end" or (
        "interval" in frame.columns and rule.kind == "local_time" and spec.name == "prices"
    ):
        start = pd.to_datetime(frame[tcol], utc=True)
        if "interval" in frame.columns:
            unit = (
                frame["interval"]
                .astype(str)
                .str.replace(
                    r"^(\d+)(m|h|d|w)$",
                    lambda m: m.group(1) + {"m": "min", "h": "h", "d": "D", "w": "W"}[m.group(2)],
                    regex=True,
                )
            )
            length = pd.to_timedelta(unit)
        else:
            length = pd.Series(pd.Timedelta(days=1), index=frame.index)
        end = start + length
        if rule.kind == "bar_end":
            return end
        # daily equity bars are dated by session: available at the close; intraday at bar end
        daily = frame["interval"].astype(str) == "1d"
        return _local(days, rule.at, rule.tz).where(daily, end)
    if rule.kind == "after_close":
        return _local(days + pd.Timedelta(days=1), rule.at, rule.tz)
    if rule.kind == "local_time":
        return _local(_busday(days, rule.lag_days), rule.at, rule.tz)
    # period_end: month end, then lag business days
    month_end = days + pd.offsets.MonthEnd(0)
    return _local(_busday(month_end, max(rule.lag_days, 0)), rule.at, rule.tz)


def available_at(frame: pd.DataFrame, spec: DatasetSpec) -> pd.Series:
    """UTC instant from which each row of ``frame`` is known (the dataset's declared rule).

    Parameters
    ----------
    frame
        Rows of dataset ``spec`` (at least its time column, the group column when the
        dataset declares per-series rules, ``interval`` for prices, ``release_ts`` for
        FOMC text).
    spec
        The dataset's specification.

    Returns
    -------
    Series
        tz-aware UTC timestamps indexed like ``frame``; NaT where the row can never be
        placed in time (a missing release time).

    Raises
    ------
    ValidationError
        If the dataset declares no availability or ``frame`` lacks a needed column.

    Examples
    --------
    >>> from flowscope.schemas.datasets import ETF_FLOWS
    >>> f = pd.DataFrame({"date": pd.to_datetime(["2025-11-28"]), "fund": ["IBIT"]})
    >>> available_at(f, ETF_FLOWS).iloc[0]
    Timestamp('2025-11-29 14:00:00+0000', tz='UTC')
    """
    rules = spec.availability
    if rules.default is None and not rules.by_group and not rules.by_prefix:
        msg = f"dataset {spec.name!r} declares no point-in-time availability"
        raise ValidationError(msg, param_name="spec", received=spec.name)
    if spec.time_column not in frame.columns:
        msg = f"{spec.name}: frame lacks its time column {spec.time_column!r}"
        raise ValidationError(msg, param_name="frame", received=list(frame.columns))
    out = pd.Series(pd.NaT, index=frame.index, dtype="datetime64[ns, UTC]")
    if frame.empty:
        return out
    gcol = spec.group_column
    if gcol is not None and gcol in frame.columns and (rules.by_group or rules.by_prefix):
        groups = frame[gcol].astype(str)
        rule_of = {g: rules.for_group(g) for g in groups.unique()}
        distinct = {id(r): r for r in rule_of.values() if r is not None}
        for rule in distinct.values():
            mask = groups.map(lambda g, r=rule: rule_of[g] is r).to_numpy(dtype=bool)
            out[mask] = _rule_times(frame[mask], spec, rule)
        return out
    default = rules.default
    if default is None:
        return out
    return _rule_times(frame, spec, default).astype("datetime64[ns, UTC]")


def asof_view(
    frame: pd.DataFrame, spec: DatasetSpec, decision_time: pd.Timestamp | str
) -> pd.DataFrame:
    """Rows of ``frame`` known at ``decision_time`` (their :func:`available_at` at or before it).

    Parameters
    ----------
    frame
        Rows of dataset ``spec``.
    spec
        The dataset's specification.
    decision_time
        The instant of the decision (naive values are taken as UTC).

    Returns
    -------
    DataFrame
        The subset of ``frame`` (same columns and index).
    """
    t = pd.Timestamp(decision_time)
    t = t.tz_localize("UTC") if t.tz is None else t.tz_convert("UTC")
    at = available_at(frame, spec)
    return frame[(at <= t).fillna(value=False).to_numpy(dtype=bool)]


def first_known(
    current: pd.DataFrame, revisions: pd.DataFrame | None, key: Sequence[str]
) -> pd.DataFrame:
    """Each key's earliest ingested version (the figure as first known), not its revision.

    Parameters
    ----------
    current
        Rows as held now, with ``ts_ingested`` (UTC) and the columns in ``key``.
    revisions
        Superseded rows (``<dataset>__revisions``), same columns plus ``ts_superseded``;
        only keys present in ``current`` count. ``None`` or empty: ``current`` unchanged.
    key
        Columns identifying a figure (include ``source`` when ``current`` mixes sources).

    Returns
    -------
    DataFrame
        ``current``'s columns, one row per key, the value of the earliest ``ts_ingested``.
    """
    if revisions is None or revisions.empty:
        return current
    cols = list(current.columns)
    keys = list(key)
    rev = revisions[[c for c in (*cols, "ts_superseded") if c in revisions.columns]]
    rev = rev.merge(current[keys].drop_duplicates(), on=keys, how="inner")
    # superseded rows first: on equal ingest times the older version wins
    rev = rev.sort_values("ts_superseded", kind="stable") if "ts_superseded" in rev else rev
    both = pd.concat([rev[cols], current], ignore_index=True)
    both = both.sort_values("ts_ingested", kind="stable")
    out = both.drop_duplicates(keys, keep="first")
    return out.sort_values(keys, kind="stable").reset_index(drop=True)


def pick_asof(
    rows: pd.DataFrame, days: pd.DatetimeIndex, at: tuple[str, str] = DECISION_TIME
) -> pd.DataFrame:
    """For each decision day, the newest row known at its decision time.

    Parameters
    ----------
    rows
        Signal rows with an ``available_at`` column (UTC); rows with NaT are never used.
    days
        Decision days (naive calendar dates).
    at
        Decision wall-clock time and zone.

    Returns
    -------
    DataFrame
        Indexed by ``days`` (named ``date``), ``rows``' columns; all-NaN where nothing was
        known yet.
    """
    dec = decision_times(days, at).astype("datetime64[ns, UTC]")
    left = pd.DataFrame({"date": days, "decision_at": dec.to_numpy()})
    right = rows[rows["available_at"].notna()].copy()
    right["available_at"] = pd.to_datetime(right["available_at"], utc=True).astype(
        "datetime64[ns, UTC]"
    )
    order = ["available_at", "data_date"] if "data_date" in right.columns else ["available_at"]
    right = right.sort_values(order, kind="stable")
    right = right.drop_duplicates("available_at", keep="last")
    if len(right) and len(days) and "date" not in right.columns:
        # one binary search: the last row available at or before each decision (merge_asof's
        # backward match), missing rows filled as a merge fills them
        known = right["available_at"].to_numpy(dtype="datetime64[ns]")
        pos = np.searchsorted(known, dec.to_numpy(dtype="datetime64[ns]"), side="right") - 1
        picked = right.reset_index(drop=True).reindex(pos)
        picked.index = pd.DatetimeIndex(days, name="date", freq=None)
        return picked.sort_index()
    out = pd.merge_asof(
        left.sort_values("decision_at"),
        right,
        left_on="decision_at",
        right_on="available_at",
        direction="backward",
    )
    return out.drop(columns="decision_at").set_index("date").sort_index()
