"""``flowscope rates compare``: prediction markets and futures on one timeline for one meeting."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from flowscope._lazy import lazy_module
from flowscope.cli._common import (
    FormatOpt,
    console,
    err_console,
    handle_errors,
    open_cli_store,
    output_format,
    parse_day,
    print_frame,
    print_json,
)
from flowscope.errors import FlowscopeWarning, InsufficientDataError, UsageError

if TYPE_CHECKING:
    import pandas as pd
else:
    pd = lazy_module("pandas")

__all__ = ["register"]

#: An upcoming meeting's newest quote older than this is called stale.
STALE_AFTER = "1D"
_ET = "America/New_York"


def register(rates_app: typer.Typer) -> None:
    """Add ``compare`` to the ``rates`` command group."""
    rates_app.command("compare")(compare)


@contextmanager
def _notes(sink: list[str]) -> Iterator[None]:
    """Collect flowscope warnings raised inside the block (shown once the data is out)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", FlowscopeWarning)
        yield
    for w in caught:
        if issubclass(w.category, FlowscopeWarning):
            sink.append(str(w.message))
        else:
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)


def parse_release(value: str) -> pd.Timestamp:
    """A release instant from ``--around``: naive times are US/Eastern; returned in UTC."""
    try:
        ts = pd.Timestamp(value)
    except (ValueError, TypeError):
        ts = pd.NaT
    if ts is pd.NaT or pd.isna(ts):
        msg = (
            f"--around: not a date-time: {value!r} (use 'YYYY-MM-DD HH:MM' in New York time, "
            "e.g. --around '2025-11-19 14:00', or give an offset: 2025-11-19T19:00Z)"
        )
        raise UsageError(msg, param_name="around", received=value)
    return ts.tz_localize(_ET).tz_convert("UTC") if ts.tz is None else ts.tz_convert("UTC")


def _futures(meeting: pd.Timestamp, first: pd.Timestamp, last: pd.Timestamp, store: Any) -> Any:
    """Futures-implied odds of ``meeting`` per watch date in the quotes' span (or empty)."""
    from flowscope.analytics import fedwatch as fw
    from flowscope.queries import rates as rq
    from flowscope.report.sections import rates as rs

    inputs = rq.load_inputs(store, end=last.tz_convert(None).normalize())
    if inputs.futures.empty:
        return pd.DataFrame(columns=["watch_date", "p_hold", "p_cut"])
    start = first.tz_convert(None).normalize() - pd.Timedelta(days=7)
    try:
        panel = rs.compute_panel(inputs, start=start, end=last.tz_convert(None).normalize())
    except InsufficientDataError:
        return pd.DataFrame(columns=["watch_date", "p_hold", "p_cut"])
    summary = fw.meeting_summary(panel)
    return summary[summary["meeting_date"] == meeting].reset_index(drop=True)


def _pct(df: pd.DataFrame, cols: list[str]) -> pd.DataFrame:
    out = df.copy()
    for c in cols:
        out[c] = (out[c] * 100).round(2)
    return out


def _timeline_cols(df: pd.DataFrame) -> dict[str, str]:
    """Output names: probabilities in %, differences in percentage points."""
    names = {"ts": "ts_utc", "futures_watch_date": "futures_watch_date"}
    for c in df.columns:
        if c in names:
            continue
        if "_minus_" in c:
            names[c] = c.replace("_no_change", "_no_change_pp")
        else:
            names[c] = f"{c}_pct"
    return names


def _figure(timeline: pd.DataFrame, releases: pd.Series, meeting: pd.Timestamp) -> Any:
    import plotly.graph_objects as go

    fig = go.Figure()
    for col in [c for c in timeline.columns if c.endswith("_no_change") and "_minus_" not in c]:
        fig.add_scatter(
            x=timeline["ts"],
            y=(timeline[col] * 100).round(2),
            mode="lines",
            name=f"{col.removesuffix('_no_change')} P(no change) %",
            line={"shape": "hv"},
        )
    for r in releases:
        fig.add_vline(x=r, line={"dash": "dot", "color": "#868e96"})
    fig.update_layout(
        title=f"FOMC {meeting:%Y-%m-%d}: implied P(no change), % (UTC; dotted: releases)",
        yaxis={"title": "probability, %", "range": [0, 100]},
        hovermode="x unified",
    )
    return fig


