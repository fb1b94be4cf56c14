"""Fed expectations from prediction markets (Kalshi, Polymarket) beside fed-funds futures.

Conventions
-----------
* Quotes are ``prediction_markets`` rows: YES prices in USD per 1 USD payout, read as
  probabilities 0..1; ``ts`` is UTC. ``meeting_date`` (the FOMC calendar's meeting in the
  market's month) is added by the caller.
* The implied probability of an outcome is its **mid**. Where a venue lists several outcomes
  of one meeting at one time, the mids are also **normalised** to sum to 1 and the raw sum is
  shown (above 1: the venue's overround; below: outcomes missing or one-sided books).
* The **implied cut bound**: P(cut) = 1 - P(no change) - P(hike) <= 1 - P(no change). With
  hike outcomes listed their mids are subtracted; without, the bound is ``1 - no_change``.
* A **release window** of ``h`` hours around a release at ``t`` compares the last quote at or
  before ``t`` (no older than ``t - h``) with the last quote at or before ``t + h`` (newer
  than ``t``). Moves are in probability points (0..1).
* Futures-implied odds (``analytics.fedwatch.meeting_summary``) are settlements of a US
  trading day ``D``; they are taken as known from ``D + 1`` 00:00 UTC (after the settlement
  is published), so a quote is never compared with a later settlement.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from flowscope.analytics.dates import RELEASE_TZ

__all__ = [
    "CUT_OUTCOMES",
    "HIKE_OUTCOMES",
    "compare_with_futures",
    "cut_bounds",
    "implied_probabilities",
    "release_times",
    "venue_timeline",
    "window_moves",
]

#: Outcome codes on each side of "no change".
CUT_OUTCOMES = ("cut", "cut_25", "cut_gt25")
HIKE_OUTCOMES = ("hike", "hike_25", "hike_gt25")
_GROUP = ["ts", "venue", "meeting_date"]


def implied_probabilities(quotes: pd.DataFrame) -> pd.DataFrame:
    """Implied probability per outcome: the mid, and mids normalised across outcomes.

    Parameters
    ----------
    quotes
        ``ts`` (UTC), ``venue``, ``meeting_date``, ``outcome``, ``mid`` (0..1).

    Returns
    -------
    DataFrame
        The quotes with a mid, plus ``mid_sum`` (sum of the mids of the outcomes listed at
        that time, venue and meeting), ``outcome_count`` and ``probability_normalised``
        (``mid / mid_sum``; NaN when only one outcome is listed: nothing to normalise).
    """
    out = quotes[quotes["mid"].notna()].copy()
    grp = out.groupby(_GROUP, sort=False)["mid"]
    out["mid_sum"] = grp.transform("sum")
    out["outcome_count"] = grp.transform("count")
    out["probability_normalised"] = (out["mid"] / out["mid_sum"]).where(out["outcome_count"] > 1)
    return out.reset_index(drop=True)


def cut_bounds(quotes: pd.DataFrame) -> pd.DataFrame:
    """Per time, venue and meeting: P(no change), listed P(cut), and the implied cut bound.

    Returns
    -------
    DataFrame
        ``ts``, ``venue``, ``meeting_date``, ``no_change`` (mid, 0..1), ``cut_listed`` (sum
        of the listed cut outcomes' mids, NaN when none is listed), ``hike_listed`` (idem),
        ``cut_upper_bound`` (``1 - no_change - hike_listed``, hike taken as 0 when not
        listed; NaN without a no-change quote). Sorted by ``ts``.
    """
    q = quotes[quotes["mid"].notna()]
    side = np.select(
        [q["outcome"].eq("no_change"), q["outcome"].isin(CUT_OUTCOMES)],
        ["no_change", "cut_listed"],
        default="hike_listed",
    )
    wide = (
        q.assign(side=side)
        .pivot_table(index=_GROUP, columns="side", values="mid", aggfunc="sum")
        .reindex(columns=["no_change", "cut_listed", "hike_listed"])
    )
    wide.columns.name = None
    wide["cut_upper_bound"] = 1.0 - wide["no_change"] - wide["hike_listed"].fillna(0.0)
    return wide.reset_index().sort_values(["ts", "venue"]).reset_index(drop=True)


def release_times(calendar: pd.DataFrame, *, hour_et: int = 14) -> pd.DataFrame:
    """FOMC release instants (UTC) from the calendar: statements and minutes.

    Parameters
    ----------
    calendar
        ``fomc_meetings`` rows: ``meeting_date``, ``kind``, ``statement_release`` (UTC, may
        be missing), ``minutes_release`` (US/Eastern date, may be missing).
    hour_et
        Release hour in New York when only the day is known (FOMC: 2 p.m.).

    Returns
    -------
    DataFrame
        ``release_utc``, ``kind`` ('statement' or 'minutes'), ``meeting_date``; sorted.
    """
    cal = calendar[calendar["kind"] == "scheduled"]
    at = pd.Timedelta(hours=hour_et)

    def eastern(days: pd.Series) -> pd.Series:
        return (pd.to_datetime(days) + at).dt.tz_localize(RELEASE_TZ).dt.tz_convert("UTC")

    stmt = pd.to_datetime(cal["statement_release"], utc=True)
    stmt = stmt.where(stmt.notna(), eastern(cal["meeting_date"]))
    minutes = cal[cal["minutes_release"].notna()]
    out = pd.concat(
        [
            pd.DataFrame(
                {"release_utc": stmt, "kind": "statement", "meeting_date": cal["meeting_date"]}
            ),
            pd.DataFrame(
                {
                    "release_utc": eastern(minutes["minutes_release"]),
                    "kind": "minutes",
                    "meeting_date": minutes["meeting_date"],
                }
            ),
        ],
        ignore_index=True,
    )
    return out.sort_values("release_utc").reset_index(drop=True)


def window_moves(
    series: pd.DataFrame, releases: pd.Series, *, hours: float, value: str = "no_change"
) -> pd.DataFrame:
    """Move of ``value`` per source across each release window (``release ± hours``).

    Parameters
    ----------
    series
        ``ts`` (UTC), ``source`` and the ``value`` column.
    releases
        Release instants (UTC).
    hours
        Half-width of the window (hours).
    value
        Column to measure (probability 0..1).

    Returns
    -------
    DataFrame
        One row per (release, source): ``release_utc``, ``source``, ``before_ts``,
        ``before``, ``after_ts``, ``after``, ``move`` (``after - before``; NaN when either
        side has no quote inside the window).
    """
    width = pd.Timedelta(hours=hours)
    ns = "datetime64[ns, UTC]"  # one resolution on both sides of the as-of joins
    rel = pd.DataFrame({"release_utc": pd.to_datetime(pd.Series(releases), utc=True).astype(ns)})
    s = series[series[value].notna()][["ts", "source", value]].sort_values("ts")
    s = s.assign(ts=pd.to_datetime(s["ts"], utc=True).astype(ns))
    sources = pd.DataFrame({"source": sorted(s["source"].unique())})
    grid = rel.merge(sources, how="cross")
    grid["_after_at"] = grid["release_utc"] + width
    before = pd.merge_asof(
        grid.sort_values("release_utc"),
        s.rename(columns={"ts": "before_ts", value: "before"}),
        left_on="release_utc",
        right_on="before_ts",
        by="source",
        tolerance=width,
    )
    both = pd.merge_asof(
        before.sort_values("_after_at"),
        s.rename(columns={"ts": "after_ts", value: "after"}),
        left_on="_after_at",
        right_on="after_ts",
        by="source",
    )
    late = both["after_ts"] <= both["release_utc"]
    both.loc[late, ["after_ts", "after"]] = [pd.NaT, np.nan]
    both["move"] = both["after"] - both["before"]
    cols = ["release_utc", "source", "before_ts", "before", "after_ts", "after", "move"]
    return both[cols].sort_values(["release_utc", "source"]).reset_index(drop=True)


def venue_timeline(bounds: pd.DataFrame, *, tolerance: str = "15min") -> pd.DataFrame:
    """Venues side by side on one timeline, with their difference.

    Parameters
    ----------
    bounds
        Output of :func:`cut_bounds` for one meeting.
    tolerance
        Largest time between two venues' quotes put on one row.

    Returns
    -------
    DataFrame
        ``ts`` (the first venue's quote time, UTC); per venue ``<venue>_no_change`` and
        ``<venue>_cut_upper_bound`` (0..1); with two venues ``<b>_minus_<a>_no_change``.
    """
    venues = sorted(bounds["venue"].unique())
    if not venues:
        return pd.DataFrame({"ts": pd.Series(dtype="datetime64[ns, UTC]")})

    def part(v: str) -> pd.DataFrame:
        p = bounds.loc[bounds["venue"] == v, ["ts", "no_change", "cut_upper_bound"]]
        return p.rename(columns={c: f"{v}_{c}" for c in ("no_change", "cut_upper_bound")})

    out = part(venues[0]).sort_values("ts")
    for v in venues[1:]:
        other = part(v).sort_values("ts").rename(columns={"ts": f"_{v}_ts"})
        out = pd.merge_asof(
            out,
            other,
            left_on="ts",
            right_on=f"_{v}_ts",
            direction="nearest",
            tolerance=pd.Timedelta(tolerance),
        ).drop(columns=f"_{v}_ts")
    if len(venues) == 2:
        a, b = venues
        out[f"{b}_minus_{a}_no_change"] = out[f"{b}_no_change"] - out[f"{a}_no_change"]
    return out.reset_index(drop=True)


def compare_with_futures(timeline: pd.DataFrame, futures: pd.DataFrame) -> pd.DataFrame:
    """Add the futures-implied odds known at each quote time, and each venue's difference.

    Parameters
    ----------
    timeline
        Output of :func:`venue_timeline`.
    futures
        ``analytics.fedwatch.meeting_summary`` rows of one meeting: ``watch_date``,
        ``p_hold``, ``p_cut`` (0..1).

    Returns
    -------
    DataFrame
        ``timeline`` plus ``futures_watch_date``, ``futures_no_change``, ``futures_cut``
        and ``<venue>_minus_futures_no_change`` per venue (probability points).
    """
    f = futures[["watch_date", "p_hold", "p_cut"]].rename(
        columns={
            "watch_date": "futures_watch_date",
            "p_hold": "futures_no_change",
            "p_cut": "futures_cut",
        }
    )
    f = f.assign(
        _known=pd.to_datetime(f["futures_watch_date"]).dt.tz_localize("UTC") + pd.Timedelta(days=1)
    ).sort_values("_known")
    ns = "datetime64[ns, UTC]"  # one resolution on both sides of the as-of join
    f["_known"] = f["_known"].astype(ns)
    tl = timeline.assign(ts=pd.to_datetime(timeline["ts"], utc=True).astype(ns))
    out = pd.merge_asof(tl.sort_values("ts"), f, left_on="ts", right_on="_known")
    out = out.drop(columns="_known")
    for col in [c for c in timeline.columns if c.endswith("_no_change") and "_minus_" not in c]:
        venue = col.removesuffix("_no_change")
        out[f"{venue}_minus_futures_no_change"] = out[col] - out["futures_no_change"]
    return out.reset_index(drop=True)
