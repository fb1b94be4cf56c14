"""FedWatch: target-range probabilities implied by 30-day fed funds futures (CME method).

A ZQ contract for month *k* settles at 100 minus the calendar-day average of the daily
effective fed funds rate (EFFR) over the month, so ``100 - price`` is the market's expected
average EFFR for that month (percent per year). CME's FedWatch method turns those monthly
averages into a start and an end rate for every month that holds an FOMC meeting, reads
the implied move in 25 bp steps as a two-outcome bet, and chains the meetings into a
probability tree over target ranges.

Conventions (all documented in ``docs/rates.md``)
-------------------------------------------------
* Rates are in percent per year; moves in basis points (bp); one step is 25 bp.
* A month without a meeting is an *anchor*: its start and end rate equal its average.
* In a run of consecutive meeting months between two anchors, the first month's start
  rate is the left anchor's average; every end rate is the next month's start rate,
  worked backwards from the right anchor, and each start rate follows from the month's
  average: ``start = (N*avg - (N-M)*end) / M`` with ``N`` days in the month and ``M``
  days before the meeting (meeting day ``d``, ``M = d - 1``). This is what CME's
  calculator and pyfedwatch do.
* **Fallback when the right anchor's contract is missing** (the end of the listed curve,
  or CME's own worked example which gives only two contracts): the run is chained
  forwards from the left anchor, ``end = (N*avg - M*start) / (N-M)``. Such meetings are
  marked ``end_from = "own_month"`` in :func:`meeting_rates`.
* A meeting held on the watch date is already decided (ZQ settles after the 2 p.m. ET
  statement) and is not upcoming.
* Unscheduled meetings were not known in advance: pass them as ``unscheduled``; they only
  count for watch dates on or after them (they mark their month as not an anchor).
* The effective rate cannot go below zero: with ``floor_at_zero=True`` (default, as in
  CME's description) probability mass below the 0-0.25 % range is folded into it.
* Prices are taken as known on the watch date: the last settlement on or before it; for a
  contract month that has already ended, the last settlement on or before its last day.
* The starting target range of a watch date (:func:`target_range_asof`) is the newer of
  FRED's DFEDTARL/DFEDTARU row in force the day after the watch date and the last FOMC
  decision whose statement came before the watch date's ZQ settlement (2 p.m. Chicago); a
  decision takes effect the day after its meeting, as FRED dates it.

Everything here is pure: frames and arrays in, frames out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, TypeAlias

import numpy as np
import pandas as pd

from flowscope._typing import DateLike
from flowscope.errors import InsufficientDataError, ValidationError

__all__ = [
    "MAX_STEPS",
    "STEP_PCT",
    "NewRateFrom",
    "RangeSource",
    "event_moves",
    "fedwatch_panel",
    "implied_probabilities",
    "meeting_rates",
    "meeting_summary",
    "target_range_asof",
]

#: When a decided move shows in the daily EFFR: the day after the meeting (the Fed's
#: practice, and CME FedWatch today) or on the meeting day itself (CME's 2015 worked
#: example and pyfedwatch).
NewRateFrom: TypeAlias = Literal["day_after", "meeting_day"]

#: Where a watch date's starting target range came from.
RangeSource: TypeAlias = Literal["fred", "fomc_calendar"]

#: ZQ daily settlement: 2 p.m. Chicago time (CBOT interest-rate futures).
ZQ_SETTLEMENT = (pd.Timedelta(hours=14), "America/Chicago")
#: FOMC statement time used when the calendar holds no ``statement_release``: 2 p.m. ET.
STATEMENT_TIME = (pd.Timedelta(hours=14), "America/New_York")

#: One FedWatch step: 25 bp, in percent.
STEP_PCT = 0.25
#: Implied moves larger than this many steps (10 percentage points) at one meeting are taken
#: as bad or stale prices: that meeting and the later ones are left unpriced.
MAX_STEPS = 40

_PANEL_COLUMNS = [
    "watch_date",
    "meeting_date",
    "change_bp",
    "target_lower",
    "target_upper",
    "probability",
]


@dataclass
class _Group:
    """Watch dates that share the same upcoming meetings (and so the same month layout)."""

    rows: np.ndarray  # indices into the watch-date array
    meetings: list[pd.Timestamp]  # upcoming meetings, in order (at most max_meetings)
    months: np.ndarray  # month ordinals (year*12 + month-1), first = month before meeting 1
    meeting_day: np.ndarray  # day of the upcoming meeting in each month, 0 if none
    blocked: np.ndarray  # month holds a (past) meeting: not an anchor, no own meeting


# -- input normalisation -------------------------------------------------------------------


def _month_ordinal(ts: pd.Series | pd.DatetimeIndex | np.ndarray) -> np.ndarray:
    m = np.asarray(ts, dtype="datetime64[ns]").astype("datetime64[M]").astype(np.int64)
    return m + 1970 * 12


def _month64(ordinal: np.ndarray) -> np.ndarray:
    out: np.ndarray = (np.asarray(ordinal, dtype=np.int64) - 1970 * 12).astype("datetime64[M]")
    return out


def _days_in_month(ordinal: np.ndarray) -> np.ndarray:
    m = _month64(ordinal)
    days: np.ndarray = ((m + 1).astype("datetime64[D]") - m.astype("datetime64[D]")).astype(
        np.float64
    )
    return days


def _month_end(ordinal: np.ndarray) -> np.ndarray:
    m = _month64(ordinal)
    return ((m + 1).astype("datetime64[D]") - np.timedelta64(1, "D")).astype("datetime64[ns]")


def _to_dates(values: Sequence[DateLike] | pd.Series | pd.DatetimeIndex, name: str) -> np.ndarray:
    try:
        if isinstance(values, pd.Series | pd.DatetimeIndex | np.ndarray):
            idx = pd.DatetimeIndex(pd.to_datetime(values))
        else:
            idx = pd.DatetimeIndex(pd.to_datetime(pd.Series(list(values), dtype=object)))
    except (ValueError, TypeError) as exc:
        msg = f"`{name}` must hold dates (YYYY-MM-DD): {exc}"
        raise ValidationError(msg, param_name=name) from exc
    if idx.tz is not None:
        idx = idx.tz_convert("UTC").tz_localize(None)
    if idx.hasnans:
        msg = f"`{name}` holds a missing date"
        raise ValidationError(msg, param_name=name)
    return np.unique(idx.normalize().to_numpy().astype("datetime64[ns]"))


def _futures_frame(futures: pd.DataFrame) -> pd.DataFrame:
    missing = [c for c in ("contract_month", "settle") if c not in futures.columns]
    if missing:
        msg = (
            f"futures frame lacks column(s) {missing}; expected the fed_futures dataset "
            "(date, contract_month, settle)"
        )
        raise ValidationError(msg, param_name="futures", received=list(futures.columns))
    df = futures[[c for c in ("date", "contract_month", "settle") if c in futures.columns]]
    df = df.dropna(subset=["settle"]).copy()
    df["contract_month"] = pd.to_datetime(df["contract_month"]).dt.to_period("M").dt.start_time
    if "date" in df.columns:
        d = pd.to_datetime(df["date"])
        if isinstance(d.dtype, pd.DatetimeTZDtype):
            d = d.dt.tz_convert("UTC").dt.tz_localize(None)
        df["date"] = d.dt.normalize()
    return df


# -- the engine ----------------------------------------------------------------------------


@dataclass
class _Prices:
    """Settlements as a (trade date x contract month) matrix, forward filled along dates."""

    dates: np.ndarray
    filled: np.ndarray
    pos: dict[int, int]

    @classmethod
    def from_frame(cls, fut: pd.DataFrame) -> _Prices:
        pivot = fut.pivot_table(
            index="date", columns="contract_month", values="settle", aggfunc="last"
        ).sort_index()
        col_ord = _month_ordinal(pivot.columns)
        return cls(
            pivot.index.to_numpy().astype("datetime64[ns]"),
            pivot.ffill().to_numpy(dtype=np.float64),
            {int(o): i for i, o in enumerate(col_ord)},
        )


def _price_matrix(
    prices: _Prices, watch: np.ndarray, months: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Settlements known on each watch date, per contract month ordinal.

    Returns ``(current, final)``: ``current[r, j]`` = last settle on or before watch date r;
    ``final[j]`` = last settle on or before the last day of month j.
    """
    pos, filled, dates = prices.pos, prices.filled, prices.dates
    take = np.array([pos.get(int(m), -1) for m in months], dtype=np.int64)
    have = take >= 0
    row_w = np.searchsorted(dates, watch, side="right") - 1
    current = np.full((len(watch), len(months)), np.nan)
    ok_rows = row_w >= 0
    if have.any() and ok_rows.any():
        sub = filled[np.ix_(row_w[ok_rows], take[have])]
        current[np.ix_(np.flatnonzero(ok_rows), np.flatnonzero(have))] = sub
    final = np.full(len(months), np.nan)
    if have.any():
        ends = _month_end(months[have])
        row_e = np.searchsorted(dates, ends, side="right") - 1
        vals = np.full(len(row_e), np.nan)
        okm = row_e >= 0
        vals[okm] = filled[row_e[okm], take[have][okm]]
        final[have] = vals
    return current, final


