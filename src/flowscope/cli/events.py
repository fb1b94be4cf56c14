"""`flowscope events ...`: event studies on FOMC days, halvings, the ETF launch or your own dates."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from flowscope._lazy import lazy_module
from flowscope.cli._common import (
    FormatOpt,
    console,
    err_console,
    frame_to_records,
    handle_errors,
    open_cli_store,
    output_format,
    parse_day,
    print_frame,
    print_json,
)
from flowscope.data.events import EVENT_SETS
from flowscope.errors import (
    FlowscopeWarning,
    UsageError,
)

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

else:
    np = lazy_module("numpy")
    pd = lazy_module("pandas")

__all__ = ["app"]

app = typer.Typer(help="Event studies: abnormal returns around dated events.", no_args_is_help=True)


@app.command("sets")
@handle_errors
def sets(
    fmt: FormatOpt = "table",
) -> None:
    """List the bundled event sets."""
    fmt = output_format(fmt)
    print_frame(
        pd.DataFrame({"set": list(EVENT_SETS), "description": list(EVENT_SETS.values())}), fmt
    )


@app.command("run")
@handle_errors
def run(
    set_name: Annotated[
        str | None,
        typer.Option("--set", help=f"Bundled event set: {', '.join(EVENT_SETS)}."),
    ] = None,
    file: Annotated[
        Path | None,
        typer.Option("--file", help="Your own events: CSV with a 'date' (and 'label') column."),
    ] = None,
    asset: Annotated[str, typer.Option("--asset", help="Instrument studied.")] = "BTC-USD",
    benchmark: Annotated[
        str | None,
        typer.Option("--benchmark", help="Benchmark symbol (models market/benchmark), e.g. QQQ."),
    ] = None,
    model: Annotated[str, typer.Option("--model", help="mean, market, benchmark or raw.")] = "mean",
    pre: Annotated[int, typer.Option("--pre", help="Bars before the event (k).")] = 5,
    post: Annotated[int, typer.Option("--post", help="Bars after the event (m).")] = 10,
    start: Annotated[str | None, typer.Option("--start", help="First event date kept.")] = None,
    end: Annotated[str | None, typer.Option("--end", help="Last event date kept.")] = None,
    n_boot: Annotated[int, typer.Option("--boot", help="Bootstrap draws.")] = 2000,
    seed: Annotated[int, typer.Option("--seed", help="Bootstrap seed.")] = 0,
    per_event: Annotated[
        bool, typer.Option("--per-event", help="Also list each event's CAR.")
    ] = False,
    fmt: FormatOpt = "table",
    html: Annotated[
        Path | None, typer.Option("--html", help="Write a self-contained HTML chart of the CAAR.")
    ] = None,
) -> None:
    """CAAR of daily log returns around events, with bootstrap 95 % intervals.

    BTC alone uses every UTC day; with a benchmark (or an equity asset) returns are taken on
    NYSE sessions (BTC at its UTC-day close).

    JSON: one document with ``summary``, ``caar`` (per bar) and, with --per-event, ``events``.
    CSV: the CAAR per bar (with --per-event, each event's CAR instead).
    """
    from flowscope.analytics.align import align_daily
    from flowscope.analytics.events import event_study
    from flowscope.data.events import event_set, read_events_csv
    from flowscope.queries.prices import load_close

    fmt = output_format(fmt)
    first_day, last_day = parse_day(start, "--start"), parse_day(end, "--end")
    if (set_name is None) == (file is None):
        msg = "give exactly one of --set NAME or --file FILE"
        raise UsageError(msg, param_name="set")
    if model in ("market", "benchmark") and benchmark is None:
        msg = f"--model {model} needs --benchmark SYMBOL"
        raise UsageError(msg, param_name="benchmark")
    store = open_cli_store(read_only=True)
    try:
        if file is not None:
            events = read_events_csv(file)
            origin = str(file)
        else:
            name = set_name or ""
            meetings = store.fomc_meetings() if name in ("fomc", "minutes") else None
            events = event_set(name, meetings=meetings)
            origin = f"set {name}"
        if first_day is not None:
            events = events[events["date"] >= first_day]
        if last_day is not None:
            events = events[events["date"] <= last_day]
        a = load_close(store, asset)
        if benchmark is not None or asset != "BTC-USD":
            others = {}
            base = a if asset == "BTC-USD" else load_close(store, "BTC-USD")
            if asset != "BTC-USD":
                others[asset] = a
            if benchmark is not None:
                others[benchmark] = load_close(store, benchmark)
            closes = align_daily(base, others)
            if asset != "BTC-USD" and benchmark != "BTC-USD":
                closes = closes.drop(columns="BTC-USD")
        else:
            closes = a.to_frame(asset)
        rets = np.log(closes).diff().iloc[1:]
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", FlowscopeWarning)
            res = event_study(
                rets,
                events,
                asset=asset,
                benchmark=benchmark,
                window=(-pre, post),
                model=model,  # type: ignore[arg-type]
                n_boot=n_boot,
                seed=seed,
            )
    finally:
        store.close()
    for w in caught:
        err_console.print(f"[yellow]warning:[/] {w.message}", highlight=False)
    caar = res.caar.reset_index()
    title = f"{asset}: CAAR around {origin} ({res.n_events} events, model {model}, log returns)"
    if fmt == "json":
        doc = {
            "asset": asset,
            "benchmark": benchmark,
            "events_origin": origin,
            "model": model,
            "n_events": res.n_events,
            "n_events_left_out": len(res.dropped),
            "summary": frame_to_records(res.summary())[0],
            "caar": frame_to_records(caar),
        }
        if per_event:
            doc["events"] = frame_to_records(res.events)
        print_json(doc)
    elif fmt == "csv":
        print_frame(res.events if per_event else caar, fmt)
    else:
        print_frame(caar, fmt, title=title, floatfmt=".4f")
    if fmt == "table":
        s = res.summary().iloc[0]
        console.print(
            f"CAR[{-pre},+{post}] mean {s['caar']:+.2%} (95% CI {s['ci_low']:+.2%}..{s['ci_high']:+.2%}), "
            f"t {s['t_stat']:.2f}, positive in {s['share_positive']:.0%} of events",
            highlight=False,
        )
        if not res.dropped.empty:
            console.print(f"{len(res.dropped)} event(s) left out (window outside the data).")
    if per_event and fmt == "table":
        print_frame(res.events, fmt, title="per event", floatfmt=".4f")
    if html is not None:
        import plotly.graph_objects as go

        c = res.caar
        fig = go.Figure(
            [
                go.Scatter(x=c.index, y=c["ci_high"], line={"width": 0}, showlegend=False),
                go.Scatter(
                    x=c.index, y=c["ci_low"], fill="tonexty", line={"width": 0}, name="95% CI"
                ),
                go.Scatter(x=c.index, y=c["caar"], name="CAAR", line={"width": 3}),
            ]
        )
        fig.update_layout(title=title, xaxis_title="bars from event", yaxis_tickformat=".1%")
        fig.write_html(str(html), include_plotlyjs=True, full_html=True)
        err_console.print(f"wrote {html}", highlight=False, soft_wrap=True)
