"""`flowscope rates ...`: FedWatch odds, their history per meeting, moves around FOMC releases."""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

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
from flowscope.errors import (
    FlowscopeWarning,
    InsufficientDataError,
    UsageError,
)

if TYPE_CHECKING:
    import pandas as pd
else:
    pd = lazy_module("pandas")

__all__ = ["app"]

app = typer.Typer(
    help="Rate expectations: FedWatch odds from fed funds futures (ZQ), FOMC calendar.",
    no_args_is_help=True,
)

MaxOpt = Annotated[int, typer.Option("--meetings", help="Upcoming meetings to price.")]


def _date(value: str | None, name: str) -> pd.Timestamp | None:
    return parse_day(value, f"--{name}")


@contextmanager
def _notes() -> Iterator[None]:
    """Show flowscope warnings raised inside the block as one-line notes on stderr."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", FlowscopeWarning)
        yield
    for w in caught:
        if issubclass(w.category, FlowscopeWarning):
            err_console.print(f"[yellow]note:[/] {w.message}", highlight=False, soft_wrap=True)
        else:  # not ours: let Python's warning machinery handle it
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)


def _range_fields(row: pd.Series) -> dict[str, object]:
    """Columns naming the starting target range of the watch date and where it came from."""
    from flowscope.report.sections import rates as rs

    has = row["source"] is not None and pd.notna(row["lower"])
    return {
        "target_range_lower_pct": float(row["lower"]) if has else None,
        "target_range_upper_pct": float(row["upper"]) if has else None,
        "target_range_source": row["source"] if has else None,
        "target_range_date": row["range_date"] if has else None,
        "target_range_warning": rs.range_problem(row),
    }


def _pick_meeting(panel: pd.DataFrame, meeting: pd.Timestamp) -> pd.DataFrame:
    sub = panel[panel["meeting_date"] == meeting]
    if sub.empty:
        priced = pd.Series(sorted(panel["meeting_date"].unique()))
        near = priced.iloc[(priced - meeting).abs().argsort()[:8]].sort_values()
        held = ", ".join(f"{m:%Y-%m-%d}" for m in near)
        more = f" (nearest {len(near)} of {len(priced)})" if len(priced) > len(near) else ""
        msg = (
            f"no odds for a meeting on {meeting:%Y-%m-%d}; meetings priced{more}: {held or 'none'}"
        )
        raise InsufficientDataError(msg)
    return sub


@app.command("odds")
@handle_errors
def odds(
    asof: Annotated[
        str | None, typer.Option("--asof", help="Use settlements known on this date.")
    ] = None,
    meeting: Annotated[
        str | None, typer.Option("--meeting", help="Show the ranges of one meeting.")
    ] = None,
    meetings: MaxOpt = 8,
    fmt: FormatOpt = "table",
) -> None:
    """Target-range probabilities for the upcoming FOMC meetings (CME FedWatch method).

    Without --meeting: one row per meeting with P(cut)/P(hold)/P(hike) in %, the expected
    change (bp) and rate (%), and the most likely range. With --meeting: one row per range.
    """
    from flowscope.analytics import fedwatch as fw
    from flowscope.queries import rates as rq
    from flowscope.report.sections import rates as rs

    fmt = output_format(fmt)
    when = _date(asof, "asof")
    mdate = _date(meeting, "meeting")
    with open_cli_store(read_only=True) as store, _notes():
        inputs = rq.load_inputs(store, end=when)
        if inputs.futures.empty:
            msg = f"no fed funds futures held; {rs.IMPORT_HINT}"
            raise InsufficientDataError(msg)
        watch = inputs.futures["date"].max()
        panel = rs.compute_panel(
            inputs, start=watch - pd.Timedelta(days=10), end=watch, max_meetings=meetings
        )
    today = panel[panel["watch_date"] == panel["watch_date"].max()]
    first = today.iloc[0]
    wd = first["watch_date"]
    rng = rs.target_ranges(inputs, pd.DatetimeIndex([wd])).iloc[0]
    ref = (when if when is not None else pd.Timestamp.now(tz="UTC").tz_localize(None)).normalize()
    upcoming = inputs.meetings[inputs.meetings > ref].sort_values()
    next_meeting = upcoming.iloc[0] if not upcoming.empty else None
    extra = {"watch_date": wd, **_range_fields(rng)}
    if fmt == "table":
        age = (ref - wd).days
        stale = f" [STALE: {age} days old]" if age > rs.STALE_DAYS else ""
        console.print(
            f"FedWatch on ZQ settlements of {wd:%Y-%m-%d}{stale}; current target range "
            f"{rs.range_label(rng)}; sources: {', '.join(inputs.sources)}",
            highlight=False,
        )
        priced = today["meeting_date"]
        if (priced <= ref).any():
            console.print(
                f"Meetings on or before {ref:%Y-%m-%d} were already held: their odds are as "
                f"priced on {wd:%Y-%m-%d} (status 'held'), not a forecast.",
                highlight=False,
            )
        if next_meeting is not None and not (priced == next_meeting).any():
            console.print(
                f"Newest ZQ settlements {wd:%Y-%m-%d}: odds for meetings after that date only; "
                f"no futures held for the next meeting {next_meeting:%Y-%m-%d}.",
                highlight=False,
            )

    def with_extra(out: pd.DataFrame, status: Callable[[pd.DataFrame], pd.Series]) -> pd.DataFrame:
        out = out.assign(meeting_status=status(out))
        if fmt == "table":
            return out
        return out.assign(**extra)

    if mdate is not None:
        sub = _pick_meeting(today, mdate)
        week = panel[
            (panel["watch_date"] <= wd - pd.Timedelta(days=7)) & (panel["meeting_date"] == mdate)
        ]
        ranges = pd.notna(first["target_lower"])
        # compare with a week ago on absolute ranges (the current range may have moved since)
        key = ["target_lower", "target_upper"] if ranges else ["change_bp"]
        out = sub[[*key, "probability"]].copy()
        if not week.empty:
            prev = week[week["watch_date"] == week["watch_date"].max()]
            out = out.merge(
                prev[[*key, "probability"]].rename(columns={"probability": "week_ago"}),
                on=key,
                how="outer",
            )
            out["week_ago"] = (out["week_ago"].fillna(0.0) * 100).round(2)
        out["probability"] = (out["probability"].fillna(0.0) * 100).round(2)
        if ranges:
            base = first["target_lower"] - first["change_bp"] / 100
            out["change_bp"] = ((out["target_lower"] - base) * 100).round().astype(int)
        cols = (["target_lower", "target_upper"] if ranges else []) + ["change_bp", "probability"]
        cols += ["week_ago"] if "week_ago" in out.columns else []
        out = out.sort_values("change_bp")[cols]
        out = out.rename(
            columns={
                "target_lower": "target_lower_pct",
                "target_upper": "target_upper_pct",
                "probability": "probability_pct",
                "week_ago": "probability_week_ago_pct",
            }
        )
        out = out.reset_index(drop=True)
        print_frame(
            with_extra(out, lambda f: rs.meeting_status(pd.Series(mdate, index=f.index), ref)),
            fmt,
        )
        return
    s = fw.meeting_summary(today)
    out = pd.DataFrame(
        {
            "meeting": s["meeting_date"],
            "p_cut_pct": (s["p_cut"] * 100).round(1),
            "p_hold_pct": (s["p_hold"] * 100).round(1),
            "p_hike_pct": (s["p_hike"] * 100).round(1),
            "expected_change_bp": s["expected_change_bp"].round(1),
            "expected_rate_pct": s["expected_rate"].round(3),
            "likely_range_pct": s["likely_lower"].map("{:.2f}".format)
            + "-"
            + s["likely_upper"].map("{:.2f}".format),
            "p_likely_pct": (s["likely_probability"] * 100).round(1),
        }
    )
    print_frame(with_extra(out, lambda f: rs.meeting_status(f["meeting"], ref)), fmt)


@app.command("history")
@handle_errors
def history(
    meeting: Annotated[str, typer.Option("--meeting", help="The FOMC meeting (YYYY-MM-DD).")],
    start: Annotated[str | None, typer.Option("--start", help="First watch date.")] = None,
    end: Annotated[str | None, typer.Option("--end", help="Last watch date.")] = None,
    html: Annotated[
        Path | None, typer.Option("--html", help="Write the chart to this HTML file.")
    ] = None,
    fmt: FormatOpt = "table",
) -> None:
    """Odds for one meeting over every watch date held (table, and chart with --html)."""
    from flowscope.analytics import fedwatch as fw
    from flowscope.queries import rates as rq
    from flowscope.report.sections import rates as rs

    fmt = output_format(fmt)
    mdate = pd.Timestamp(_date(meeting, "meeting"))
    with open_cli_store(read_only=True) as store, _notes():
        inputs = rq.load_inputs(store, end=_date(end, "end"))
        panel = rs.compute_panel(inputs, start=_date(start, "start"), end=_date(end, "end"))
    sub = _pick_meeting(panel, mdate)
    s = fw.meeting_summary(sub)
    out = pd.DataFrame(
        {
            "watch_date": s["watch_date"],
            "p_cut_pct": (s["p_cut"] * 100).round(1),
            "p_hold_pct": (s["p_hold"] * 100).round(1),
            "p_hike_pct": (s["p_hike"] * 100).round(1),
            "expected_change_bp": s["expected_change_bp"].round(1),
            "expected_rate_pct": s["expected_rate"].round(3),
        }
    )
    print_frame(out, fmt)
    if html is not None:
        fig = rs.history_figure(sub, mdate)
        html.parent.mkdir(parents=True, exist_ok=True)
        fig.write_html(str(html), include_plotlyjs=True, full_html=True)
        err_console.print(f"chart written to {html}", highlight=False)


@app.command("events")
@handle_errors
def events(
    kind: Annotated[
        str | None, typer.Option("--kind", help="statement or minutes (default: both).")
    ] = None,
    after_days: Annotated[
        int, typer.Option("--after-days", help="Calendar days for the 'after' reading.")
    ] = 5,
    start: Annotated[str | None, typer.Option("--start", help="First event date.")] = None,
    fmt: FormatOpt = "table",
) -> None:
    """Moves in the next meeting's odds on FOMC statement and minutes release days."""
    from flowscope.analytics import fedwatch as fw
    from flowscope.queries import rates as rq
    from flowscope.report.sections import rates as rs

    fmt = output_format(fmt)
    if kind not in (None, "statement", "minutes"):
        msg = f"--kind must be statement or minutes, got {kind!r}"
        raise UsageError(msg, param_name="kind", received=kind)
    first_day = _date(start, "start")
    with open_cli_store(read_only=True) as store, _notes():
        inputs = rq.load_inputs(store)
        panel = rs.compute_panel(inputs, max_meetings=2)
        ev = rq.release_events(store)
    if kind is not None:
        ev = ev[ev["kind"] == kind]
    if first_day is not None:
        ev = ev[ev["date"] >= first_day]
    moves = fw.event_moves(panel, ev, after_days=after_days)
    if moves.empty:
        msg = "no FOMC release falls inside the ZQ settlements held"
        raise InsufficientDataError(msg)
    out = pd.DataFrame(
        {
            "date": moves["date"],
            "kind": moves["kind"],
            "next_meeting": moves["meeting_date"],
            "p_hike_before_pct": (moves["p_hike_before"] * 100).round(1),
            "p_hike_on_pct": (moves["p_hike_on"] * 100).round(1),
            "p_cut_before_pct": (moves["p_cut_before"] * 100).round(1),
            "p_cut_on_pct": (moves["p_cut_on"] * 100).round(1),
            "expected_rate_before_pct": moves["expected_rate_before"].round(3),
            "d_expected_bp": moves["d_expected_bp"].round(1),
            f"d_expected_after_{after_days}d_bp": moves["d_expected_after_bp"].round(1),
        }
    )
    print_frame(out, fmt)


