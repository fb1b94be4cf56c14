"""Brief section: rate expectations (FedWatch odds from ZQ settlements, target range, EFFR).

Also the helpers ``flowscope rates …`` shares: the as-of panel from the inputs that
:func:`flowscope.queries.rates.load_inputs` reads, range notes and the history chart.
"""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from flowscope.analytics import fedwatch as fw
from flowscope.errors import InsufficientDataError, StaleDataWarning
from flowscope.report._brief_model import BriefContext, BriefSection

if TYPE_CHECKING:
    import plotly.graph_objects as go

    from flowscope._typing import DateLike
    from flowscope.report._brief_model import FedWatchInputs

__all__ = [
    "build",
    "compute_panel",
    "history_figure",
    "meeting_status",
    "range_label",
    "range_note",
    "range_problem",
    "target_ranges",
]

#: A watch date older than this (calendar days) before the brief date is called stale.
STALE_DAYS = 7
IMPORT_HINT = (
    "import ZQ settlements with `flowscope import fed_futures FILE` "
    "(CME settlements JSON/CSV, per-contract daily CSV, Yahoo ZQ CSV)"
)


def target_ranges(
    inputs: FedWatchInputs, watch_dates: pd.Series | pd.DatetimeIndex
) -> pd.DataFrame:
    """Starting target range of each watch date, from the newer of FRED and the calendar.

    Returns
    -------
    DataFrame
        See :func:`flowscope.analytics.fedwatch.target_range_asof`.
    """
    return fw.target_range_asof(watch_dates, fred=inputs.target_range, calendar=inputs.calendar)


def range_label(row: pd.Series | dict[str, Any]) -> str:
    """``"1.50-1.75 % (FOMC calendar, decision of 2022-06-15)"`` for one resolved row."""
    if row["source"] is None or pd.isna(row["lower"]):
        return "unknown (no DFEDTARL/DFEDTARU and no FOMC decision held)"
    where = (
        f"FOMC calendar, decision of {row['range_date']:%Y-%m-%d}"
        if row["source"] == "fomc_calendar"
        else f"FRED, {row['range_date']:%Y-%m-%d}"
    )
    return f"{row['lower']:.2f}-{row['upper']:.2f} % ({where})"


def range_problem(row: pd.Series) -> str | None:
    """What is wrong with one resolved starting range (see :func:`range_note`), or None."""
    day = f"{row['watch_date']:%Y-%m-%d}"
    if bool(row["ranges_disagree"]):
        used = "the FOMC calendar" if row["source"] == "fomc_calendar" else "FRED"
        return (
            f"target range on {day}: FRED's newest DFEDTARL/DFEDTARU row "
            f"({row['fred_date']:%Y-%m-%d}) says {row['fred_lower']:.2f}-{row['fred_upper']:.2f} %, "
            f"the FOMC calendar's decision of {row['calendar_date']:%Y-%m-%d} says "
            f"{row['calendar_lower']:.2f}-{row['calendar_upper']:.2f} %; using {used} "
            "(the newer); refresh FRED with `flowscope update`"
        )
    if bool(row["older_than_last_meeting"]):
        return (
            f"target range on {day}: {range_label(row)} predates the FOMC meeting of "
            f"{row['last_meeting']:%Y-%m-%d}, whose decision neither FRED nor the calendar "
            "holds; the odds may sit on the wrong ranges (refresh with `flowscope update`)"
        )
    return None


def range_note(ranges: pd.DataFrame) -> str | None:
    """One line on the newest watch date whose starting range is in doubt, or None.

    Parameters
    ----------
    ranges
        Output of :func:`target_ranges`.

    Returns
    -------
    str or None
        The problem of the newest flagged watch date (inputs disagree, or the range predates
        the last meeting), with how many other watch dates are flagged.
    """
    flagged = ranges[ranges["ranges_disagree"] | ranges["older_than_last_meeting"]]
    if flagged.empty:
        return None
    note = range_problem(flagged.iloc[-1]) or ""
    if len(flagged) > 1:
        note += (
            f" (also {len(flagged) - 1} earlier watch date(s), "
            f"{flagged['watch_date'].iloc[0]:%Y-%m-%d}..{flagged['watch_date'].iloc[-2]:%Y-%m-%d})"
        )
    return note