def _groups(
    watch: np.ndarray,
    scheduled: np.ndarray,
    unscheduled: np.ndarray,
    max_meetings: int,
) -> list[_Group]:
    all_meetings = np.union1d(scheduled, unscheduled)
    is_unsched = np.isin(all_meetings, unscheduled) & ~np.isin(all_meetings, scheduled)
    key = np.searchsorted(all_meetings, watch, side="right")
    out = []
    for k in np.unique(key):
        rows = np.flatnonzero(key == k)
        # meetings known on these watch dates: scheduled ones, and unscheduled ones in the past
        known = np.concatenate([all_meetings[:k], all_meetings[k:][~is_unsched[k:]]])
        upcoming = all_meetings[k:][~is_unsched[k:]]
        # one meeting per contract month can be priced: a second one in a month is dropped
        up_ord = _month_ordinal(upcoming)
        first = np.concatenate([[True], up_ord[1:] != up_ord[:-1]]) if len(up_ord) else up_ord
        upcoming = upcoming[first.astype(bool)]
        if len(upcoming) == 0:
            continue
        up_ord = _month_ordinal(upcoming)
        # window: month before the first meeting .. first meeting-free month after the last
        # requested one; meetings in between are chained too (they share the anchor)
        known_ord = set(_month_ordinal(known).tolist())
        last = int(up_ord[min(max_meetings, len(up_ord)) - 1]) + 1
        while last in known_ord:
            last += 1
        upcoming = upcoming[up_ord < last]
        up_ord = up_ord[up_ord < last]
        months = np.arange(int(up_ord[0]) - 1, last + 1, dtype=np.int64)
        meeting_day = np.zeros(len(months), dtype=np.int64)
        days = pd.DatetimeIndex(upcoming).day.to_numpy()
        meeting_day[up_ord - months[0]] = days
        blocked = np.array([int(m) in known_ord for m in months]) & (meeting_day == 0)
        out.append(
            _Group(
                rows,
                [pd.Timestamp(u) for u in upcoming],
                months,
                meeting_day,
                blocked,
            )
        )
    return out