@app.command("panel")
@handle_errors
def panel_cmd(
    start: Annotated[str | None, typer.Option("--start", help="First watch date.")] = None,
    end: Annotated[str | None, typer.Option("--end", help="Last watch date.")] = None,
    meetings: MaxOpt = 8,
    fmt: FormatOpt = "table",
) -> None:
    """Compute the as-of FedWatch panel from the ZQ settlements held and store it."""
    from flowscope.queries import rates as rq
    from flowscope.report.sections import rates as rs

    fmt = output_format(fmt)
    first, last_day = _date(start, "start"), _date(end, "end")
    with open_cli_store() as store, _notes():
        inputs = rq.load_inputs(store, end=last_day)
        if inputs.futures.empty:
            msg = f"no fed funds futures held; {rs.IMPORT_HINT}"
            raise InsufficientDataError(msg)
        panel = rs.compute_panel(inputs, start=first, end=last_day, max_meetings=meetings)
        res = rq.write_fedwatch_panel(store, panel, source="+".join(inputs.sources))
    used = rs.target_ranges(inputs, pd.DatetimeIndex(panel["watch_date"].unique()))
    counts = used["source"].value_counts()
    last = used.iloc[-1]
    if fmt != "table":
        summary = {
            "watch_dates": int(panel["watch_date"].nunique()),
            "first_watch_date": panel["watch_date"].min(),
            "last_watch_date": panel["watch_date"].max(),
            "rows_new": res.inserted,
            "rows_changed": res.updated,
            "rows_unchanged": res.unchanged,
            "target_range_watch_dates_fred": int(counts.get("fred", 0)),
            "target_range_watch_dates_fomc_calendar": int(counts.get("fomc_calendar", 0)),
            "target_range_lower_pct": float(last["lower"]) if pd.notna(last["lower"]) else None,
            "target_range_upper_pct": float(last["upper"]) if pd.notna(last["upper"]) else None,
        }
        if fmt == "json":
            print_json(summary)
        else:
            print_frame(pd.DataFrame([summary]), fmt)
        return
    console.print(
        f"fedwatch_panel: {panel['watch_date'].nunique()} watch dates "
        f"({panel['watch_date'].min():%Y-%m-%d}..{panel['watch_date'].max():%Y-%m-%d}), "
        f"{res.inserted} rows inserted, {res.updated} updated, {res.unchanged} unchanged",
        highlight=False,
    )
    console.print(
        f"target range: FRED on {int(counts.get('fred', 0))} watch dates, FOMC calendar on "
        f"{int(counts.get('fomc_calendar', 0))}; on {last['watch_date']:%Y-%m-%d}: "
        f"{rs.range_label(last)}",
        highlight=False,
    )


from flowscope.cli.rates_compare import register as _register_compare  # noqa: E402

_register_compare(app)
