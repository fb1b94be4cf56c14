"""``flowscope flows ...``: spot-Bitcoin ETF flows (show, records, reconcile, revisions, chart).

Units: the store holds ``flow_usd`` in US dollars. Tables, CSV and JSON show both
``flow_musd`` (US$ millions, rounded to 0.1 as Farside publishes them) and ``flow_usd``.
Rows dated outside a fund's life (bundled fund lifetime table) are ignored, with a note on
stderr, so a fund's statistics count only its own sessions.
"""

from __future__ import annotations

import re
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
    InsufficientDataError,
    UsageError,
)

if TYPE_CHECKING:
    import pandas as pd
else:
    pd = lazy_module("pandas")

__all__ = ["app"]

app = typer.Typer(
    help="Spot-Bitcoin ETF flows: per fund and all-fund Total (USD; $M in tables).",
    no_args_is_help=True,
)

FundOpt = Annotated[
    list[str] | None,
    typer.Option("--fund", "-f", help="Fund ticker or 'Total' (repeatable; default: all)."),
]
StartOpt = Annotated[str | None, typer.Option("--start", help="First day (YYYY-MM-DD).")]
EndOpt = Annotated[str | None, typer.Option("--end", help="Last day (YYYY-MM-DD).")]
SourceOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--source",
        "-s",
        help="Only these sources (repeatable; default: all, one value per day and fund "
        "chosen by preference farside > sosovalue > defillama > artemis).",
    ),
]


def _musd_key(name: str) -> str:
    """A snake_case JSON/CSV key for a fund or source column in US$ M (``farside-july_musd``)."""
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_") + "_musd"


def _norm_funds(funds: list[str] | None) -> list[str] | None:
    if not funds:
        return None
    return ["Total" if f.strip().lower() == "total" else f.strip().upper() for f in funds]


def _read(
    funds: list[str] | None,
    start: str | None,
    end: str | None,
    sources: list[str] | None,
    *,
    preferred: bool = False,
) -> pd.DataFrame:
    """Stored flows in range, clipped to fund lifetimes; ``preferred``: one row per (date,
    fund) by ``store.preference("etf_flows")``."""
    from flowscope.analytics import flows as fa
    from flowscope.schemas.funds import fund_lifetimes

    s, e = parse_day(start, "--start"), parse_day(end, "--end")
    if s is not None and e is not None and e < s:
        msg = f"--end {e:%Y-%m-%d} is before --start {s:%Y-%m-%d}"
        raise UsageError(msg, param_name="end", received=end)
    with open_cli_store(read_only=True) as store:
        df = store.etf_flows(start=s, end=e, funds=_norm_funds(funds), source=sources or None)
        priority = store.preference("etf_flows")
    clipped = fa.clip_to_lifetimes(df, fund_lifetimes())
    if len(clipped) < len(df):
        gone = df.merge(clipped[["date", "fund", "source"]], how="left", indicator=True)
        gone = gone[gone["_merge"] == "left_only"]
        per = ", ".join(f"{f}: {n}" for f, n in gone["fund"].value_counts().sort_index().items())
        err_console.print(
            f"note: {len(gone)} stored row(s) dated outside their fund's life ignored ({per}); "
            "re-import the source file to clean the store"
        )
    df = clipped
    if df.empty:
        what = ", ".join(_norm_funds(funds) or ["any fund"])
        msg = (
            f"no ETF flows held for {what} in {start or 'the beginning'}..{end or 'now'}; "
            "run `flowscope init` or `flowscope import etf_flows FILE`"
        )
        raise InsufficientDataError(msg)
    return fa.select_canonical(df, priority=priority) if preferred else df


