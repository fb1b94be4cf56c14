"""A general event-study engine (pure: returns and event dates in, results out).

Method
------
For each event ``i`` the event bar ``t_i`` is the first bar of the return series dated on or
after the event's date (timestamps are first converted to UTC; a daily BTC bar is a UTC day,
so an FOMC statement at 14:00 New York falls in that day's bar). Around it:

* event window ``[t_i - k, t_i + m]`` (``window=(-k, m)``, in bars);
* estimation window ``[t_i + e0, t_i + e1]`` (``estimation=(e0, e1)``, default ``(-120, -11)``)
  for the models that need one.

Abnormal return ``AR_{i,τ} = r_{i,τ} - E[r_{i,τ}]`` under a model:

``"mean"``       constant-mean: ``E[r] =`` mean return over the estimation window;
``"market"``     market model: ``E[r] = α_i + β_i r^b`` with OLS α, β over the estimation window;
``"benchmark"``  market-adjusted: ``E[r] = r^b`` (the benchmark's return that bar);
``"raw"``        ``E[r] = 0``.

``CAR_{i}(τ) = Σ_{s=-k}^{τ} AR_{i,s}``; ``AAR(τ)`` and ``CAAR(τ)`` are their averages over
events. Confidence intervals come from a bootstrap over events (resampling events with
replacement, ``n_boot`` draws, a seeded :class:`numpy.random.Generator`, percentile
intervals). With log returns, a CAR of raw returns is the log return over the window.

Events whose windows fall outside the data, or touch a missing return, are dropped and
listed in ``EventStudyResult.dropped``. Fewer than ``min_events`` usable events raise a
:class:`~flowscope.errors.SmallSampleWarning`.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd

from flowscope._typing import DateLike
from flowscope.analytics.dates import release_day
from flowscope.errors import InsufficientDataError, SmallSampleWarning, ValidationError

__all__ = [
    "EventModel",
    "EventStudyResult",
    "FomcEventKind",
    "event_dates",
    "event_study",
    "fomc_events",
]

EventModel = Literal["mean", "market", "benchmark", "raw"]


@dataclass
class EventStudyResult:
    """Output of :func:`event_study`.

    Attributes
    ----------
    caar
        Indexed by relative bar ``tau`` (``-k .. m``): ``aar`` (average abnormal return),
        ``caar`` (cumulative), ``ci_low``/``ci_high`` (bootstrap interval of ``caar``),
        ``n`` (events); returns as fractions (log returns if log returns went in).
    abnormal
        Abnormal returns, one row per used event (index: event bar date), one column per
        ``tau``.
    events
        One row per used event: ``event`` (the date given), ``bar`` (event bar date),
        ``label``, ``car`` (CAR over the whole window).
    dropped
        Events left out and why: ``event``, ``reason``.
    params
        The settings used (window, model, estimation, n_boot, ci, seed, asset, benchmark).
    """

    caar: pd.DataFrame
    abnormal: pd.DataFrame
    events: pd.DataFrame
    dropped: pd.DataFrame
    params: dict[str, object] = field(default_factory=dict)

    @property
    def n_events(self) -> int:
        """Number of events used."""
        return len(self.events)

    def summary(self) -> pd.DataFrame:
        """CAAR over the whole window with its CI, a cross-sectional t-statistic and the share
        of events with a positive CAR (one row)."""
        car = self.events["car"].to_numpy(dtype=np.float64)
        n = car.size
        sd = float(np.std(car, ddof=1)) if n > 1 else np.nan
        last = self.caar.iloc[-1]
        return pd.DataFrame(
            {
                "n_events": [n],
                "caar": [float(last["caar"])],
                "ci_low": [float(last["ci_low"])],
                "ci_high": [float(last["ci_high"])],
                "t_stat": [float(np.mean(car) / (sd / np.sqrt(n))) if n > 1 and sd > 0 else np.nan],
                "share_positive": [float(np.mean(car > 0)) if n else np.nan],
            }
        )


def event_dates(events: Sequence[DateLike] | pd.Series | pd.DatetimeIndex) -> pd.DatetimeIndex:
    """Event dates as naive midnight dates (tz-aware timestamps are taken in UTC).

    Examples
    --------
    >>> list(event_dates(["2025-12-10", pd.Timestamp("2025-12-10 19:00", tz="UTC")]).strftime("%F"))
    ['2025-12-10', '2025-12-10']
    """
    vals = list(events) if not isinstance(events, pd.DatetimeIndex) else events
    out = []
    for v in vals:
        ts = pd.Timestamp(v)
        if ts.tz is not None:
            ts = ts.tz_convert("UTC").tz_localize(None)
        out.append(ts.normalize())
    return pd.DatetimeIndex(out)


FomcEventKind = Literal["statement", "minutes"]

#: ``fomc_meetings.kind`` values counted as meetings by default, and those added by
#: ``include_unscheduled`` (unscheduled meetings, intermeeting rate changes before 1994).
_SCHEDULED = ("scheduled",)
_UNSCHEDULED = ("unscheduled", "rate_change")


def _naive_day(values: pd.Series) -> pd.Series:
    d = pd.to_datetime(values)
    if isinstance(d.dtype, pd.DatetimeTZDtype):
        return release_day(d)
    return d.dt.normalize().astype("datetime64[ns]")


def _decision_label(meetings: pd.DataFrame) -> pd.Series:
    day = pd.to_datetime(meetings["meeting_date"]).dt.strftime("%Y-%m-%d")
    dec = meetings["decision"].fillna("") if "decision" in meetings.columns else ""
    return ("FOMC " + day + " " + dec).str.strip()


def fomc_events(
    meetings: pd.DataFrame,
    docs: pd.DataFrame | None = None,
    *,
    kinds: Sequence[FomcEventKind] = ("statement", "minutes"),
    include_unscheduled: bool = False,
    held_only: bool = False,
) -> pd.DataFrame:
    """FOMC release days (statements and minutes) from the calendar and the documents held.

    Parameters
    ----------
    meetings
        Rows of the ``fomc_meetings`` dataset (``meeting_date``, ``kind``, ``decision``,
        ``minutes_release`` …). Notation votes never count as meetings.
    docs
        Optional ``fomc_docs`` rows (``meeting_date``, ``release_ts`` and optionally ``kind``;
        only ``minutes`` rows are used). A document's own release time dates the minutes of
        its meeting (:func:`flowscope.analytics.dates.release_day`: 00:00 UTC means the time
        is unknown and the UTC day is the release day); the calendar's ``minutes_release``
        dates the other meetings.
    kinds
        Which releases: ``"statement"`` (the meeting's last day; statements come out at
        2 p.m. ET that day) and/or ``"minutes"``.
    include_unscheduled
        Also count unscheduled meetings and intermeeting rate changes (calendar kinds
        ``unscheduled`` and ``rate_change``); by default only scheduled meetings count.
    held_only
        Keep only meetings the calendar records as held: on or before its newest meeting
        with a recorded decision. Future meetings drop out; held meetings whose decision
        the calendar does not record (most 1999-2007 holds) stay.

    Returns
    -------
    DataFrame
        ``date`` (US/Eastern release day, naive midnight), ``kind`` (``statement`` or
        ``minutes``), ``meeting`` (the meeting the release belongs to) and ``label``
        (``"FOMC 2025-10-29 cut"``, ``"minutes of FOMC 2025-10-29"``), sorted by date and
        kind; empty when nothing matches.

    Raises
    ------
    ValidationError
        An unknown kind.

    Examples
    --------
    >>> cal = pd.DataFrame({"meeting_date": pd.to_datetime(["2025-10-29", "2025-12-10"]),
    ...                     "kind": "scheduled", "decision": ["cut", None],
    ...                     "minutes_release": pd.to_datetime(["2025-11-19", None])})
    >>> fomc_events(cal, held_only=True)["label"].tolist()
    ['FOMC 2025-10-29 cut', 'minutes of FOMC 2025-10-29']
    """
    bad = [k for k in kinds if k not in ("statement", "minutes")]
    if bad:
        msg = f"`kinds` must hold 'statement' and/or 'minutes', got {list(kinds)!r}"
        raise ValidationError(msg, param_name="kinds", received=list(kinds))
    counted = (*_SCHEDULED, *_UNSCHEDULED) if include_unscheduled else _SCHEDULED
    m = meetings
    if "kind" in m.columns:
        m = m[m["kind"].isin(counted)]
    m = m.assign(meeting_date=_naive_day(m["meeting_date"]))
    if held_only:
        decided = m["meeting_date"][m["decision"].notna()] if "decision" in m.columns else m[[]]
        last = decided.max() if len(decided) else pd.NaT
        m = m[m["meeting_date"] <= last] if pd.notna(last) else m.iloc[:0]
    parts = []
    if "statement" in kinds:
        parts.append(
            pd.DataFrame(
                {
                    "date": m["meeting_date"],
                    "kind": "statement",
                    "meeting": m["meeting_date"],
                    "label": _decision_label(m),
                }
            )
        )
    if "minutes" in kinds:
        rel = (
            _naive_day(m["minutes_release"])
            if "minutes_release" in m.columns
            else pd.Series(pd.NaT, index=m.index, dtype="datetime64[ns]")
        )
        minutes = pd.DataFrame({"date": rel, "meeting": m["meeting_date"]})
        if docs is not None and not docs.empty:
            d = docs[docs["kind"] == "minutes"] if "kind" in docs.columns else docs
            held = pd.DataFrame(
                {"date": release_day(d["release_ts"]), "meeting": _naive_day(d["meeting_date"])}
            ).dropna(subset=["date"])
            if "kind" in meetings.columns:
                # minutes of a meeting the calendar lists under a kind left out stay out
                other = _naive_day(meetings.loc[~meetings["kind"].isin(counted), "meeting_date"])
                left_out = other[~other.isin(m["meeting_date"])]
                held = held[~held["meeting"].isin(left_out)]
            if held_only:
                held = held[held["meeting"].isin(m["meeting_date"])]
            minutes = pd.concat(
                [held, minutes[~minutes["meeting"].isin(held["meeting"])]], ignore_index=True
            )
        minutes = minutes.dropna(subset=["date"]).drop_duplicates("meeting")
        minutes["kind"] = "minutes"
        minutes["label"] = "minutes of FOMC " + minutes["meeting"].dt.strftime("%Y-%m-%d")
        parts.append(minutes[["date", "kind", "meeting", "label"]])
    cols = {"date": "datetime64[ns]", "kind": object, "meeting": "datetime64[ns]", "label": object}
    out = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=list(cols))
    return out.astype(cols).sort_values(["date", "kind"], ignore_index=True)


def _check_window(window: tuple[int, int], estimation: tuple[int, int], model: str) -> None:
    k, m = window
    if not (int(k) == k and int(m) == m and k <= 0 <= m):
        msg = f"`window` must be (-k, m) with k, m >= 0 integers, got {window!r}"
        raise ValidationError(msg, param_name="window", received=window)
    if model in ("mean", "market"):
        e0, e1 = estimation
        if not (e0 < e1 < k):
            msg = f"`estimation` must end before the event window starts ({k}), got {estimation!r}"
            raise ValidationError(msg, param_name="estimation", received=estimation)
        if e1 - e0 + 1 < 10:
            msg = f"`estimation` window must hold at least 10 bars, got {estimation!r}"
            raise ValidationError(msg, param_name="estimation", received=estimation)


def event_study(
    returns: pd.DataFrame | pd.Series,
    events: Sequence[DateLike] | pd.Series | pd.DatetimeIndex | pd.DataFrame,
    *,
    asset: str | None = None,
    benchmark: str | None = None,
    window: tuple[int, int] = (-5, 10),
    model: EventModel = "mean",
    estimation: tuple[int, int] = (-120, -11),
    n_boot: int = 2000,
    ci: float = 0.95,
    seed: int = 0,
    min_events: int = 10,
) -> EventStudyResult:
    """Run an event study (method in the module docstring).

    Parameters
    ----------
    returns
        Per-bar returns (fractions; log returns recommended) indexed by a sorted naive
        ``DatetimeIndex``: a Series, or a frame with the ``asset`` (and ``benchmark``) columns.
    events
        Event dates or timestamps, or a frame with a ``date`` column (and optionally
        ``label``), e.g. from :func:`fomc_events`.
    asset, benchmark
        Column names in ``returns`` (``benchmark`` is needed by the ``"market"`` and
        ``"benchmark"`` models).
    window
        ``(-k, m)`` bars around the event bar.
    model
        ``"mean"``, ``"market"``, ``"benchmark"`` or ``"raw"``.
    estimation
        Estimation window relative to the event bar (``"mean"`` and ``"market"`` models).
    n_boot, ci, seed
        Bootstrap draws, interval coverage (0.95 = 95 %) and the Generator seed.
    min_events
        Below this many usable events a :class:`SmallSampleWarning` is issued.

    Returns
    -------
    EventStudyResult

    Examples
    --------
    >>> idx = pd.date_range("2024-01-01", periods=40, freq="D")
    >>> r = pd.Series(0.0, index=idx); r.iloc[20] = 0.05
    >>> res = event_study(r, ["2024-01-21"], window=(-1, 1), model="raw", min_events=1)
    >>> res.caar["caar"].round(3).tolist()
    [0.0, 0.05, 0.05]
    """
    if model not in ("mean", "market", "benchmark", "raw"):
        msg = f"`model` must be 'mean', 'market', 'benchmark' or 'raw', got {model!r}"
        raise ValidationError(msg, param_name="model", received=model)
    _check_window(window, estimation, model)
    if not 0 < ci < 1:
        msg = f"`ci` must be in (0, 1), got {ci!r}"
        raise ValidationError(msg, param_name="ci", received=ci)
    if isinstance(returns, pd.Series):
        frame = returns.to_frame(asset or (returns.name if returns.name is not None else "asset"))
        asset = str(frame.columns[0])
    else:
        frame = returns
        if asset is None:
            if frame.shape[1] != 1:
                msg = f"several columns {list(frame.columns)}: pass asset="
                raise ValidationError(msg, param_name="asset", received=list(frame.columns))
            asset = str(frame.columns[0])
    if asset not in frame.columns:
        msg = f"asset {asset!r} not in the returns columns {list(frame.columns)}"
        raise ValidationError(msg, param_name="asset", received=asset)
    if model in ("market", "benchmark") and (benchmark is None or benchmark not in frame.columns):
        msg = f"model {model!r} needs a benchmark column (got {benchmark!r})"
        raise ValidationError(msg, param_name="benchmark", received=benchmark)
    idx = pd.DatetimeIndex(frame.index)
    if not idx.is_monotonic_increasing:
        msg = "returns must be sorted by date"
        raise ValidationError(msg, param_name="returns")
    r = frame[asset].to_numpy(dtype=np.float64)
    needs_b = model in ("market", "benchmark")
    rb = frame[benchmark].to_numpy(dtype=np.float64) if needs_b else np.zeros_like(r)

    if isinstance(events, pd.DataFrame):
        if "date" not in events.columns:
            msg = f"the events frame needs a 'date' column, has {list(events.columns)}"
            raise ValidationError(msg, param_name="events", received=list(events.columns))
        ev = event_dates(events["date"])
        labels = (
            events["label"].astype(str).to_numpy()
            if "label" in events.columns
            else ev.strftime("%Y-%m-%d").to_numpy()
        )
    else:
        ev = event_dates(events)
        labels = ev.strftime("%Y-%m-%d").to_numpy()
    if len(ev) == 0:
        msg = "no events given"
        raise InsufficientDataError(msg)

    k, m = int(window[0]), int(window[1])
    n = len(idx)
    pos = np.searchsorted(idx.as_unit("ns").asi8, ev.as_unit("ns").asi8, side="left")
    lo = pos + (min(k, estimation[0]) if model in ("mean", "market") else k)
    hi = pos + m
    reason = np.full(len(ev), "", dtype=object)
    reason[pos >= n] = "after the last return"
    reason[(reason == "") & (lo < 0)] = "window starts before the first return"
    reason[(reason == "") & (hi >= n)] = "window ends after the last return"
    ok = reason == ""
    offsets = np.arange(k, m + 1)
    win = np.clip(pos[:, None] + offsets[None, :], 0, n - 1)
    ra = r[win]
    rba = rb[win]
    if model in ("mean", "market"):
        e_off = np.arange(estimation[0], estimation[1] + 1)
        est = np.clip(pos[:, None] + e_off[None, :], 0, n - 1)
        re = r[est]
        bad_est = ~np.isfinite(re).all(axis=1)
        be = rb[est]
        bad_est |= ~np.isfinite(be).all(axis=1)
    else:
        re = be = np.zeros((len(ev), 1))
        bad_est = np.zeros(len(ev), dtype=bool)
    bad_win = ~np.isfinite(ra).all(axis=1)
    if needs_b:
        bad_win |= ~np.isfinite(rba).all(axis=1)
    reason[ok & bad_win] = "missing return in the event window"
    reason[ok & ~bad_win & bad_est] = "missing return in the estimation window"
    # the same event bar given twice counts once
    dup = pd.Series(pos).duplicated().to_numpy()
    reason[(reason == "") & dup] = "duplicate of an earlier event (same bar)"
    ok = reason == ""

    with np.errstate(invalid="ignore", divide="ignore"):
        if model == "raw":
            ar = ra
        elif model == "benchmark":
            ar = ra - rba
        elif model == "mean":
            ar = ra - np.nanmean(np.where(ok[:, None], re, 0.0), axis=1)[:, None]
        else:
            bx = np.where(ok[:, None], be, 0.0)
            by = np.where(ok[:, None], re, 0.0)
            mx, my = bx.mean(axis=1), by.mean(axis=1)
            vx = ((bx - mx[:, None]) ** 2).sum(axis=1)
            beta = np.where(vx > 0, ((bx - mx[:, None]) * (by - my[:, None])).sum(axis=1) / vx, 0.0)
            alpha = my - beta * mx
            ar = ra - (alpha[:, None] + beta[:, None] * rba)

    ar = ar[ok]
    n_ok = int(ok.sum())
    dropped = pd.DataFrame({"event": ev[~ok], "label": labels[~ok], "reason": reason[~ok]})
    if n_ok == 0:
        msg = f"none of the {len(ev)} events has a full window in the returns ({dropped['reason'].iloc[0]})"
        raise InsufficientDataError(msg)
    if n_ok < min_events:
        warnings.warn(
            f"event study on {n_ok} event(s) (fewer than {min_events}): "
            "averages and intervals are unreliable",
            SmallSampleWarning,
            stacklevel=2,
        )
    car = np.cumsum(ar, axis=1)
    aar = ar.mean(axis=0)
    caar = car.mean(axis=0)
    rng = np.random.default_rng(seed)
    draws = rng.integers(0, n_ok, size=(int(n_boot), n_ok))
    boot = car[draws].mean(axis=1)  # (n_boot, L)
    alpha_tail = (1.0 - ci) / 2.0
    ci_low, ci_high = np.quantile(boot, [alpha_tail, 1.0 - alpha_tail], axis=0)
    caar_df = pd.DataFrame(
        {"aar": aar, "caar": caar, "ci_low": ci_low, "ci_high": ci_high, "n": n_ok},
        index=pd.Index(offsets, name="tau"),
    )
    bars = idx[pos[ok]]
    abnormal = pd.DataFrame(
        ar, index=pd.Index(bars, name="bar"), columns=pd.Index(offsets, name="tau")
    )
    used = pd.DataFrame({"event": ev[ok], "bar": bars, "label": labels[ok], "car": car[:, -1]})
    params: dict[str, object] = {
        "asset": asset,
        "benchmark": benchmark,
        "window": (k, m),
        "model": model,
        "estimation": tuple(estimation) if model in ("mean", "market") else None,
        "n_boot": int(n_boot),
        "ci": ci,
        "seed": seed,
    }
    return EventStudyResult(
        caar=caar_df, abnormal=abnormal, events=used, dropped=dropped, params=params
    )
