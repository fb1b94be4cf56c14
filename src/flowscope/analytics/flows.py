"""Spot-Bitcoin ETF flow analytics: pure, vectorised functions on frames (USD, US trading days).

Inputs are the canonical ``etf_flows`` frame (long: ``date``, ``fund``, ``flow_usd``,
``source`` …) or the *wide* frame built from it by :func:`flows_wide` (index ``date``, one
column per fund and ``Total``, values in USD). Dates are NYSE sessions (naive midnight);
rolling windows count **sessions held**, not calendar days. Missing figures (a fund not yet
listed) stay NaN and are never read as zero flows. A fund's flows begin at its first figure and
end at its last: statistics of one fund (streaks, ranks, records, "of N sessions") count only
the sessions with a figure for that fund. Given the fund lifetime table
(:func:`flowscope.schemas.funds.fund_lifetimes`), :func:`clip_to_lifetimes` also drops rows a
store may hold from before a fund's launch or after its closure.

Main families
-------------
* selection: :func:`select_canonical` (one value per day and fund from several sources),
  :func:`clip_to_lifetimes` (drop rows dated outside a fund's life), :func:`flows_wide`;
* windows: :func:`rolling_flows`, :func:`flow_zscore`;
* runs: :func:`flow_streaks`, :func:`longest_streak`;
* records: :func:`first_outflow`, :func:`largest_outflows`, :func:`window_rank`,
  :func:`flow_records`;
* cross-section: :func:`cumulative_flows`, :func:`cumulative_rank`, :func:`fund_share`;
* regime: :func:`detect_reversals` (rolling-sum sign change with a hysteresis band);
* sources: :func:`reconcile_sources`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from flowscope.errors import InsufficientDataError, ValidationError
from flowscope.schemas import ETF_FLOWS

__all__ = [
    "DEFAULT_SOURCE_PRIORITY",
    "REVERSAL_BAND_USD",
    "REVERSAL_WINDOW",
    "FlowRecords",
    "aggregate_flows",
    "clip_to_lifetimes",
    "cumulative_flows",
    "cumulative_rank",
    "detect_reversals",
    "first_outflow",
    "flow_records",
    "flow_streaks",
    "flow_zscore",
    "flows_wide",
    "fund_share",
    "largest_outflows",
    "longest_streak",
    "reconcile_aggregates",
    "reconcile_sources",
    "rolling_flows",
    "select_canonical",
    "window_rank",
]

#: Source preference when several hold the same (date, fund), first wins: the ``etf_flows``
#: dataset's declared order. Readers of a store pass ``store.preference("etf_flows")`` instead,
#: which honours the settings' ``source_preference``.
DEFAULT_SOURCE_PRIORITY: tuple[str, ...] = ETF_FLOWS.source_preference

#: Default window of :func:`detect_reversals` (sessions: one trading week).
REVERSAL_WINDOW = 5
#: Default half-width of the :func:`detect_reversals` hysteresis band (USD).
REVERSAL_BAND_USD = 250e6


def _check_long(flows: pd.DataFrame, cols: Sequence[str] = ("date", "fund", "flow_usd")) -> None:
    missing = [c for c in cols if c not in flows.columns]
    if missing:
        msg = f"etf_flows frame lacks column(s) {missing}; got {list(flows.columns)}"
        raise ValidationError(msg, param_name="flows", received=list(flows.columns))


def _as_series(x: pd.Series | pd.DataFrame) -> pd.DataFrame:
    return x.to_frame() if isinstance(x, pd.Series) else x


def select_canonical(
    flows: pd.DataFrame, *, priority: Sequence[str] = DEFAULT_SOURCE_PRIORITY
) -> pd.DataFrame:
    """Keep one row per (date, fund): the value of the most preferred source holding it.

    Parameters
    ----------
    flows
        Long ``etf_flows`` rows, possibly from several sources (column ``source``).
    priority
        Source names, most preferred first (from a store: ``store.preference("etf_flows")``;
        default the dataset's declared order); sources not listed come after, alphabetically.

    Returns
    -------
    DataFrame
        Same columns, one row per (date, fund), sorted by date and fund. Rows whose
        ``flow_usd`` is NULL (AUM-only sources) lose to any source with a flow; a missing
        ``aum_usd`` is then filled from the most preferred source that has one.
    """
    _check_long(flows)
    if "source" not in flows.columns or flows.empty:
        return flows.sort_values(["date", "fund"]).reset_index(drop=True)
    order = {s: i for i, s in enumerate(priority)}
    extra = sorted(set(flows["source"]) - set(order))
    order.update({s: len(priority) + i for i, s in enumerate(extra)})
    f = flows.assign(_noflow=flows["flow_usd"].isna().astype(int), _prio=flows["source"].map(order))
    f = f.sort_values(["date", "fund", "_noflow", "_prio"], kind="stable")
    out = f.drop_duplicates(["date", "fund"], keep="first")
    if "aum_usd" in f.columns and out["aum_usd"].isna().any():
        aum = (
            f[f["aum_usd"].notna()]
            .sort_values(["date", "fund", "_prio"], kind="stable")
            .drop_duplicates(["date", "fund"])
            .set_index(["date", "fund"])["aum_usd"]
        )
        idx = pd.MultiIndex.from_frame(out[["date", "fund"]])
        out = out.assign(
            aum_usd=out["aum_usd"].fillna(pd.Series(aum.reindex(idx).to_numpy(), index=out.index))
        )
    return out.drop(columns=["_noflow", "_prio"]).reset_index(drop=True)


def clip_to_lifetimes(flows: pd.DataFrame, lifetimes: pd.DataFrame) -> pd.DataFrame:
    """Drop ``etf_flows`` rows dated before their fund's first trading day or after its last.

    Parameters
    ----------
    flows
        Long ``etf_flows`` rows (``date``, ``fund``, …).
    lifetimes
        Fund lifetime table: ``ticker``, ``first_day``, ``last_day`` (naive US trading days,
        ``last_day`` NaT while trading), e.g. :func:`flowscope.schemas.funds.fund_lifetimes`.

    Returns
    -------
    DataFrame
        ``flows`` without the rows outside their fund's life, index reset. ``Total`` rows and
        funds absent from ``lifetimes`` are kept.

    Examples
    --------
    >>> life = pd.DataFrame({"ticker": ["BTC"], "first_day": [pd.Timestamp("2024-07-31")],
    ...                      "last_day": [pd.NaT]})
    >>> f = pd.DataFrame({"date": pd.to_datetime(["2024-07-30", "2024-07-31"]),
    ...                   "fund": ["BTC", "BTC"], "flow_usd": [0.0, 18e6]})
    >>> clip_to_lifetimes(f, life)["date"].dt.strftime("%Y-%m-%d").tolist()
    ['2024-07-31']
    """
    _check_long(flows, ("date", "fund"))
    life = lifetimes.set_index(lifetimes["ticker"].astype(str).str.upper())
    fund = flows["fund"].astype(str).str.upper()
    first = fund.map(pd.to_datetime(life["first_day"]))
    last = fund.map(pd.to_datetime(life["last_day"]))
    outside = (flows["date"] < first) | (flows["date"] > last)  # NaT compares False
    return flows[~outside.to_numpy(dtype=bool)].reset_index(drop=True)


def flows_wide(
    flows: pd.DataFrame,
    *,
    funds: Sequence[str] | None = None,
    priority: Sequence[str] = DEFAULT_SOURCE_PRIORITY,
) -> pd.DataFrame:
    """Pivot long flows to a date x fund frame in USD (canonical source per cell).

    Parameters
    ----------
    flows
        Long ``etf_flows`` rows (``date``, ``fund``, ``flow_usd`` [, ``source``]).
    funds
        Columns to keep, in this order (default: every fund, ``Total`` last).
    priority
        Source preference (see :func:`select_canonical`).

    Returns
    -------
    DataFrame
        Index ``date`` (sorted), columns funds, values ``flow_usd`` (USD, NaN = no figure).
    """
    canon = select_canonical(flows, priority=priority)
    canon = canon[canon["flow_usd"].notna()]
    wide = canon.pivot(index="date", columns="fund", values="flow_usd").sort_index()
    wide.columns.name = None
    if funds is not None:
        missing = [f for f in funds if f not in wide.columns]
        if missing:
            msg = f"no flows held for fund(s) {missing}; held: {sorted(wide.columns)}"
            raise InsufficientDataError(msg)
        return wide[list(funds)]
    cols = sorted(c for c in wide.columns if c != "Total")
    if "Total" in wide.columns:
        cols.append("Total")
    return wide[cols]


def rolling_flows(
    wide: pd.Series | pd.DataFrame, windows: Sequence[int] = (5, 10, 20)
) -> pd.DataFrame:
    """Trailing sums of daily flows over ``windows`` sessions (USD).

    A window needs all its sessions: the sum is NaN until ``w`` figures are held, and NaN
    when a figure inside it is missing.

    Parameters
    ----------
    wide
        A flow series (one fund) or a wide frame (date x fund), USD.
    windows
        Window lengths in sessions.

    Returns
    -------
    DataFrame
        For a Series: columns ``sum_5d``, ``sum_10d`` …; for a frame: a column MultiIndex
        (window label, fund).
    """
    if any(int(w) < 1 for w in windows):
        msg = f"windows must be >= 1 session, got {list(windows)}"
        raise ValidationError(msg, param_name="windows", received=list(windows))
    if isinstance(wide, pd.Series):
        return pd.DataFrame(
            {f"sum_{w}d": wide.rolling(int(w), min_periods=int(w)).sum() for w in windows}
        )
    parts = {f"sum_{w}d": wide.rolling(int(w), min_periods=int(w)).sum() for w in windows}
    return pd.concat(parts, axis=1)


def flow_zscore(series: pd.Series, *, window: int = 60, min_periods: int = 20) -> pd.Series:
    """Z-score of each day's flow against the *previous* ``window`` sessions.

    ``z_t = (x_t - mean(x_{t-window..t-1})) / std(x_{t-window..t-1})`` (sample std, ddof=1);
    the day itself is not in its own baseline.

    Parameters
    ----------
    series
        Daily flows of one fund or the Total (USD), indexed by date.
    window
        Trailing sessions in the baseline.
    min_periods
        Fewest baseline figures for a score (NaN before).

    Returns
    -------
    Series
        Dimensionless z-scores, NaN where the baseline is too short or flat.
    """
    if window < 2 or min_periods < 2 or min_periods > window:
        msg = f"need 2 <= min_periods <= window, got window={window}, min_periods={min_periods}"
        raise ValidationError(msg, param_name="window", received=window)
    base = series.shift(1).rolling(window, min_periods=min_periods)
    sd = base.std(ddof=1)
    z = (series - base.mean()) / sd.where(sd > 0)
    return z.rename(f"z_{window}d")


def _run_lengths(sign: np.ndarray) -> np.ndarray:
    """Signed position within runs of equal non-zero sign (0 where sign is 0)."""
    n = sign.size
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    change = np.empty(n, dtype=bool)
    change[0] = True
    change[1:] = sign[1:] != sign[:-1]
    starts = np.flatnonzero(change)
    idx = np.arange(n)
    run_start = starts[np.searchsorted(starts, idx, side="right") - 1]
    length = idx - run_start + 1
    return np.where(sign == 0, 0, length * sign).astype(np.int64)


def flow_streaks(series: pd.Series) -> pd.Series:
    """Signed streak counter: +n on the n-th consecutive inflow day, -n on outflow days.

    A zero or missing day ends a run and scores 0. Sessions are those in the index.

    Parameters
    ----------
    series
        Daily flows (USD), indexed by date.

    Returns
    -------
    Series
        ``int64`` streak position, same index.

    Examples
    --------
    >>> flow_streaks(pd.Series([1.0, 2.0, -1.0, -3.0, -2.0, 0.0, 5.0])).tolist()
    [1, 2, -1, -2, -3, 0, 1]
    """
    sign = np.sign(np.nan_to_num(series.to_numpy(dtype="float64"), nan=0.0)).astype(np.int64)
    return pd.Series(_run_lengths(sign), index=series.index, name="streak")


def longest_streak(series: pd.Series, *, direction: str = "outflow") -> dict[str, object]:
    """Longest run of consecutive outflow (or inflow) days.

    Parameters
    ----------
    series
        Daily flows (USD), indexed by date.
    direction
        ``"outflow"`` or ``"inflow"``.

    Returns
    -------
    dict
        ``length`` (sessions), ``start``, ``end`` (dates), ``sum_usd`` (USD over the run);
        the earliest run wins ties. ``length`` 0 and NaT dates when there is none.
    """
    if direction not in {"outflow", "inflow"}:
        msg = f"direction must be 'outflow' or 'inflow', got {direction!r}"
        raise ValidationError(msg, param_name="direction", received=direction)
    st = flow_streaks(series).to_numpy()
    run = -st if direction == "outflow" else st
    run = np.where(run > 0, run, 0)
    if run.size == 0 or run.max() == 0:
        return {"length": 0, "start": pd.NaT, "end": pd.NaT, "sum_usd": 0.0}
    end = int(np.argmax(run))
    length = int(run[end])
    start = end - length + 1
    return {
        "length": length,
        "start": series.index[start],
        "end": series.index[end],
        "sum_usd": float(series.iloc[start : end + 1].sum()),
    }


def first_outflow(series: pd.Series, *, launch: object | None = None) -> dict[str, object]:
    """First day with a net outflow, and how long after the first figure it came.

    Parameters
    ----------
    series
        Daily flows of one fund (USD), indexed by session date; NaN = no figure.
    launch
        The fund's first trading day; figures dated before it are not the fund's sessions
        and are ignored.

    Returns
    -------
    dict
        ``date`` (or NaT), ``flow_usd`` (USD), ``sessions_after_first`` (the fund's sessions
        with a figure between its first figure and that day), ``first_date``,
        ``launch_date`` (``launch`` or NaT).

    Examples
    --------
    >>> s = pd.Series([0.0, 0.0, 5.0, -1.0], index=pd.to_datetime(
    ...     ["2024-07-29", "2024-07-30", "2024-07-31", "2024-08-01"]))
    >>> first_outflow(s, launch="2024-07-31")["sessions_after_first"]
    1
    """
    launch_day = pd.Timestamp(launch) if launch is not None else pd.NaT
    s = series.dropna().sort_index()
    if launch is not None:
        s = s[s.index >= launch_day]
    if s.empty:
        msg = "no flows held for this fund"
        raise InsufficientDataError(msg)
    neg = np.flatnonzero(s.to_numpy() < 0)
    if neg.size == 0:
        return {
            "date": pd.NaT,
            "flow_usd": np.nan,
            "sessions_after_first": None,
            "first_date": s.index[0],
            "launch_date": launch_day,
        }
    k = int(neg[0])
    return {
        "date": s.index[k],
        "flow_usd": float(s.iloc[k]),
        "sessions_after_first": k,
        "first_date": s.index[0],
        "launch_date": launch_day,
    }


def _window_sums(series: pd.Series, n: int) -> pd.Series:
    s = series.dropna()
    return s.rolling(n, min_periods=n).sum().dropna()


def window_rank(series: pd.Series, n: int, day: object, *, direction: str = "outflow") -> int:
    """Rank of the ``n``-session sum ending on ``day`` among all ``n``-session sums.

    Rank 1 is the largest outflow (most negative sum) for ``direction="outflow"``, the largest
    inflow for ``"inflow"``. Every window is counted, overlapping ones included.

    Raises
    ------
    InsufficientDataError
        ``day`` is not a held session with ``n`` figures up to it.
    """
    sums = _window_sums(series, n)
    d = pd.Timestamp(day)
    if d not in sums.index:
        msg = f"no {n}-session sum ends on {d:%Y-%m-%d}"
        raise InsufficientDataError(msg)
    v = sums.loc[d]
    better = (sums < v) if direction == "outflow" else (sums > v)
    return int(better.sum()) + 1


def largest_outflows(
    series: pd.Series, n: int = 1, *, top: int = 5, direction: str = "outflow"
) -> pd.DataFrame:
    """The ``top`` largest ``n``-session outflows (or inflows), non-overlapping, with rank.

    Windows are picked greedily from the most extreme down, skipping any that overlaps one
    already picked, so a single bad week is not listed several times.

    Parameters
    ----------
    series
        Daily flows (USD), indexed by session date.
    n
        Window length in sessions (1 = single days).
    top
        How many windows.
    direction
        ``"outflow"`` (most negative sums) or ``"inflow"``.

    Returns
    -------
    DataFrame
        Columns ``rank``, ``start``, ``end``, ``sum_usd`` (USD), ``days``.
    """
    if n < 1 or top < 1:
        msg = f"n and top must be >= 1, got n={n}, top={top}"
        raise ValidationError(msg, param_name="n", received=n)
    s = series.dropna()
    sums = s.rolling(n, min_periods=n).sum().to_numpy()
    valid = np.flatnonzero(~np.isnan(sums))
    vals = sums[valid]
    order = valid[np.argsort(vals if direction == "outflow" else -vals, kind="stable")]
    taken = np.zeros(len(s), dtype=bool)
    picks: list[int] = []
    for end in order:
        if direction == "outflow" and sums[end] >= 0:
            break
        if direction == "inflow" and sums[end] <= 0:
            break
        lo = end - n + 1
        if taken[lo : end + 1].any():
            continue
        taken[lo : end + 1] = True
        picks.append(int(end))
        if len(picks) == top:
            break
    ends = np.asarray(picks, dtype=np.int64)
    out = pd.DataFrame(
        {
            "rank": np.arange(1, len(ends) + 1),
            "start": s.index[ends - n + 1] if len(ends) else pd.DatetimeIndex([]),
            "end": s.index[ends] if len(ends) else pd.DatetimeIndex([]),
            "sum_usd": sums[ends] if len(ends) else np.array([], dtype=float),
            "days": n,
        }
    )
    return out[["rank", "start", "end", "sum_usd", "days"]]


@dataclass(frozen=True)
class FlowRecords:
    """Record statistics of one fund (or the Total); amounts in USD, dates US trading days.

    Attributes
    ----------
    fund
        Fund ticker or ``"Total"``.
    first_date, last_date
        First and last day with a figure.
    first_outflow
        See :func:`first_outflow`.
    largest
        ``{n: DataFrame}`` of :func:`largest_outflows` per window length (sessions).
    longest_outflow_streak
        See :func:`longest_streak`.
    cumulative_usd
        Net flow since the first figure (USD).
    """

    fund: str
    first_date: pd.Timestamp
    last_date: pd.Timestamp
    first_outflow: dict[str, object]
    largest: dict[int, pd.DataFrame]
    longest_outflow_streak: dict[str, object]
    cumulative_usd: float

    def to_frame(self) -> pd.DataFrame:
        """One row per statement: ``record``, ``date``, ``end``, ``value_usd`` (USD), ``rank``, ``note``."""
        fo = self.first_outflow
        rows: list[dict[str, object]] = [
            {
                "record": "first outflow day",
                "date": fo["date"],
                "end": pd.NaT,
                "value_usd": _usd(fo["flow_usd"]),
                "rank": None,
                "note": _first_outflow_note(fo),
            }
        ]
        for n, tab in sorted(self.largest.items()):
            label = "largest 1-day outflow" if n == 1 else f"largest {n}-day outflow"
            rows.extend(
                {
                    "record": label,
                    "date": r.start,
                    "end": r.end,
                    "value_usd": float(r.sum_usd),
                    "rank": int(r.rank),
                    "note": "non-overlapping windows",
                }
                for r in tab.itertuples(index=False)
            )
        ls = self.longest_outflow_streak
        rows.append(
            {
                "record": "longest outflow streak",
                "date": ls["start"],
                "end": ls["end"],
                "value_usd": _usd(ls["sum_usd"]),
                "rank": None,
                "note": f"{ls['length']} consecutive outflow sessions",
            }
        )
        rows.append(
            {
                "record": "cumulative net flow",
                "date": self.first_date,
                "end": self.last_date,
                "value_usd": _usd(self.cumulative_usd),
                "rank": None,
                "note": "since the first figure",
            }
        )
        out = pd.DataFrame(rows)
        out.insert(0, "fund", self.fund)
        return out


def _first_outflow_note(fo: dict[str, object]) -> str:
    if fo["sessions_after_first"] is None:
        return "no outflow day held"
    first = pd.Timestamp(fo["first_date"])
    launch = fo.get("launch_date")
    n = fo["sessions_after_first"]
    if launch is not None and not pd.isna(launch) and pd.Timestamp(launch) == first:
        return f"{n} sessions after launch ({first:%Y-%m-%d})"
    if launch is not None and not pd.isna(launch):
        return (
            f"{n} sessions after the first figure held ({first:%Y-%m-%d}; "
            f"launched {pd.Timestamp(launch):%Y-%m-%d})"
        )
    return f"{n} sessions after the first figure ({first:%Y-%m-%d})"


def _usd(v: object) -> float:
    try:
        return float(v)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return float("nan")


def flow_records(
    series: pd.Series,
    *,
    fund: str = "",
    windows: Sequence[int] = (1, 4),
    top: int = 3,
    launch: object | None = None,
    last_day: object | None = None,
) -> FlowRecords:
    """Records of one fund's (or the Total's) daily flow history.

    Parameters
    ----------
    series
        Daily flows (USD), indexed by session date (missing days dropped).
    fund
        Label carried into the result.
    windows
        Window lengths in sessions for the largest-outflow tables (default 1 and 4 days).
    top
        Windows listed per length.
    launch, last_day
        The fund's first and last trading day (e.g. from the fund lifetime table); figures
        outside them are not the fund's sessions and are ignored. None: no bound.

    Returns
    -------
    FlowRecords
    """
    s = series.dropna().sort_index()
    if launch is not None:
        s = s[s.index >= pd.Timestamp(launch)]
    if last_day is not None and not pd.isna(last_day):
        s = s[s.index <= pd.Timestamp(last_day)]
    if s.empty:
        msg = f"no flows held for {fund or 'this series'}"
        raise InsufficientDataError(msg)
    return FlowRecords(
        fund=fund,
        first_date=s.index[0],
        last_date=s.index[-1],
        first_outflow=first_outflow(s, launch=launch),
        largest={int(n): largest_outflows(s, int(n), top=top) for n in windows},
        longest_outflow_streak=longest_streak(s, direction="outflow"),
        cumulative_usd=float(s.sum()),
    )


def cumulative_flows(wide: pd.DataFrame) -> pd.DataFrame:
    """Running net flow per fund since its first figure (USD); missing days add nothing."""
    return wide.fillna(0.0).cumsum().where(wide.notna().cummax())


def cumulative_rank(
    wide: pd.DataFrame, *, start: object | None = None, end: object | None = None
) -> pd.DataFrame:
    """Rank funds by cumulative net buying over ``[start, end]`` (inclusive).

    Returns
    -------
    DataFrame
        Columns ``rank`` (1 = largest net buyer), ``fund``, ``net_usd`` (USD), ``days`` (sessions with a figure), ``share_of_total`` (fund / all-fund net, when
        a Total column exists and its net is non-zero). The ``Total`` column is not ranked.
    """
    w = wide.loc[
        pd.Timestamp(start) if start is not None else None : pd.Timestamp(end)
        if end is not None
        else None
    ]
    funds = [c for c in w.columns if c != "Total"]
    net = w[funds].sum(axis=0, min_count=1).dropna()
    out = pd.DataFrame(
        {
            "fund": net.index,
            "net_usd": net.to_numpy(),
            "days": w[net.index].notna().sum().to_numpy(),
        }
    )
    out = out.sort_values("net_usd", ascending=False, kind="stable").reset_index(drop=True)
    out.insert(0, "rank", np.arange(1, len(out) + 1))
    tot = w["Total"].sum() if "Total" in w.columns else np.nan
    out["share_of_total"] = out["net_usd"] / tot if tot else np.nan
    return out[["rank", "fund", "net_usd", "days", "share_of_total"]]


def fund_share(wide: pd.DataFrame) -> pd.DataFrame:
    """Each fund's flow as a fraction of the day's all-fund Total (NaN when Total is 0).

    Uses the ``Total`` column when present, otherwise the sum of the funds. Shares can exceed
    1 or be negative when funds move in opposite directions.
    """
    funds = [c for c in wide.columns if c != "Total"]
    total = wide["Total"] if "Total" in wide.columns else wide[funds].sum(axis=1, min_count=1)
    return wide[funds].div(total.where(total != 0), axis=0)


def detect_reversals(
    series: pd.Series, *, window: int = REVERSAL_WINDOW, band_usd: float = REVERSAL_BAND_USD
) -> pd.DataFrame:
    """Flow-regime reversals: sign changes of a rolling sum, with a hysteresis band.

    The regime is *inflow* once the trailing ``window``-session sum rises above
    ``+band_usd`` and *outflow* once it falls below ``-band_usd``; inside the band the previous
    regime persists. A reversal is a day on which the regime flips. The band stops a sum
    hovering around zero from producing a flip every day.

    Parameters
    ----------
    series
        Daily flows (USD), indexed by session date.
    window
        Rolling window (sessions), default :data:`REVERSAL_WINDOW` (one trading week).
    band_usd
        Half-width of the hysteresis band in USD, default :data:`REVERSAL_BAND_USD`
        (250e6, $250 M).

    Returns
    -------
    DataFrame
        One row per reversal: ``date``, ``to`` (``"inflow"``/``"outflow"``), ``rolling_usd``
        (the window sum that day, USD), ``sessions_in_previous`` (length of the regime that
        ended).
    """
    if window < 1 or band_usd < 0:
        msg = f"window must be >= 1 and band_usd >= 0, got {window}, {band_usd}"
        raise ValidationError(msg, param_name="window", received=window)
    roll = series.rolling(window, min_periods=window).sum()
    r = roll.to_numpy()
    state = np.where(r > band_usd, 1.0, np.where(r < -band_usd, -1.0, np.nan))
    st = pd.Series(state, index=series.index).ffill().to_numpy()
    known = ~np.isnan(st)
    prev = np.r_[np.nan, st[:-1]]
    flip = known & ~np.isnan(prev) & (st != prev)
    pos = np.flatnonzero(flip)
    first_known = np.flatnonzero(known)
    starts = np.r_[first_known[:1], pos]
    lengths = np.diff(starts) if len(pos) else np.zeros(0, dtype=int)
    return pd.DataFrame(
        {
            "date": series.index[pos],
            "to": np.where(st[pos] > 0, "inflow", "outflow"),
            "rolling_usd": r[pos],
            "sessions_in_previous": lengths.astype(np.int64),
        }
    )


def reconcile_sources(
    flows: pd.DataFrame, *, tolerance_usd: float = 0.05e6, sources: Sequence[str] | None = None
) -> pd.DataFrame:
    """Per (date, fund), the value of every source side by side, with disagreements flagged.

    Parameters
    ----------
    flows
        Long ``etf_flows`` rows with a ``source`` column.
    tolerance_usd
        Largest spread between sources still counted as agreement (USD; default $0.05 M,
        half of Farside's 0.1 $M rounding step).
    sources
        Columns to show, in order (default: every source present, alphabetically).

    Returns
    -------
    DataFrame
        ``date``, ``fund``, one column per source (USD, NaN = that source has no figure),
        ``n_sources``, ``spread_usd`` (max - min over sources holding a figure),
        ``status``: ``"agree"``, ``"disagree"`` or ``"single"`` (one source only).
    """
    _check_long(flows, ("date", "fund", "flow_usd", "source"))
    f = flows[flows["flow_usd"].notna()]
    wide = f.pivot_table(
        index=["date", "fund"], columns="source", values="flow_usd", aggfunc="last"
    )
    wide.columns.name = None
    cols = list(sources) if sources is not None else sorted(wide.columns)
    for c in cols:
        if c not in wide.columns:
            wide[c] = np.nan
    wide = wide[cols]
    vals = wide.to_numpy(dtype="float64")
    n = (~np.isnan(vals)).sum(axis=1)
    with np.errstate(all="ignore"):
        hi = np.where(n > 0, np.nanmax(np.where(np.isnan(vals), -np.inf, vals), axis=1), np.nan)
        lo = np.where(n > 0, np.nanmin(np.where(np.isnan(vals), np.inf, vals), axis=1), np.nan)
    spread = hi - lo
    out = wide.reset_index()
    out["n_sources"] = n
    out["spread_usd"] = np.where(n > 1, spread, np.nan)
    out["status"] = np.where(
        n <= 1, "single", np.where(spread > tolerance_usd, "disagree", "agree")
    )
    return out


def aggregate_flows(wide: pd.DataFrame, period: str) -> pd.DataFrame:
    """Sum daily flows per calendar week (Monday..Sunday) or month, in long form.

    Parameters
    ----------
    wide
        Date x fund frame (USD), e.g. from :func:`flows_wide`.
    period
        ``"week"`` (periods end on Sunday) or ``"month"`` (end on the last calendar day).

    Returns
    -------
    DataFrame
        ``period_end`` (date), ``fund``, ``flow_usd`` (USD sum of the figures held),
        ``days`` (sessions with a figure).
    """
    rule = {"week": "W-SUN", "month": "ME"}.get(period)
    if rule is None:
        msg = f"period must be 'week' or 'month', got {period!r}"
        raise ValidationError(msg, param_name="period", received=period)
    grp = wide.resample(rule)
    sums = grp.sum(min_count=1)
    counts = grp.count()
    out = sums.stack().rename("flow_usd").to_frame()
    out["days"] = counts.stack().reindex(out.index).to_numpy()
    out.index.names = ["period_end", "fund"]
    return out.reset_index()


def reconcile_aggregates(
    wide: pd.DataFrame, agg: pd.DataFrame, *, period: str, tolerance_usd: float = 0.5e6
) -> pd.DataFrame:
    """Compare sums of the daily series with a source's weekly/monthly aggregates.

    Parameters
    ----------
    wide
        Daily date x fund frame (USD).
    agg
        ``etf_flows_agg`` rows (``period_end``, ``period``, ``fund``, ``flow_usd`` [, ``asset``]);
        only rows of ``period`` (and asset ``bitcoin`` when the column exists) are used.
    period
        ``"week"`` or ``"month"``.
    tolerance_usd
        Largest absolute difference still counted as agreement (USD; default $0.5 M, the
        rounding of a month of 0.1 $M figures).

    Returns
    -------
    DataFrame
        ``period_end``, ``fund``, ``daily_sum_usd``, ``aggregate_usd``, ``diff_usd``
        (aggregate - daily sum), ``days``, ``status`` (``agree``/``disagree``/``single``).
    """
    a = agg[agg["period"] == period]
    if "asset" in a.columns:
        a = a[a["asset"] == "bitcoin"]
    mine = aggregate_flows(wide, period)
    m = mine.merge(
        a[["period_end", "fund", "flow_usd"]].rename(columns={"flow_usd": "aggregate_usd"}),
        on=["period_end", "fund"],
        how="outer",
    ).rename(columns={"flow_usd": "daily_sum_usd"})
    m["diff_usd"] = m["aggregate_usd"] - m["daily_sum_usd"]
    both = m["daily_sum_usd"].notna() & m["aggregate_usd"].notna()
    m["status"] = np.where(
        ~both, "single", np.where(m["diff_usd"].abs() > tolerance_usd, "disagree", "agree")
    )
    cols = ["period_end", "fund", "daily_sum_usd", "aggregate_usd", "diff_usd", "days", "status"]
    return m[cols].sort_values(["period_end", "fund"]).reset_index(drop=True)