@app.command("show")
@handle_errors
def show(
    fund: FundOpt = None,
    start: StartOpt = None,
    end: EndOpt = None,
    fmt: FormatOpt = "table",
    source: SourceOpt = None,
    wide: Annotated[
        bool, typer.Option("--wide", help="One column per fund ($M) instead of one row each.")
    ] = False,
) -> None:
    """Daily net flows per fund and the all-fund Total.

    Long output has columns date, fund, flow_musd ($M), flow_usd (USD), aum_usd, source.
    'Total' is all US spot-Bitcoin ETFs together, not IBIT.
    """
    from flowscope.analytics import flows as fa
    from flowscope.report.units import musd

    fmt = output_format(fmt)
    df = _read(fund, start, end, source, preferred=True)
    df = df[df["flow_usd"].notna() | df["aum_usd"].notna()]
    if wide:
        w = fa.flows_wide(df)
        out = musd(w).reset_index()
        if fmt != "table":  # keys name the unit: ibit_musd, total_musd
            out.columns = ["date", *(_musd_key(c) for c in out.columns[1:])]
        print_frame(out, fmt, title="ETF net flows, US$ M", floatfmt=",.1f")
        return
    order = {f: i for i, f in enumerate(sorted(set(df["fund"]) - {"Total"}))}
    order["Total"] = len(order)
    df = df.assign(_o=df["fund"].map(order)).sort_values(["date", "_o"]).drop(columns="_o")
    out = pd.DataFrame(
        {
            "date": df["date"],
            "fund": df["fund"],
            "flow_musd": musd(df["flow_usd"]),
            "flow_usd": df["flow_usd"],
            "aum_usd": df["aum_usd"],
            "source": df["source"],
        }
    ).reset_index(drop=True)
    if out["aum_usd"].isna().all():
        out = out.drop(columns="aum_usd")
    print_frame(out, fmt, title="ETF net flows (flow_musd in US$ M)", floatfmt=",.1f")


@app.command("records")
@handle_errors
def records(
    fund: Annotated[str, typer.Option("--fund", "-f", help="Fund ticker or 'Total'.")] = "Total",
    windows: Annotated[
        list[int] | None,
        typer.Option("--window", "-w", help="Window lengths in sessions (default 1 and 4)."),
    ] = None,
    top: Annotated[int, typer.Option("--top", help="Windows listed per length.")] = 3,
    ending: Annotated[
        str | None,
        typer.Option(
            "--rank-ending",
            help="Also rank the windows ending on this day (YYYY-MM-DD) among all windows.",
        ),
    ] = None,
    fmt: FormatOpt = "table",
    source: SourceOpt = None,
) -> None:
    """Since-inception records: first outflow, largest 1-/N-day outflows, longest outflow streak.

    Also the cumulative net flow, and with --rank-ending the rank of the windows ending that day.
    """
    from flowscope.analytics import flows as fa
    from flowscope.report.units import musd
    from flowscope.schemas.funds import fund_lifetimes

    fmt = output_format(fmt)
    name = _norm_funds([fund])[0]  # type: ignore[index]
    df = _read([name], None, None, source, preferred=True)
    series = df.set_index("date")["flow_usd"].dropna()
    wins = tuple(windows or (1, 4))
    life = fund_lifetimes().set_index("ticker")
    launch = life["first_day"].get(name)
    last_day = life["last_day"].get(name)
    rec = fa.flow_records(
        series,
        fund=name,
        windows=wins,
        top=top,
        launch=launch,
        last_day=None if last_day is None or pd.isna(last_day) else last_day,
    )
    out = rec.to_frame()
    if ending is not None:
        day = parse_day(ending, "--rank-ending")
        extra = []
        for n in wins:
            sums = series.rolling(n, min_periods=n).sum()
            if day not in sums.index or pd.isna(sums.loc[day]):
                msg = f"{name}: no {n}-session window ends on {day:%Y-%m-%d}"
                raise InsufficientDataError(msg)
            start_day = series.index[series.index.get_loc(day) - n + 1]
            extra.append(
                {
                    "fund": name,
                    "record": f"{n}-day window ending {day:%Y-%m-%d}",
                    "date": start_day,
                    "end": day,
                    "value_usd": float(sums.loc[day]),
                    "rank": fa.window_rank(series, n, day),
                    "note": f"rank among {int(sums.notna().sum())} overlapping windows",
                }
            )
        out = pd.concat([out, pd.DataFrame(extra)], ignore_index=True)
    out.insert(out.columns.get_loc("value_usd"), "value_musd", musd(out.pop("value_usd")))
    out["rank"] = out["rank"].astype("Int64")
    if fmt == "table":
        out = out.drop(columns="fund")
        out["rank"] = pd.Series(
            [None if pd.isna(r) else str(int(r)) for r in out["rank"]],
            dtype=object,
            index=out.index,
        )
    print_frame(out, fmt, title=f"{name} flow records (US$ M)", floatfmt=",.1f")