@handle_errors
def compare(
    meeting: Annotated[
        str, typer.Option("--meeting", help="FOMC meeting (last day), e.g. 2025-12-10.")
    ],
    around: Annotated[
        list[str] | None,
        typer.Option(
            "--around",
            help="Release time to measure moves across (New York time unless an offset is "
            "given; repeatable). Default: the FOMC statements and minutes released while "
            "the quotes were taken.",
        ),
    ] = None,
    hours: Annotated[
        float, typer.Option("--hours", help="Half-width of each release window, hours.")
    ] = 2.0,
    fmt: FormatOpt = "table",
    chart: Annotated[
        Path | None, typer.Option("--chart", help="Also write an HTML chart to this file.")
    ] = None,
) -> None:
    """Kalshi, Polymarket (and futures, when held) odds for one meeting on one timeline.

    Per quote time: each venue's P(no change) and implied cut bound (1 - P(no change) - listed
    hikes), in %, the difference between venues and, with fed funds futures held, the
    FedWatch odds known at that time and each venue's difference (percentage points). Then
    each source's move across every release window (last quote at or before the release vs.
    the last one at or before release + --hours).
    """
    from flowscope.analytics import prediction_markets as apm
    from flowscope.queries import prediction_markets as qpm

    fmt = output_format(fmt)
    mdate = parse_day(meeting, "--meeting")
    assert mdate is not None  # a required option
    if not (hours > 0 and hours <= 24 * 14):
        msg = f"--hours: {hours} is not a window half-width in hours (0 < hours <= 336)"
        raise UsageError(msg, param_name="hours", received=hours)
    given = [parse_release(a) for a in around or []]
    notes: list[str] = []
    with open_cli_store(read_only=True) as store, _notes(notes):
        cal = qpm.load_calendar(store)
        quotes = qpm.quotes_for_meeting(qpm.load_quotes(store, cal), mdate)
        first, last = quotes["ts"].min(), quotes["ts"].max()
        futures = _futures(mdate, first, last, store)
    bounds = apm.cut_bounds(quotes)
    timeline = apm.venue_timeline(bounds)
    has_futures = not futures.empty
    if has_futures:
        timeline = apm.compare_with_futures(timeline, futures)
    if given:
        releases = pd.Series(given, dtype="datetime64[ns, UTC]")
        kinds = ["given"] * len(given)
    else:
        rel = apm.release_times(cal)
        rel = rel[(rel["release_utc"] >= first) & (rel["release_utc"] <= last)]
        releases, kinds = rel["release_utc"].reset_index(drop=True), rel["kind"].tolist()
    series = bounds[["ts", "venue", "no_change", "cut_upper_bound"]].rename(
        columns={"venue": "source"}
    )
    if has_futures:
        fut = timeline[["ts", "futures_no_change", "futures_cut"]].dropna()
        series = pd.concat(
            [
                series,
                pd.DataFrame(
                    {
                        "ts": fut["ts"],
                        "source": "futures",
                        "no_change": fut["futures_no_change"],
                        "cut_upper_bound": fut["futures_cut"],
                    }
                ),
            ],
            ignore_index=True,
        )
    moves = apm.window_moves(series, releases, hours=hours)
    moves["release_kind"] = moves["release_utc"].map(dict(zip(releases, kinds, strict=True)))
    moves = moves.rename(
        columns={
            "before_ts": "before_ts_utc",
            "after_ts": "after_ts_utc",
            "before": "no_change_before_pct",
            "after": "no_change_after_pct",
            "move": "no_change_move_pp",
        }
    )
    moves = _pct(moves, ["no_change_before_pct", "no_change_after_pct", "no_change_move_pp"])
    moves["cut_bound_move_pp"] = -moves["no_change_move_pp"]
    moves = moves[
        ["release_utc", "release_kind", "source", "before_ts_utc", "no_change_before_pct",
         "after_ts_utc", "no_change_after_pct", "no_change_move_pp", "cut_bound_move_pp"]
    ]  # fmt: skip
    now = pd.Timestamp.now(tz="UTC")
    stale = mdate.tz_localize(_ET) > now and now - last > pd.Timedelta(STALE_AFTER)
    if stale:
        notes.insert(
            0, f"STALE: newest quote {last:%Y-%m-%d %H:%M} UTC, before an upcoming meeting"
        )
    if not has_futures:
        notes.append("no fed funds futures held for these dates: venues only")
    venues = sorted(quotes["venue"].unique())
    sources = sorted(quotes["source"].unique())
    pct_cols = [c for c in timeline.columns if c not in ("ts", "futures_watch_date")]
    out = _pct(timeline, pct_cols).rename(columns=_timeline_cols(timeline))
    if chart is not None:
        fig = _figure(timeline, releases, mdate)
        chart.parent.mkdir(parents=True, exist_ok=True)
        fig.write_html(str(chart), include_plotlyjs=True, full_html=True)
    if fmt == "json":
        print_json(
            {
                "meeting_date": mdate,
                "venues": venues,
                "sources": sources,
                "quotes_first_utc": first,
                "quotes_last_utc": last,
                "stale": bool(stale),
                "futures_held": has_futures,
                "window_hours": hours,
                "notes": notes,
                "release_moves": moves.astype(object).where(moves.notna(), None).to_dict("records"),
                "timeline": out.astype(object).where(out.notna(), None).to_dict("records"),
            }
        )
        return
    if fmt == "csv":
        print_frame(out, "csv")
    else:
        console.print(
            f"FOMC {mdate:%Y-%m-%d}: {', '.join(venues)} quotes {first:%Y-%m-%d %H:%M} .. "
            f"{last:%Y-%m-%d %H:%M} UTC (source: {', '.join(sources)}); futures: "
            f"{'held' if has_futures else 'none held'}",
            highlight=False,
        )
        print_frame(moves, "table", title=f"Moves across release windows (±{hours:g} h)")
        near = pd.Series(False, index=timeline.index)
        for r in releases:
            near |= (timeline["ts"] - r).abs() <= pd.Timedelta(hours=hours)
        shown = out[near.to_numpy()] if near.any() else out
        print_frame(
            shown,
            "table",
            title="Timeline (P in %, differences in pp)"
            + (" inside the release windows; --format csv for all" if near.any() else ""),
        )
    for n in notes:
        err_console.print(f"[yellow]note:[/] {n}", highlight=False, soft_wrap=True)
    if chart is not None and fmt == "table":
        console.print(f"wrote {chart}", highlight=False)
