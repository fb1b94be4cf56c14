"""Freshness: how far each held series lags the newest observation its schedule says is due.

Conventions: dates are naive calendar dates; the reference day ``today`` is a UTC calendar
day. Each series follows the :class:`~flowscope.schemas.PublicationSchedule` declared on its
dataset (``DatasetSpec.publication``):

* ``xnys`` — NYSE sessions (exchange-calendars ``XNYS``, so Good Friday and Thanksgiving are
  not sessions). Figures of session ``S`` appear that evening US time, so on day ``D`` the
  newest expected observation is the last session *before* ``D``.
* ``utc_daily`` — every UTC day; on ``D`` the newest expected is ``D - 1``.
* ``us_business`` — weekdays less US federal holidays (pandas ``USFederalHolidayCalendar``);
  on ``D`` the newest expected is the last business day before ``D``.
* ``weekly`` / ``monthly`` — on the grid of the newest observation (every 7 days / same day
  of each month); a period is expected once it has ended (a monthly observation dated
  2026-10-01 covers October and is expected from 2026-11-01).
* ``fomc_meeting`` — the statement of every scheduled meeting held before ``D``.
* ``fomc_minutes`` — the minutes of every scheduled meeting whose ``minutes_release`` is
  before ``D`` (meeting date + 21 days when the calendar has no release date).

``periods_behind`` counts the due observations newer than the newest held; a series is
``stale`` when ``periods_behind > grace_periods`` (grace declared per schedule). Series not
subject to staleness (calendars, snapshots, press conferences) and series with no figure
get ``stale`` = NA.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from flowscope._typing import DateLike
from flowscope.calendars import sessions_in_range, us_business_days
from flowscope.errors import ValidationError
from flowscope.schemas import DATASETS, DatasetSpec

__all__ = ["MINUTES_LAG_DAYS", "dataset_freshness", "series_freshness"]

#: Minutes follow the meeting by three weeks when the calendar has no release date.
MINUTES_LAG_DAYS = 21

_OUT = [
    "expected_latest_date",
    "age_days",
    "periods_behind",
    "grace_periods",
    "stale",
]


def _day(value: DateLike) -> pd.Timestamp:
    day = pd.Timestamp(value)
    if day.tz is not None:
        day = day.tz_convert("UTC").tz_localize(None)
    return day.normalize()


def _dates(values: pd.Series) -> pd.Series:
    out = pd.to_datetime(values)
    if isinstance(out.dtype, pd.DatetimeTZDtype):
        out = out.dt.tz_convert("UTC").dt.tz_localize(None)
    return out.dt.normalize().astype("datetime64[ns]")


def _on_grid(
    newest: pd.Series, due: pd.DatetimeIndex
) -> tuple[pd.Series, np.ndarray[tuple[int], np.dtype[np.int64]]]:
    """Expected (last due date) and the count of due dates after ``newest``."""
    due = due.sort_values()
    if len(due) == 0:
        return pd.Series(pd.NaT, index=newest.index, dtype="datetime64[ns]"), np.zeros(
            len(newest), dtype=np.int64
        )
    after = len(due) - np.searchsorted(due.to_numpy(), newest.to_numpy(), side="right")
    expected = pd.Series(due[-1], index=newest.index, dtype="datetime64[ns]")
    return expected, after.astype(np.int64)


def _expected(
    kind: str, newest: pd.Series, today: pd.Timestamp, meetings: pd.DataFrame | None
) -> tuple[pd.Series, pd.Series]:
    """(expected_latest, periods_behind) for the series of one schedule kind."""
    idx = newest.index
    start = min(newest.min(), today) if newest.notna().any() else today
    start = start - pd.Timedelta(days=7)
    yesterday = today - pd.Timedelta(days=1)
    if kind == "xnys":
        exp, behind = _on_grid(newest, sessions_in_range(start, yesterday))
    elif kind == "utc_daily":
        exp = pd.Series(yesterday, index=idx, dtype="datetime64[ns]")
        behind = ((exp - newest).dt.days.clip(lower=0)).to_numpy()
    elif kind == "us_business":
        exp, behind = _on_grid(newest, us_business_days(start, yesterday))
    elif kind == "weekly":
        k = ((today - newest).dt.days // 7 - 1).clip(lower=0)
        exp = newest + pd.to_timedelta(7 * k, unit="D")
        behind = k.to_numpy()
    elif kind == "monthly":
        t_month = today.year * 12 + today.month - 1
        n_month = newest.dt.year * 12 + newest.dt.month - 1
        k = (t_month - 1 - n_month).clip(lower=0)
        first = (newest.dt.to_period("M") + k.fillna(0).astype("int64")).dt.to_timestamp()
        exp = (first + pd.to_timedelta(newest.dt.day - 1, unit="D")).where(newest.notna())
        behind = k.to_numpy()
    elif kind in ("fomc_meeting", "fomc_minutes"):
        if meetings is None or meetings.empty:
            nat = pd.Series(pd.NaT, index=idx, dtype="datetime64[ns]")
            return nat, pd.Series(pd.NA, index=idx, dtype="Int64")
        cal = meetings[meetings["kind"] == "scheduled"]
        mdate = _dates(cal["meeting_date"])
        if kind == "fomc_meeting":
            due = mdate[mdate < today]
        else:
            rel = _dates(cal["minutes_release"]).fillna(mdate + pd.Timedelta(days=MINUTES_LAG_DAYS))
            due = mdate[rel < today]
        exp, behind = _on_grid(newest, pd.DatetimeIndex(due))
    else:
        msg = f"unknown schedule kind {kind!r}"
        raise ValidationError(msg, param_name="kind", received=kind)
    out = pd.Series(np.asarray(behind, dtype="float64"), index=idx).astype("Int64")
    return exp.astype("datetime64[ns]"), out.where(newest.notna(), pd.NA)


def _judge(
    coverage: pd.DataFrame,
    today: pd.Timestamp,
    meetings: pd.DataFrame | None,
    specs: Mapping[str, DatasetSpec],
) -> pd.DataFrame:
    cov = coverage.copy()
    if "group" not in cov.columns:
        cov["group"] = None
    cov["group"] = cov["group"].astype(object).where(cov["group"].notna(), None)
    cov["newest_date"] = _dates(cov["end"])
    if "source" not in cov.columns:
        cov["source"] = None
    cov = cov.sort_values(["dataset", "newest_date"], ascending=[True, False], kind="stable")
    keys = ["dataset", "group"]
    g = cov.groupby(keys, dropna=False, sort=True)
    out = g.agg(newest_date=("newest_date", "max")).reset_index()
    out["newest_source"] = g["source"].first().to_numpy()
    out["sources"] = g["source"].agg(lambda s: ", ".join(sorted(s.dropna().unique()))).to_numpy()
    if "rows" in cov.columns:
        out["rows"] = g["rows"].sum().to_numpy().astype("int64")
    if "start" in cov.columns:
        out["oldest_date"] = g["start"].min().to_numpy()
    if "last_ingested" in cov.columns:
        out["last_ingested"] = g["last_ingested"].max().to_numpy()
    unknown = sorted(set(out["dataset"]) - set(specs))
    if unknown:
        msg = f"coverage names unknown dataset(s) {unknown}"
        raise ValidationError(msg, param_name="coverage", received=unknown)
    scheds = [
        specs[d].publication.for_group(grp if isinstance(grp, str) else None)  # NaN: no group
        for d, grp in zip(out["dataset"], out["group"], strict=True)
    ]
    out["schedule"] = [s.kind if s is not None else "none" for s in scheds]
    out["grace_periods"] = pd.array([s.grace_periods if s else pd.NA for s in scheds], "Int64")
    out["judge_series"] = [specs[d].publication.judge_series for d in out["dataset"]]
    out["expected_latest_date"] = pd.Series(pd.NaT, index=out.index, dtype="datetime64[ns]")
    out["periods_behind"] = pd.array([pd.NA] * len(out), dtype="Int64")
    for kind, part in out[out["schedule"] != "none"].groupby("schedule"):
        exp, behind = _expected(str(kind), part["newest_date"], today, meetings)
        out.loc[part.index, "expected_latest_date"] = exp
        out.loc[part.index, "periods_behind"] = behind
    age = (today - out["newest_date"]).dt.days.astype("Int64")
    out["age_days"] = age.where(age >= 0, pd.NA)  # calendars reach into the future
    out["stale"] = (out["periods_behind"] > out["grace_periods"]).astype("boolean")
    return out


def _columns(out: pd.DataFrame, first: list[str]) -> pd.DataFrame:
    lead = [c for c in first if c in out.columns]
    return out[[*lead, "schedule", *_OUT]].reset_index(drop=True)


def series_freshness(
    coverage: pd.DataFrame,
    *,
    today: DateLike,
    meetings: pd.DataFrame | None = None,
    datasets: Mapping[str, DatasetSpec] | None = None,
) -> pd.DataFrame:
    """Freshness of every series (dataset and group), the newest source winning.

    Parameters
    ----------
    coverage
        Rows with ``dataset``, ``group`` (fund, symbol, series …; may be absent or null),
        ``source`` and ``end`` (newest date held, naive); optional ``rows``, ``start`` and
        ``last_ingested`` are carried over (summed, min, max). Several sources of one series
        are merged: the newest ``end`` counts.
    today
        Reference day (UTC calendar date).
    meetings
        FOMC calendar (``meeting_date``, ``kind``, ``minutes_release``), needed by the
        ``fomc_meeting`` / ``fomc_minutes`` schedules; without it their expected date is NA.
    datasets
        Dataset registry (default: :data:`flowscope.schemas.DATASETS`).

    Returns
    -------
    DataFrame
        One row per (``dataset``, ``group``): ``sources``, ``newest_source``, ``rows``,
        ``oldest_date``, ``newest_date``, ``last_ingested`` (when given), ``schedule``,
        ``expected_latest_date``, ``age_days`` (days from ``newest_date`` to ``today``),
        ``periods_behind``, ``grace_periods`` and ``stale`` (nullable boolean: NA when the
        series is not subject to staleness, holds no figure, or only its dataset as a whole
        is judged, as for futures contracts that expire).

    Examples
    --------
    >>> cov = pd.DataFrame({"dataset": ["etf_flows"], "group": ["Total"],
    ...                     "source": ["farside"], "end": [pd.Timestamp("2026-04-10")]})
    >>> r = series_freshness(cov, today="2026-04-15").iloc[0]
    >>> f"{r.expected_latest_date:%Y-%m-%d}", int(r.periods_behind), bool(r.stale)
    ('2026-04-14', 2, True)
    """
    day = _day(today)
    out = _judge(coverage, day, meetings, datasets if datasets is not None else DATASETS)
    out["stale"] = out["stale"].where(out["judge_series"], pd.NA)
    return _columns(
        out,
        [
            "dataset",
            "group",
            "sources",
            "newest_source",
            "rows",
            "oldest_date",
            "newest_date",
            "last_ingested",
        ],
    )


def dataset_freshness(
    coverage: pd.DataFrame,
    *,
    today: DateLike,
    meetings: pd.DataFrame | None = None,
    datasets: Mapping[str, DatasetSpec] | None = None,
) -> pd.DataFrame:
    """Freshness of every dataset, judged on its freshest series subject to a schedule.

    Takes the same ``coverage`` as :func:`series_freshness` (split by group, so that each
    series is judged on its own schedule: BTC by UTC days, equities by NYSE sessions).

    Returns
    -------
    DataFrame
        One row per ``dataset``: ``sources``, ``rows``, ``oldest_date``, ``newest_date``,
        ``newest_series`` (the group that holds it), ``last_ingested`` (when given),
        ``schedule``, ``expected_latest_date``, ``age_days``, ``periods_behind``,
        ``grace_periods``, ``stale`` and ``stale_series`` (how many of its series are stale;
        NA when series are not judged one by one).
    """
    day = _day(today)
    per = _judge(coverage, day, meetings, datasets if datasets is not None else DATASETS)
    per["_subject"] = per["schedule"] != "none"
    per["_stale"] = per["stale"].fillna(False).astype(bool)
    g = per.groupby("dataset", sort=True)
    counts = g["_stale"].sum().astype("Int64")
    judged = g["judge_series"].all()
    rows = g["rows"].sum() if "rows" in per.columns else None
    oldest = g["oldest_date"].min() if "oldest_date" in per.columns else None
    ingested = g["last_ingested"].max() if "last_ingested" in per.columns else None
    sources = g["sources"].agg(
        lambda s: ", ".join(sorted({x for v in s for x in v.split(", ") if x}))
    )
    best = (
        per.sort_values(
            ["dataset", "_subject", "newest_date"],
            ascending=[True, False, False],
            na_position="last",
            kind="stable",
        )
        .groupby("dataset", sort=True)
        .head(1)
        .set_index("dataset")
    )
    best = best.rename(columns={"group": "newest_series"})
    best["sources"] = sources
    best["stale_series"] = counts.where(judged, pd.NA)
    if rows is not None:
        best["rows"] = rows.astype("int64")
    if oldest is not None:
        best["oldest_date"] = oldest
    if ingested is not None:
        best["last_ingested"] = ingested
    best = best.reset_index()
    out = _columns(
        best,
        [
            "dataset",
            "sources",
            "rows",
            "oldest_date",
            "newest_date",
            "newest_series",
            "last_ingested",
        ],
    )
    out["stale_series"] = pd.array(best["stale_series"].to_numpy(), dtype="Int64")
    return out