def _start_end(
    avg: np.ndarray,
    months: np.ndarray,
    meeting_day: np.ndarray,
    blocked: np.ndarray,
    pre_offset: float,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Start and end rate (%) of every month, per row; plus 'forward' flags per month.

    ``avg`` is (rows, months) of implied average rates (%), NaN where no price is known.
    """
    n_rows, n_months = avg.shape
    n_days = _days_in_month(months)
    is_meet = meeting_day > 0
    anchor = ~is_meet & ~blocked
    start = np.full_like(avg, np.nan)
    end = np.full_like(avg, np.nan)
    start[:, anchor] = avg[:, anchor]
    end[:, anchor] = avg[:, anchor]
    forward = np.zeros((n_rows, n_months), dtype=bool)
    j = 0
    while j < n_months:
        if not is_meet[j]:
            j += 1
            continue
        a = j  # first meeting month of the run
        b = j
        while b < n_months and is_meet[b]:
            b += 1
        # run is months a..b-1; left anchor a-1 (if an anchor), right anchor b (if inside)
        left = start[:, a].copy()
        if a - 1 >= 0 and anchor[a - 1]:
            left = avg[:, a - 1].copy()
        right = avg[:, b] if b < n_months and anchor[b] else np.full(n_rows, np.nan)
        has_right = np.isfinite(right)
        # backward chain from the right anchor
        bs = np.full((n_rows, b - a), np.nan)
        be = np.full((n_rows, b - a), np.nan)
        nxt = right
        for i in range(b - 1, a - 1, -1):
            k = i - a
            be[:, k] = nxt
            m_pre = meeting_day[i] - pre_offset
            with np.errstate(divide="ignore", invalid="ignore"):
                s = (n_days[i] * avg[:, i] - (n_days[i] - m_pre) * nxt) / m_pre
            if m_pre == 0:
                s = np.full(n_rows, np.nan)
            if i == a:
                s = np.where(np.isfinite(left), left, s)
            bs[:, k] = s
            nxt = s
        # forward chain from the left anchor (used only where the right anchor is missing)
        fs = np.full((n_rows, b - a), np.nan)
        fe = np.full((n_rows, b - a), np.nan)
        prev = left
        for i in range(a, b):
            k = i - a
            fs[:, k] = prev
            m_pre = meeting_day[i] - pre_offset
            if n_days[i] == m_pre:
                e = np.full(n_rows, np.nan)
            else:
                e = (n_days[i] * avg[:, i] - m_pre * prev) / (n_days[i] - m_pre)
            fe[:, k] = e
            prev = e
        use_fwd = ~has_right[:, None]
        start[:, a:b] = np.where(use_fwd, fs, bs)
        end[:, a:b] = np.where(use_fwd, fe, be)
        forward[:, a:b] = use_fwd
        j = b
    return start, end, forward


def _tree(steps: np.ndarray) -> tuple[np.ndarray, int]:
    """Cumulative step distributions after each meeting.

    ``steps`` is (rows, meetings) of implied moves in 25 bp steps (finite). Returns an
    array (rows, meetings, width) of probabilities over offsets ``-centre .. +centre``.
    """
    n_rows, n_meet = steps.shape
    low = np.trunc(steps).astype(np.int64)
    sign = np.sign(steps).astype(np.int64)
    frac = np.abs(steps) - np.abs(low)
    reach = int(np.abs(low).max(initial=0)) + 1
    centre = reach * n_meet
    width = 2 * centre + 1
    dist = np.zeros((n_rows, width))
    dist[:, centre] = 1.0
    out = np.empty((n_rows, n_meet, width))
    cols = np.arange(width)[None, :]
    for j in range(n_meet):
        src0 = cols - low[:, j : j + 1]
        src1 = src0 - sign[:, j : j + 1]
        ok0 = (src0 >= 0) & (src0 < width)
        ok1 = (src1 >= 0) & (src1 < width)
        g0 = np.take_along_axis(dist, np.clip(src0, 0, width - 1), axis=1) * ok0
        g1 = np.take_along_axis(dist, np.clip(src1, 0, width - 1), axis=1) * ok1
        f = frac[:, j : j + 1]
        dist = g0 * (1.0 - f) + g1 * f
        out[:, j, :] = dist
    return out, centre


def _target_on(
    target_range: pd.DataFrame | tuple[float, float] | None, watch: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    n = len(watch)
    if target_range is None:
        return np.full(n, np.nan), np.full(n, np.nan)
    if isinstance(target_range, tuple):
        lower, upper = (float(v) for v in target_range)
        if lower > upper:
            msg = f"target_range lower {lower} is above upper {upper}"
            raise ValidationError(msg, param_name="target_range", received=target_range)
        return np.full(n, lower), np.full(n, upper)
    cols = set(target_range.columns)
    if not {"lower", "upper"}.issubset(cols) or not cols & {"date", "watch_date"}:
        msg = (
            "target_range frame needs columns lower, upper (percent) and date (FRED dating) "
            "or watch_date (one range per watch date, see target_range_asof)"
        )
        raise ValidationError(msg, param_name="target_range", received=list(target_range.columns))
    if "watch_date" in cols:
        per_date = (
            target_range.assign(
                watch_date=pd.to_datetime(target_range["watch_date"]).dt.normalize()
            )
            .drop_duplicates("watch_date", keep="last")
            .set_index("watch_date")
            .reindex(pd.DatetimeIndex(watch))
        )
        return per_date["lower"].to_numpy(float), per_date["upper"].to_numpy(float)
    tr = target_range.dropna(subset=["lower", "upper"]).sort_values("date")
    d = pd.to_datetime(tr["date"]).to_numpy().astype("datetime64[ns]")
    # the range in force the next day: a decision announced on the watch date (2 p.m. ET,
    # before ZQ settles) takes effect the day after and is already in the prices
    pos = np.searchsorted(d, watch + np.timedelta64(1, "D"), side="right") - 1
    lo = np.where(pos >= 0, tr["lower"].to_numpy(float)[np.maximum(pos, 0)], np.nan)
    hi = np.where(pos >= 0, tr["upper"].to_numpy(float)[np.maximum(pos, 0)], np.nan)
    return lo, hi


def _naive_days(values: pd.Series) -> pd.Series:
    d = pd.to_datetime(values)
    if isinstance(d.dtype, pd.DatetimeTZDtype):
        d = d.dt.tz_convert("UTC").dt.tz_localize(None)
    return d.dt.normalize().astype("datetime64[ns]")


def _at_local_time(days: pd.Series, when: tuple[pd.Timedelta, str]) -> pd.Series:
    offset, tz = when
    return (days + offset).dt.tz_localize(tz).dt.tz_convert("UTC").astype("datetime64[ns, UTC]")


def target_range_asof(
    watch_dates: Sequence[DateLike] | pd.Series | pd.DatetimeIndex,
    *,
    fred: pd.DataFrame | None = None,
    calendar: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Starting target range of each watch date, from the newest of FRED and the FOMC calendar.

    FRED's DFEDTARL/DFEDTARU rows are dated on the day a range takes effect, the day after
    the FOMC statement; a pull can trail the last decision by weeks. The calendar records
    each decision as soon as it is announced. For every watch date this takes:

    * **fred**: the last FRED row dated on or before the watch date;
    * **fomc_calendar**: the last recorded decision (a range, ``target_lower <
      target_upper``) whose statement was released before the watch date's ZQ settlement
      (2 p.m. Chicago time); its range takes effect the day after the meeting. Without a
      ``statement_release`` time, 2 p.m. US/Eastern on the meeting day is assumed.

    and uses the one that took effect later (FRED when both took effect the same day). So a
    decision announced on the watch date is the reference (it is in that day's settlement)
    even though FRED can show it only from the next day.

    Parameters
    ----------
    watch_dates
        Settlement dates (US trading days).
    fred
        Columns ``date`` (observation date), ``lower``, ``upper`` (percent): DFEDTARL and
        DFEDTARU. ``None`` or empty: calendar only.
    calendar
        The ``fomc_meetings`` dataset: ``meeting_date`` (US/Eastern date), ``target_lower``,
        ``target_upper`` (percent, empty when not known) and, if held, ``kind`` and
        ``statement_release`` (UTC). Meetings of kind ``scheduled`` or ``unscheduled`` count
        for ``last_meeting``. ``None`` or empty: FRED only.

    Returns
    -------
    DataFrame
        One row per watch date (sorted, unique): ``watch_date``; ``lower``, ``upper`` (%)
        the range used (empty when neither input has one); ``source`` (``"fred"``,
        ``"fomc_calendar"`` or empty); ``range_date`` (FRED observation date, or the meeting
        date of the calendar decision); ``fred_lower``, ``fred_upper``, ``fred_date`` and
        ``calendar_lower``, ``calendar_upper``, ``calendar_date`` (each input's newest value);
        ``last_meeting`` (last meeting decided by the watch date's settlement);
        ``ranges_disagree`` (the inputs' newest ranges differ, not counting a decision
        announced on the watch date itself, which FRED cannot show yet) and
        ``older_than_last_meeting`` (the range used dates from before ``last_meeting``:
        neither input records that meeting's decision).

    Examples
    --------
    FRED pulled on 2022-05-18 and the 75 bp hike of 2022-06-15 in the calendar:

    >>> fred = pd.DataFrame({"date": ["2022-05-18"], "lower": [0.75], "upper": [1.0]})
    >>> cal = pd.DataFrame({"meeting_date": ["2022-05-04", "2022-06-15"],
    ...                     "target_lower": [0.75, 1.5], "target_upper": [1.0, 1.75]})
    >>> days = ["2022-06-14", "2022-06-15", "2022-06-28"]
    >>> r = target_range_asof(days, fred=fred, calendar=cal)
    >>> r[["watch_date", "lower", "upper", "source", "ranges_disagree"]]
      watch_date  lower  upper         source  ranges_disagree
    0 2022-06-14   0.75   1.00           fred            False
    1 2022-06-15   1.50   1.75  fomc_calendar            False
    2 2022-06-28   1.50   1.75  fomc_calendar             True
    """
    watch = pd.Series(_to_dates(watch_dates, "watch_dates"), name="watch_date")
    out = pd.DataFrame({"watch_date": watch})
    out["_settle"] = _at_local_time(watch, ZQ_SETTLEMENT)
    nat = pd.Series(pd.NaT, index=out.index, dtype="datetime64[ns]")

    fr = pd.DataFrame(columns=["fred_date", "fred_lower", "fred_upper"])
    if fred is not None and not fred.empty:
        need = {"date", "lower", "upper"}
        if not need.issubset(fred.columns):
            msg = "fred frame needs columns date, lower, upper (percent, DFEDTARL/DFEDTARU)"
            raise ValidationError(msg, param_name="fred", received=list(fred.columns))
        fr = pd.DataFrame(
            {
                "fred_date": _naive_days(fred["date"]),
                "fred_lower": pd.to_numeric(fred["lower"]),
                "fred_upper": pd.to_numeric(fred["upper"]),
            }
        ).dropna()
        fr = fr.sort_values("fred_date").drop_duplicates("fred_date", keep="last")
    if fr.empty:
        out = out.assign(fred_date=nat, fred_lower=np.nan, fred_upper=np.nan)
    else:
        out = pd.merge_asof(
            out, fr, left_on="watch_date", right_on="fred_date", direction="backward"
        )

    decisions = pd.DataFrame(
        columns=["_known", "calendar_date", "calendar_lower", "calendar_upper"]
    )
    meetings = pd.DataFrame(columns=["_known", "last_meeting"])
    if calendar is not None and not calendar.empty:
        need = {"meeting_date", "target_lower", "target_upper"}
        if not need.issubset(calendar.columns):
            msg = "calendar needs columns meeting_date, target_lower, target_upper (fomc_meetings)"
            raise ValidationError(msg, param_name="calendar", received=list(calendar.columns))
        day = _naive_days(calendar["meeting_date"])
        known = _at_local_time(day, STATEMENT_TIME)
        if "statement_release" in calendar.columns:
            release = pd.to_datetime(calendar["statement_release"], utc=True)
            known = release.where(release.notna(), known)
        cal = pd.DataFrame(
            {
                "_known": known.to_numpy(),
                "calendar_date": day.to_numpy(),
                "calendar_lower": pd.to_numeric(calendar["target_lower"]).to_numpy(),
                "calendar_upper": pd.to_numeric(calendar["target_upper"]).to_numpy(),
            }
        ).dropna(subset=["_known"])
        cal["_known"] = pd.to_datetime(cal["_known"], utc=True).astype("datetime64[ns, UTC]")
        cal = cal.sort_values("_known", kind="stable")
        is_range = cal["calendar_lower"] < cal["calendar_upper"]
        decisions = cal[is_range].drop_duplicates("_known", keep="last")
        is_meeting = (
            calendar["kind"].isin(["scheduled", "unscheduled"]).to_numpy()
            if "kind" in calendar.columns
            else np.ones(len(calendar), dtype=bool)
        )
        meetings = (
            cal.loc[is_meeting[cal.index.to_numpy()], ["_known", "calendar_date"]]
            .rename(columns={"calendar_date": "last_meeting"})
            .drop_duplicates("_known", keep="last")
        )
    if decisions.empty:
        out = out.assign(calendar_date=nat, calendar_lower=np.nan, calendar_upper=np.nan)
    else:
        out = pd.merge_asof(
            out, decisions, left_on="_settle", right_on="_known", direction="backward"
        ).drop(columns="_known")
    if meetings.empty:
        out["last_meeting"] = nat
    else:
        out = pd.merge_asof(
            out, meetings, left_on="_settle", right_on="_known", direction="backward"
        ).drop(columns="_known")

    has_fred = out["fred_lower"].notna()
    has_cal = out["calendar_lower"].notna()
    cal_effective = out["calendar_date"] + pd.Timedelta(days=1)
    use_cal = has_cal & (~has_fred | (cal_effective > out["fred_date"]))
    use_fred = has_fred & ~use_cal
    out["lower"] = out["calendar_lower"].where(use_cal, out["fred_lower"])
    out["upper"] = out["calendar_upper"].where(use_cal, out["fred_upper"])
    source = pd.Series(None, index=out.index, dtype=object)
    source[use_fred] = "fred"
    source[use_cal] = "fomc_calendar"
    out["source"] = source
    out["range_date"] = out["calendar_date"].where(use_cal, out["fred_date"])
    effective = cal_effective.where(use_cal, out["fred_date"])
    out["ranges_disagree"] = (
        has_fred
        & has_cal
        & (out["calendar_date"] < out["watch_date"])
        & (
            ((out["fred_lower"] - out["calendar_lower"]).abs() > 1e-9)
            | ((out["fred_upper"] - out["calendar_upper"]).abs() > 1e-9)
        )
    )
    # on a meeting day FRED cannot show that day's decision yet: only ranges from before the
    # meeting day count as older than it
    out["older_than_last_meeting"] = (use_cal | use_fred) & (effective < out["last_meeting"])
    return out[
        [
            "watch_date",
            "lower",
            "upper",
            "source",
            "range_date",
            "fred_lower",
            "fred_upper",
            "fred_date",
            "calendar_lower",
            "calendar_upper",
            "calendar_date",
            "last_meeting",
            "ranges_disagree",
            "older_than_last_meeting",
        ]
    ]


def _compute(
    futures: pd.DataFrame,
    meetings: Sequence[DateLike] | pd.Series,
    watch_dates: Sequence[DateLike] | pd.Series | None,
    max_meetings: int,
    unscheduled: Sequence[DateLike] | pd.Series,
    new_rate_from: NewRateFrom,
) -> tuple[np.ndarray, list[tuple[_Group, np.ndarray, np.ndarray, np.ndarray, np.ndarray]]]:
    if new_rate_from not in ("day_after", "meeting_day"):
        msg = f"new_rate_from must be 'day_after' or 'meeting_day', got {new_rate_from!r}"
        raise ValidationError(msg, param_name="new_rate_from", received=new_rate_from)
    pre_offset = 0.0 if new_rate_from == "day_after" else 1.0
    if max_meetings < 1:
        msg = f"max_meetings must be at least 1, got {max_meetings}"
        raise ValidationError(msg, param_name="max_meetings", received=max_meetings)
    fut = _futures_frame(futures)
    if "date" not in fut.columns:
        if watch_dates is None:
            msg = "a curve without a `date` column needs explicit watch_dates"
            raise ValidationError(msg, param_name="watch_dates")
        fut = fut.assign(date=pd.Timestamp(_to_dates(watch_dates, "watch_dates")[0]))
    if fut.empty:
        msg = "no fed funds futures settlements given"
        raise InsufficientDataError(msg)
    watch = (
        _to_dates(fut["date"], "futures.date")
        if watch_dates is None
        else _to_dates(watch_dates, "watch_dates")
    )
    scheduled = _to_dates(meetings, "meetings")
    unsched = _to_dates(unscheduled, "unscheduled") if len(unscheduled) else scheduled[:0]
    results = []
    prices = _Prices.from_frame(fut)
    for g in _groups(watch, scheduled, unsched, max_meetings):
        w = watch[g.rows]
        current, final = _price_matrix(prices, w, g.months)
        watch_month = _month_ordinal(w)
        expired = g.months[None, :] < watch_month[:, None]
        price = np.where(expired, final[None, :], current)
        avg = 100.0 - price
        start, end, forward = _start_end(avg, g.months, g.meeting_day, g.blocked, pre_offset)
        cols = np.flatnonzero(g.meeting_day > 0)
        cols = cols[:max_meetings]
        g.meetings = g.meetings[:max_meetings]
        steps = (end[:, cols] - start[:, cols]) / STEP_PCT
        # a move of more than 10 percentage points at one meeting means bad or stale prices
        steps[np.abs(steps) > MAX_STEPS] = np.nan
        results.append((g, steps, start[:, cols], end[:, cols], forward[:, cols]))
    return watch, results


def meeting_rates(
    futures: pd.DataFrame,
    meetings: Sequence[DateLike] | pd.Series,
    *,
    watch_dates: Sequence[DateLike] | pd.Series | None = None,
    max_meetings: int = 8,
    unscheduled: Sequence[DateLike] | pd.Series = (),
    new_rate_from: NewRateFrom = "day_after",
) -> pd.DataFrame:
    """Implied start and end rate, and the implied move, at each upcoming meeting.

    Parameters
    ----------
    futures
        ZQ settlements: the ``fed_futures`` dataset (``date``, ``contract_month``,
        ``settle``), or a one-day curve without ``date`` (then give ``watch_dates``).
    meetings
        Scheduled FOMC meeting (end) dates, past and future.
    watch_dates
        Dates to price (default: every date in ``futures``).
    max_meetings
        Upcoming meetings to price per watch date.
    unscheduled
        Unscheduled meeting dates (count only from their own date on).
    new_rate_from
        ``"day_after"`` (default): the meeting day still carries the old rate, so a month
        with a meeting on day ``d`` has ``M = d`` pre-meeting days (CME FedWatch today).
        ``"meeting_day"``: ``M = d - 1`` (CME's 2015 worked example, pyfedwatch).

    Returns
    -------
    DataFrame
        One row per (watch_date, meeting_date) that could be priced: ``rate_start`` and
        ``rate_end`` (implied EFFR, %), ``move_steps`` (implied move in 25 bp steps),
        ``end_from`` (``"next_month"``: CME's backward chain, or ``"own_month"``: the
        forward fallback used when the next anchor contract is missing).
    """
    watch, results = _compute(
        futures, meetings, watch_dates, max_meetings, unscheduled, new_rate_from
    )
    frames = []
    for g, steps, start, end, fwd in results:
        valid = np.cumprod(np.isfinite(steps), axis=1).astype(bool)
        r, j = np.nonzero(valid)
        frames.append(
            pd.DataFrame(
                {
                    "watch_date": watch[g.rows][r],
                    "meeting_date": np.array(g.meetings, dtype="datetime64[ns]")[j],
                    "rate_start": start[r, j],
                    "rate_end": end[r, j],
                    "move_steps": steps[r, j],
                    "end_from": np.where(fwd[r, j], "own_month", "next_month"),
                }
            )
        )
    if not frames:
        return pd.DataFrame(
            columns=["watch_date", "meeting_date", "rate_start", "rate_end", "move_steps"]
        )
    return pd.concat(frames, ignore_index=True)


def fedwatch_panel(
    futures: pd.DataFrame,
    meetings: Sequence[DateLike] | pd.Series,
    *,
    target_range: pd.DataFrame | tuple[float, float] | None = None,
    watch_dates: Sequence[DateLike] | pd.Series | None = None,
    max_meetings: int = 8,
    unscheduled: Sequence[DateLike] | pd.Series = (),
    floor_at_zero: bool = True,
    min_probability: float = 1e-12,
    new_rate_from: NewRateFrom = "day_after",
) -> pd.DataFrame:
    """Target-range probabilities for every upcoming meeting on every watch date (as of).

    Each watch date only uses settlements dated on or before it and the meetings known
    then, so the panel is free of look-ahead. Watch dates sharing the same upcoming
    meetings are computed together as arrays.

    Parameters
    ----------
    futures
        ZQ settlements: columns ``date`` (trade date), ``contract_month`` (any date in
        the delivery month) and ``settle`` (price, 100 - rate %). Other columns are ignored.
        A one-day curve without ``date`` is accepted with explicit ``watch_dates``.
    meetings
        Scheduled FOMC meeting (end) dates, US/Eastern calendar dates, past and future.
    target_range
        Current target range on each watch date, percent: a tuple ``(lower, upper)`` or a
        frame with columns ``date``, ``lower``, ``upper`` (FRED DFEDTARL/DFEDTARU dating:
        the value in force the day after the watch date is used, so a decision announced
        on the watch date is already the reference).
        ``None`` leaves ``target_lower``/``target_upper`` empty (``change_bp`` still set).
    watch_dates
        Dates to price (default: every trade date in ``futures``).
    max_meetings
        Upcoming meetings per watch date (fewer when the curve ends earlier).
    unscheduled
        Unscheduled meetings; used only for watch dates on or after them.
    floor_at_zero
        Fold probability below a 0 % lower bound into the 0-0.25 % range (CME).
    min_probability
        Rows with a smaller probability are left out.
    new_rate_from
        ``"day_after"`` (default): the meeting day still carries the old rate, so a month
        with a meeting on day ``d`` has ``M = d`` pre-meeting days (CME FedWatch today).
        ``"meeting_day"``: ``M = d - 1`` (CME's 2015 worked example, pyfedwatch).

    Returns
    -------
    DataFrame
        Long frame, one row per (watch_date, meeting_date, range): ``watch_date``,
        ``meeting_date`` (naive dates), ``change_bp`` (cumulative change of the target
        from the watch date's range, bp), ``target_lower``, ``target_upper`` (%),
        ``probability`` (0..1; sums to 1 per watch date and meeting). A meeting is
        present only when it and every earlier upcoming meeting could be priced.

    Examples
    --------
    CME's worked example (meeting of 2015-09-17, FFQ5 99.8675, FFU5 99.805):

    >>> curve = pd.DataFrame({"contract_month": ["2015-08-01", "2015-09-01"],
    ...                       "settle": [99.8675, 99.805]})
    >>> p = fedwatch_panel(curve, ["2015-07-29", "2015-09-17", "2015-10-28"],
    ...                    watch_dates=["2015-08-14"], target_range=(0.0, 0.25),
    ...                    new_rate_from="meeting_day")
    >>> round(float(p.loc[p.change_bp == 25, "probability"].iloc[0]), 3)
    0.536
    """
    watch, results = _compute(
        futures, meetings, watch_dates, max_meetings, unscheduled, new_rate_from
    )
    lo_all, hi_all = _target_on(target_range, watch)
    frames = []
    for g, steps, _start, _end, _fwd in results:
        valid = np.cumprod(np.isfinite(steps), axis=1).astype(bool)
        if not valid.any():
            continue
        dist, centre = _tree(np.where(valid, steps, 0.0))
        dist = dist * valid[:, :, None]
        if floor_at_zero:
            # fold mass below a 0 % lower bound into the lowest range (per watch date)
            lo_g = lo_all[g.rows]
            floor_k = np.where(
                np.isfinite(lo_g),
                centre - np.round(np.nan_to_num(lo_g) / STEP_PCT).astype(np.int64),
                0,
            )
            floor_k = np.clip(floor_k, 0, dist.shape[2] - 1)
            below = np.arange(dist.shape[2])[None, None, :] < floor_k[:, None, None]
            if below.any():
                mass = (dist * below).sum(axis=2)
                dist = np.where(below, 0.0, dist)
                rr = np.arange(len(floor_k))
                dist[rr, :, floor_k] += mass
        r, j, k = np.nonzero(dist > min_probability)
        change = (k - centre) * 25
        lo = lo_all[g.rows][r]
        hi = hi_all[g.rows][r]
        frames.append(
            (
                watch[g.rows][r],
                np.array(g.meetings, dtype="datetime64[ns]")[j],
                change,
                lo + change / 100.0,
                hi + change / 100.0,
                dist[r, j, k],
            )
        )
    if not frames:
        return pd.DataFrame({c: pd.Series(dtype=float) for c in _PANEL_COLUMNS})
    cols = [np.concatenate(parts) for parts in zip(*frames, strict=True)]
    out = pd.DataFrame(dict(zip(_PANEL_COLUMNS, cols, strict=True)))
    out["change_bp"] = out["change_bp"].astype(np.int64)
    return out  # groups are in watch-date order; within a group rows are (date, meeting, range)


def implied_probabilities(
    futures: pd.DataFrame,
    meetings: Sequence[DateLike] | pd.Series,
    *,
    watch_date: DateLike,
    target_range: tuple[float, float] | pd.DataFrame | None = None,
    num_meetings: int | None = None,
    unscheduled: Sequence[DateLike] | pd.Series = (),
    floor_at_zero: bool = True,
    new_rate_from: NewRateFrom = "day_after",
) -> pd.DataFrame:
    """FedWatch probabilities on one watch date (see :func:`fedwatch_panel`).

    Parameters
    ----------
    futures
        ZQ settlements (``fed_futures`` dataset) or a one-day curve (``contract_month``,
        ``settle``) valid on ``watch_date``.
    meetings
        Scheduled FOMC meeting dates.
    watch_date
        The date the prices are known on.
    target_range
        Current target range (lower, upper) in percent, or a frame (see the panel).
    num_meetings
        Meetings that must be priced; ``None`` prices as many as the curve allows (up to 12).
    unscheduled
        Unscheduled meetings (count from their date on).
    floor_at_zero
        Fold probability below 0 % into the lowest range.
    new_rate_from
        ``"day_after"`` (default): the meeting day still carries the old rate, so a month
        with a meeting on day ``d`` has ``M = d`` pre-meeting days (CME FedWatch today).
        ``"meeting_day"``: ``M = d - 1`` (CME's 2015 worked example, pyfedwatch).

    Returns
    -------
    DataFrame
        ``meeting_date``, ``change_bp``, ``target_lower``, ``target_upper`` (%),
        ``probability`` (0..1), one row per meeting and range with positive probability.

    Raises
    ------
    InsufficientDataError
        No meeting can be priced, or fewer than ``num_meetings`` (names the missing data).
    """
    wd = pd.Timestamp(watch_date).normalize()
    panel = fedwatch_panel(
        futures,
        meetings,
        target_range=target_range,
        watch_dates=[wd],
        max_meetings=num_meetings or 12,
        unscheduled=unscheduled,
        floor_at_zero=floor_at_zero,
        new_rate_from=new_rate_from,
    )
    priced = panel["meeting_date"].nunique()
    if priced == 0 or (num_meetings is not None and priced < num_meetings):
        upcoming = sorted(pd.Timestamp(m) for m in _to_dates(meetings, "meetings"))
        upcoming = [m for m in upcoming if m > wd][: num_meetings or 1]
        want = num_meetings or 1
        nxt = upcoming[priced] if priced < len(upcoming) else None
        what = (
            f"the meeting of {nxt:%Y-%m-%d} needs settlements for {nxt:%Y-%m} and the "
            "neighbouring months"
            if nxt is not None
            else "no upcoming meeting is in the calendar given"
        )
        msg = (
            f"FedWatch on {wd:%Y-%m-%d}: only {priced} of {want} meeting(s) can be priced; "
            f"{what} (import ZQ settlements with `flowscope import fed_futures FILE`)"
        )
        raise InsufficientDataError(msg)
    return panel.drop(columns="watch_date")


def meeting_summary(panel: pd.DataFrame) -> pd.DataFrame:
    """Per meeting: P(cut), P(hold), P(hike), expected change and most likely range.

    Parameters
    ----------
    panel
        Output of :func:`fedwatch_panel` or :func:`implied_probabilities`.

    Returns
    -------
    DataFrame
        One row per (``watch_date`` if present, ``meeting_date``): ``p_cut``, ``p_hold``,
        ``p_hike`` (0..1, relative to the watch date's target range),
        ``expected_change_bp`` (bp), ``expected_rate`` (probability-weighted range
        midpoint, %; empty without a target range), ``likely_lower``/``likely_upper`` (%)
        and ``likely_probability`` of the most likely range.
    """
    keys = [c for c in ("watch_date", "meeting_date") if c in panel.columns]
    p = panel["probability"]
    ch = panel["change_bp"]
    work = pd.DataFrame(
        {
            **{k: panel[k] for k in keys},
            "p_cut": p.where(ch < 0, 0.0),
            "p_hold": p.where(ch == 0, 0.0),
            "p_hike": p.where(ch > 0, 0.0),
            "expected_change_bp": p * ch,
            "expected_rate": p * (panel["target_lower"] + panel["target_upper"]) / 2.0,
        }
    )
    agg = work.groupby(keys, sort=True).sum(min_count=1).reset_index()
    idx = panel.groupby(keys, sort=True)["probability"].idxmax()
    mode = panel.loc[idx.to_numpy(), [*keys, "target_lower", "target_upper", "probability"]]
    mode = mode.rename(
        columns={
            "target_lower": "likely_lower",
            "target_upper": "likely_upper",
            "probability": "likely_probability",
        }
    )
    return agg.merge(mode, on=keys, how="left")


def event_moves(
    panel: pd.DataFrame,
    events: pd.DataFrame,
    *,
    after_days: int = 5,
) -> pd.DataFrame:
    """Move in the odds of the next meeting around each event (statement, minutes …).

    For each event the *target meeting* is the first meeting still upcoming on the event
    day. Its distribution is read on the last watch date before the event (``before``), on
    the event day or the first watch date after it (``on``: ZQ settles after the 2 p.m. ET
    releases) and ``after_days`` calendar days later (``after``: last watch date on or
    before then). Cut and hike odds are all measured against one reference, the target
    range in force after the event (so a decision announced that day is not counted as a
    move in the odds).

    Parameters
    ----------
    panel
        :func:`fedwatch_panel` output with target ranges (``target_lower`` set).
    events
        Columns ``date`` (US/Eastern release date) and ``kind`` (e.g. ``"statement"``,
        ``"minutes"``); other columns are carried along.
    after_days
        Calendar days after the event for the ``after`` reading.

    Returns
    -------
    DataFrame
        One row per event that has watch dates on both sides: the event columns,
        ``meeting_date`` (target), ``reference_lower`` (%), ``before_date``, ``on_date``,
        ``after_date``, ``p_cut_<t>``/``p_hike_<t>`` (0..1) and ``expected_rate_<t>`` (%)
        for ``t`` in before/on/after, and the moves ``d_cut_pp``, ``d_hike_pp``
        (percentage points, on - before), ``d_expected_bp`` (bp, on - before) and
        ``d_expected_after_bp`` (bp, after - before).
    """
    need = {"watch_date", "meeting_date", "target_lower", "target_upper", "probability"}
    if not need.issubset(panel.columns):
        msg = f"panel needs columns {sorted(need)} (see fedwatch_panel)"
        raise ValidationError(msg, param_name="panel", received=list(panel.columns))
    if not {"date", "kind"}.issubset(events.columns):
        msg = "events need columns date and kind"
        raise ValidationError(msg, param_name="events", received=list(events.columns))
    p = panel[[*need, "change_bp"]].dropna(subset=["target_lower"]).copy()
    ev = events.copy()
    ev["date"] = pd.to_datetime(ev["date"]).dt.normalize()
    ev = ev.dropna(subset=["date"]).sort_values("date", ignore_index=True)
    dates = np.sort(p["watch_date"].unique()).astype("datetime64[ns]")
    if len(dates) == 0 or ev.empty:
        return pd.DataFrame()
    evd = ev["date"].to_numpy().astype("datetime64[ns]")
    i_on = np.searchsorted(dates, evd, side="left")
    i_after = np.searchsorted(dates, evd + np.timedelta64(after_days, "D"), side="right") - 1
    ok = (i_on >= 1) & (i_on < len(dates))
    ev = ev[ok].reset_index(drop=True)
    ev["before_date"] = dates[i_on[ok] - 1]
    ev["on_date"] = dates[i_on[ok]]
    ev["after_date"] = dates[np.maximum(i_after[ok], i_on[ok])]
    first = p.loc[p.groupby("watch_date")["meeting_date"].idxmin()]
    ref = first.assign(reference_lower=first["target_lower"] - first["change_bp"] / 100.0)
    ref = ref[["watch_date", "meeting_date", "reference_lower"]]
    ev = ev.merge(ref.rename(columns={"watch_date": "on_date"}), on="on_date", how="inner")
    p["mid"] = (p["target_lower"] + p["target_upper"]) / 2.0
    for tag in ("before", "on", "after"):
        part = ev[[f"{tag}_date", "meeting_date", "reference_lower"]].drop_duplicates()
        rows = part.merge(
            p.rename(columns={"watch_date": f"{tag}_date"}),
            on=[f"{tag}_date", "meeting_date"],
        )
        gap = rows["target_lower"] - rows["reference_lower"]
        rows[f"p_cut_{tag}"] = rows["probability"].where(gap < -1e-9, 0.0)
        rows[f"p_hike_{tag}"] = rows["probability"].where(gap > 1e-9, 0.0)
        rows[f"expected_rate_{tag}"] = rows["probability"] * rows["mid"]
        agg = rows.groupby([f"{tag}_date", "meeting_date", "reference_lower"], as_index=False)[
            [f"p_cut_{tag}", f"p_hike_{tag}", f"expected_rate_{tag}"]
        ].sum()
        ev = ev.merge(agg, on=[f"{tag}_date", "meeting_date", "reference_lower"], how="left")
    ev = ev.dropna(subset=["p_hike_before", "p_hike_on"]).reset_index(drop=True)
    ev["d_cut_pp"] = (ev["p_cut_on"] - ev["p_cut_before"]) * 100
    ev["d_hike_pp"] = (ev["p_hike_on"] - ev["p_hike_before"]) * 100
    ev["d_expected_bp"] = (ev["expected_rate_on"] - ev["expected_rate_before"]) * 100
    ev["d_expected_after_bp"] = (ev["expected_rate_after"] - ev["expected_rate_before"]) * 100
    return ev