def meeting_status(meeting_dates: pd.Series, asof: pd.Timestamp) -> pd.Series:
    """``"upcoming"`` for meetings after ``asof``, ``"held"`` for those on or before it."""
    return pd.Series(
        np.where(meeting_dates > asof, "upcoming", "held"), index=meeting_dates.index, dtype=object
    )


def compute_panel(
    inputs: FedWatchInputs,
    *,
    start: DateLike | None = None,
    end: DateLike | None = None,
    max_meetings: int = 8,
) -> pd.DataFrame:
    """FedWatch as-of panel for every settlement date in ``[start, end]``.

    Each watch date starts from the target range of :func:`target_ranges` (the newer of
    FRED and the FOMC calendar); a :class:`~flowscope.errors.StaleDataWarning` names the
    input used when the two disagree or the range predates the last meeting.

    Returns
    -------
    DataFrame
        See :func:`flowscope.analytics.fedwatch.fedwatch_panel`.

    Raises
    ------
    InsufficientDataError
        No ZQ settlements held (the message says how to import them).
    """
    fut = inputs.futures
    if fut.empty:
        msg = f"no fed funds futures held; {IMPORT_HINT}"
        raise InsufficientDataError(msg)
    dates = pd.Series(fut["date"].unique())
    if start is not None:
        dates = dates[dates >= pd.Timestamp(start)]
    if end is not None:
        dates = dates[dates <= pd.Timestamp(end)]
    if dates.empty:
        msg = f"no ZQ settlement dates between {start} and {end}"
        raise InsufficientDataError(msg)
    ranges = target_ranges(inputs, dates)
    note = range_note(ranges)
    if note is not None:
        warnings.warn(note, StaleDataWarning, stacklevel=2)
    panel = fw.fedwatch_panel(
        fut,
        inputs.meetings,
        target_range=ranges,
        watch_dates=dates,
        max_meetings=max_meetings,
        unscheduled=inputs.unscheduled,
    )
    if panel.empty:
        msg = (
            f"the ZQ settlements held ({dates.min():%Y-%m-%d}..{dates.max():%Y-%m-%d}) price "
            "no upcoming FOMC meeting: each meeting needs its month's contract and the "
            f"neighbouring months' ones; {IMPORT_HINT}"
        )
        raise InsufficientDataError(msg)
    return panel


def history_figure(panel: pd.DataFrame, meeting: DateLike) -> go.Figure:
    """Stacked area of target-range probabilities for one meeting over watch dates.

    Parameters
    ----------
    panel
        FedWatch panel (any number of meetings).
    meeting
        The meeting to show.

    Returns
    -------
    plotly.graph_objects.Figure
        One trace per target range (%), y in percent, x the watch date.
    """
    import plotly.graph_objects as go

    m = pd.Timestamp(meeting)
    sub = panel[panel["meeting_date"] == m]
    labels = np.where(
        sub["target_lower"].notna(),
        sub["target_lower"].map("{:.2f}".format) + "-" + sub["target_upper"].map("{:.2f}".format),
        sub["change_bp"].map("{:+d} bp".format),
    )
    wide = (
        sub.assign(range=labels)
        .pivot_table(index="watch_date", columns="range", values="probability", aggfunc="sum")
        .fillna(0.0)
        * 100
    )
    order = sorted(wide.columns, key=lambda c: float(c.split("-")[0].replace(" bp", "")))
    fig = go.Figure()
    for col in order:
        fig.add_scatter(
            x=wide.index,
            y=wide[col].round(2),
            mode="lines",
            stackgroup="one",
            name=f"{col} %" if " bp" not in col else col,
            hovertemplate="%{x|%Y-%m-%d}: %{y:.1f} %<extra>" + col + "</extra>",
        )
    fig.update_layout(
        title=f"FedWatch odds for the FOMC meeting of {m:%Y-%m-%d} (target range, %)",
        yaxis={"title": "probability, %", "range": [0, 100]},
        xaxis={"title": "watch date (ZQ settlement, US trading day)"},
        template="plotly_white",
        legend={"orientation": "h", "y": -0.2},
        margin={"l": 60, "r": 30, "t": 60, "b": 40},
    )
    return fig