@app.command("reconcile")
@handle_errors
def reconcile(
    fund: FundOpt = None,
    start: StartOpt = None,
    end: EndOpt = None,
    tolerance: Annotated[
        float, typer.Option("--tolerance", help="Agreement tolerance in US$ M.")
    ] = 0.05,
    only_disagree: Annotated[
        bool, typer.Option("--disagree", help="Show only rows where sources disagree.")
    ] = False,
    period: Annotated[
        str,
        typer.Option(
            "--period",
            help="day: sources side by side per day; week / month: sums of the daily series "
            "against weekly / monthly aggregates held (Artemis).",
        ),
    ] = "day",
    fmt: FormatOpt = "table",
    source: SourceOpt = None,
) -> None:
    """Values of every source side by side per day and fund ($M), disagreements flagged."""
    from flowscope.analytics import flows as fa
    from flowscope.report.units import USD_PER_MUSD, musd

    fmt = output_format(fmt)
    if period in {"week", "month"}:
        _reconcile_periods(fund, start, end, period, tolerance, only_disagree, fmt, source)
        return
    if period != "day":
        msg = f"--period must be day, week or month, got {period!r}"
        raise UsageError(msg, param_name="period", received=period)
    df = _read(fund, start, end, source)
    rec = fa.reconcile_sources(df, tolerance_usd=tolerance * USD_PER_MUSD)
    srcs = [
        c for c in rec.columns if c not in {"date", "fund", "n_sources", "spread_usd", "status"}
    ]
    for c in srcs:
        rec[c] = musd(rec[c])
    if fmt != "table":  # keys name the unit: farside_musd, sosovalue_musd
        rec = rec.rename(columns={c: _musd_key(c) for c in srcs})
    rec["spread_musd"] = musd(rec.pop("spread_usd"))
    if only_disagree:
        rec = rec[rec["status"] == "disagree"]
    counts = rec["status"].value_counts().to_dict()
    print_frame(
        rec.reset_index(drop=True),
        fmt,
        title="ETF flows by source (US$ M)",
        floatfmt=",.1f",
    )
    if fmt == "table":
        console.print(
            ", ".join(f"{k}: {v}" for k, v in sorted(counts.items())) or "nothing to compare"
        )


def _reconcile_periods(
    fund: list[str] | None,
    start: str | None,
    end: str | None,
    period: str,
    tolerance: float,
    only_disagree: bool,
    fmt: str,
    source: list[str] | None,
) -> None:
    from flowscope.analytics import flows as fa
    from flowscope.report.units import USD_PER_MUSD, musd

    daily = _read(fund, start, end, source, preferred=True)
    funds = _norm_funds(fund)
    with open_cli_store(read_only=True) as store:
        agg = store.read(
            "etf_flows_agg",
            start=parse_day(start, "--start"),
            end=parse_day(end, "--end"),
            where={"period": period, "asset": "bitcoin", **({"fund": funds} if funds else {})},
        )
    if agg.empty:
        msg = (
            f"no {period}ly ETF-flow aggregates held; import one, e.g. "
            "`flowscope import etf_flows_agg moltovy_artemis_bitcoin_etf_flows_monthly.csv`"
        )
        raise InsufficientDataError(msg)
    wide = fa.flows_wide(daily)
    rec = fa.reconcile_aggregates(wide, agg, period=period, tolerance_usd=tolerance * USD_PER_MUSD)
    lo, hi = agg["period_end"].min(), agg["period_end"].max()
    rec = rec[(rec["period_end"] >= lo) & (rec["period_end"] <= hi)]
    if funds is None:
        rec = rec[rec["fund"].isin(set(agg["fund"]))]
    out = pd.DataFrame(
        {
            "period_end": rec["period_end"],
            "fund": rec["fund"],
            "daily_sum_musd": musd(rec["daily_sum_usd"]),
            "aggregate_musd": musd(rec["aggregate_usd"]),
            "diff_musd": musd(rec["diff_usd"]),
            "days": rec["days"],
            "status": rec["status"],
        }
    )
    counts = out["status"].value_counts().to_dict()
    if only_disagree:
        out = out[out["status"] == "disagree"]
    print_frame(
        out.reset_index(drop=True),
        fmt,
        title=f"Daily sums vs {period}ly aggregates (US$ M)",
        floatfmt=",.1f",
    )
    if fmt == "table":
        console.print(", ".join(f"{k}: {v}" for k, v in sorted(counts.items())))