def _pct(x: float) -> str:
    return f"{100 * x:.1f} %"


def build(ctx: BriefContext) -> BriefSection | None:
    """Return the rates section, or None when nothing is held for it."""
    fr, asof = ctx.frames, pd.Timestamp(ctx.asof).normalize()
    cal = fr.meetings
    rates = fr.policy_rates
    if cal.empty and rates.empty:
        return None
    sec = BriefSection(key="rates", title="Rate expectations (FedWatch)")
    upcoming = cal[(cal["kind"] == "scheduled") & (cal["meeting_date"] > asof)]
    if not upcoming.empty:
        nxt = upcoming.iloc[0]
        sep = " (with projections)" if bool(nxt["sep"]) is True else ""
        sec.bullets.append(f"Next FOMC meeting: {nxt['meeting_date']:%Y-%m-%d}{sep}.")
        sec.facts["next_meeting"] = f"{nxt['meeting_date']:%Y-%m-%d}"
    rng = fw.target_range_asof([asof], fred=fr.target_range, calendar=cal).iloc[0]
    if rng["source"] is not None:
        sec.bullets.append(f"Target range {range_label(rng)}.")
        sec.facts.update(
            target_lower=float(rng["lower"]),
            target_upper=float(rng["upper"]),
            target_range_source=str(rng["source"]),
            target_range_date=f"{rng['range_date']:%Y-%m-%d}",
        )
        problem = range_problem(rng)
        sec.facts["target_range_warning"] = problem
        if problem is not None:
            sec.bullets.append(f"Warning: {problem}.")
    if not rates.empty:
        last = rates.sort_values("date").groupby("series").last()
        if "EFFR" in last.index:
            e = last.loc["EFFR"]
            sec.bullets.append(
                f"Effective fed funds rate {e['value']:.2f} % ({e['date']:%Y-%m-%d})."
            )
            sec.facts["effr"] = float(e["value"])
        sec.provenance.append(
            f"rates: fred ({rates['date'].min():%Y-%m-%d}..{rates['date'].max():%Y-%m-%d})"
        )
        sec.asof = pd.Timestamp(rates["date"].max())
    inputs = fr.fedwatch_inputs
    try:
        if inputs is None:  # no FOMC calendar held
            raise InsufficientDataError(IMPORT_HINT)
        latest = inputs.futures["date"].max() if not inputs.futures.empty else asof
        panel = compute_panel(inputs, start=latest - pd.Timedelta(days=120), end=latest)
    except InsufficientDataError:
        sec.bullets.append(
            f"No fed funds futures are held up to {asof:%Y-%m-%d}, so no odds: {IMPORT_HINT}."
        )
        return sec
    summary = fw.meeting_summary(panel)
    watch = summary["watch_date"].max()
    today = summary[summary["watch_date"] == watch].sort_values("meeting_date")
    sec.asof = pd.Timestamp(watch)
    stale = (asof - watch).days > STALE_DAYS
    tag = f" - STALE, {(asof - watch).days} days old" if stale else ""
    sec.facts.update(watch_date=f"{watch:%Y-%m-%d}", stale=stale)
    ahead = today[today["meeting_date"] > asof]
    held = today[today["meeting_date"] <= asof]
    nxt_date = upcoming["meeting_date"].iloc[0] if not upcoming.empty else None
    missing_next = (
        f"no futures held for the next meeting {nxt_date:%Y-%m-%d}"
        if nxt_date is not None
        else "no upcoming meeting in the calendar"
    )
    provenance = (
        f"fed_futures: {', '.join(inputs.sources)} (watch date {watch:%Y-%m-%d}); "
        "fomc_meetings: bundled calendar"
    )
    if ahead.empty:
        sec.bullets.append(
            f"Newest ZQ settlements {watch:%Y-%m-%d}{tag}: odds for meetings after that date "
            f"only, and every meeting they price (to {today['meeting_date'].max():%Y-%m-%d}) "
            f"was held by {asof:%Y-%m-%d}; {missing_next} ({IMPORT_HINT})."
        )
        sec.provenance.append(provenance)
        return sec
    if not held.empty:
        done = ", ".join(f"{m:%Y-%m-%d}" for m in held["meeting_date"])
        sec.bullets.append(
            f"The ZQ settlements of {watch:%Y-%m-%d} predate the meeting(s) of {done}, held by "
            f"{asof:%Y-%m-%d}: their odds are not shown as upcoming."
        )
    first = ahead.iloc[0]
    if nxt_date is not None and first["meeting_date"] != nxt_date:
        sec.bullets.append(f"Newest ZQ settlements {watch:%Y-%m-%d}: {missing_next}.")
    today = ahead
    sec.bullets.append(
        f"Odds for {first['meeting_date']:%Y-%m-%d} on ZQ settlements of {watch:%Y-%m-%d}{tag}: "
        f"cut {_pct(first['p_cut'])}, hold {_pct(first['p_hold'])}, hike {_pct(first['p_hike'])}; "
        f"expected change {first['expected_change_bp']:+.1f} bp."
    )
    sec.facts.update(
        odds_meeting=f"{first['meeting_date']:%Y-%m-%d}",
        p_cut=float(first["p_cut"]),
        p_hold=float(first["p_hold"]),
        p_hike=float(first["p_hike"]),
    )
    week = summary[
        (summary["watch_date"] <= watch - pd.Timedelta(days=7))
        & (summary["meeting_date"] == first["meeting_date"])
    ]
    if not week.empty:
        w = week.iloc[-1]
        d_cut = 100 * (first["p_cut"] - w["p_cut"])
        d_hike = 100 * (first["p_hike"] - w["p_hike"])
        sec.bullets.append(
            f"Change since {w['watch_date']:%Y-%m-%d}: cut {d_cut:+.1f} pp, hike {d_hike:+.1f} pp."
        )
        sec.facts.update(d_cut_1w_pp=float(d_cut), d_hike_1w_pp=float(d_hike))
    events = fw.event_moves(panel, fr.release_events)
    if not events.empty:
        recent = events[events["date"] >= watch - pd.Timedelta(days=90)]
        if not recent.empty:
            big = recent.loc[recent["d_expected_bp"].abs().idxmax()]
            sec.bullets.append(
                f"Largest recent move: {big['kind']} of {big['date']:%Y-%m-%d}, expected rate "
                f"after {big['meeting_date']:%Y-%m-%d} {big['d_expected_bp']:+.1f} bp "
                f"(hike {big['d_hike_pp']:+.1f} pp, cut {big['d_cut_pp']:+.1f} pp)."
            )
            sec.facts["largest_event"] = f"{big['kind']} {big['date']:%Y-%m-%d}"
    table = today[
        ["meeting_date", "p_cut", "p_hold", "p_hike", "expected_rate", "likely_lower"]
    ].copy()
    for c in ("p_cut", "p_hold", "p_hike"):
        table[c] = (table[c] * 100).round(1)
    table = table.rename(
        columns={
            "p_cut": "cut %",
            "p_hold": "hold %",
            "p_hike": "hike %",
            "expected_rate": "expected rate %",
            "likely_lower": "likely range from %",
        }
    )
    sec.table = table.reset_index(drop=True)
    meeting = first["meeting_date"]
    sec.charts.append(lambda: history_figure(panel, meeting))
    sec.provenance.append(provenance)
    return sec