@app.command("rank")
@handle_errors
def rank(
    start: StartOpt = None,
    end: EndOpt = None,
    fmt: FormatOpt = "table",
    source: SourceOpt = None,
) -> None:
    """Funds ranked by cumulative net buying between --start and --end ($M, share of all funds)."""
    from flowscope.analytics import flows as fa
    from flowscope.report.units import musd

    fmt = output_format(fmt)
    df = _read(None, start, end, source, preferred=True)
    out = fa.cumulative_rank(fa.flows_wide(df))
    out.insert(out.columns.get_loc("net_usd"), "net_musd", musd(out.pop("net_usd")))
    out["share_of_total"] = out["share_of_total"].round(3)
    print_frame(out, fmt, title="Cumulative net flow by fund (US$ M)", floatfmt=",.1f")


@app.command("reversals")
@handle_errors
def reversals(
    fund: Annotated[str, typer.Option("--fund", "-f", help="Fund ticker or 'Total'.")] = "Total",
    window: Annotated[int, typer.Option("--window", "-w", help="Rolling window (sessions).")] = 5,
    band: Annotated[float, typer.Option("--band", help="Hysteresis half-band in US$ M.")] = 250.0,
    start: StartOpt = None,
    end: EndOpt = None,
    fmt: FormatOpt = "table",
    source: SourceOpt = None,
) -> None:
    """Flow-regime flips: the rolling sum crossing +band (to inflow) or -band (to outflow)."""
    from flowscope.analytics import flows as fa
    from flowscope.report.units import USD_PER_MUSD, musd

    fmt = output_format(fmt)
    name = _norm_funds([fund])[0]  # type: ignore[index]
    df = _read([name], start, end, source, preferred=True)
    series = df.set_index("date")["flow_usd"].dropna()
    rev = fa.detect_reversals(series, window=window, band_usd=band * USD_PER_MUSD)
    out = pd.DataFrame(
        {
            "date": rev["date"],
            "to": rev["to"],
            f"sum_{window}d_musd": musd(rev["rolling_usd"]),
            "sessions_in_previous": rev["sessions_in_previous"],
        }
    )
    print_frame(
        out,
        fmt,
        title=f"{name}: {window}-session regime flips (±{band:g} $M)",
        floatfmt=",.1f",
    )


@app.command("revisions")
@handle_errors
def revisions(
    fund: FundOpt = None,
    fmt: FormatOpt = "table",
) -> None:
    """Superseded values (first releases later revised), beside the current value ($M)."""
    from flowscope.report.units import musd

    fmt = output_format(fmt)
    funds = _norm_funds(fund)
    with open_cli_store(read_only=True) as store:
        old = store.revisions("etf_flows", **({"fund": funds} if funds else {}))
        cur = store.etf_flows(funds=funds)
    if old.empty:
        if fmt == "table":
            console.print("no revisions held")
        elif fmt == "json":
            print_json([])
        else:
            err_console.print("no revisions held")
        return
    m = old.merge(
        cur[["date", "fund", "source", "flow_usd", "ts_ingested"]],
        on=["date", "fund", "source"],
        how="left",
        suffixes=("_old", "_current"),
    )
    out = pd.DataFrame(
        {
            "date": m["date"],
            "fund": m["fund"],
            "source": m["source"],
            "old_musd": musd(m["flow_usd_old"]),
            "current_musd": musd(m["flow_usd_current"]),
            "old_ingested": m["ts_ingested_old"],
            "superseded": m["ts_superseded"],
        }
    )
    print_frame(out, fmt, title="ETF flow revisions (US$ M)", floatfmt=",.1f")


@app.command("chart")
@handle_errors
def chart(
    fund: Annotated[str, typer.Option("--fund", "-f", help="Fund ticker or 'Total'.")] = "Total",
    start: StartOpt = None,
    end: EndOpt = None,
    out: Annotated[Path, typer.Option("--out", "-o", help="HTML file to write.")] = Path(
        "flows.html"
    ),
    source: SourceOpt = None,
) -> None:
    """Self-contained HTML chart: red/green daily bars and the cumulative net flow line."""
    from flowscope.report.sections.flows import flow_figure

    name = _norm_funds([fund])[0]  # type: ignore[index]
    df = _read([name], start, end, source, preferred=True)
    series = df.set_index("date")["flow_usd"].dropna()
    fig = flow_figure(series, label=name)
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.write_html(str(out), include_plotlyjs=True, full_html=True)
    console.print(f"wrote {out} ({len(series)} days of {name})")
