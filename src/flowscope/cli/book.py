"""`flowscope book ...`: order-book files (Binance, Tardis, Hyperliquid, ccxt) and their liquidity."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from flowscope._lazy import lazy_module
from flowscope.cli import book_impact
from flowscope.cli._common import (
    FormatOpt,
    err_console,
    frame_to_records,
    handle_errors,
    output_format,
    print_frame,
    print_json,
)
from flowscope.errors import UsageError

if TYPE_CHECKING:
    import pandas as pd
else:
    pd = lazy_module("pandas")

__all__ = ["app"]

app = typer.Typer(
    help="Order books: liquidity metrics from captures and snapshots, and the impact model.",
    no_args_is_help=True,
)

FORMATS_IN = (
    "auto",
    "binance-ws",
    "binance-rest",
    "tardis-snapshot",
    "tardis-incremental",
    "hyperliquid",
    "ccxt",
)
FileArg = Annotated[
    Path, typer.Argument(help="Order-book file (gzip or plain text).", show_default=False)
]
FormatInOpt = Annotated[
    str, typer.Option("--format-in", help=f"File format: {', '.join(FORMATS_IN)}.")
]
# Columns of the table view; csv and json carry every metric.
_TABLE = (
    "ts",
    "synced",
    "mid_usd",
    "spread_bps",
    "depth_bid_0p1pct_usd",
    "depth_ask_0p1pct_usd",
    "slippage_buy_100000usd_bps",
    "slippage_sell_100000usd_bps",
    "imbalance_1pct",
)


def _every(value: str) -> pd.Timedelta:
    try:
        step = pd.Timedelta(value)
    except (ValueError, TypeError):
        step = pd.NaT
    if step is pd.NaT or pd.isna(step) or step <= pd.Timedelta(0):
        msg = f"--every: not a positive interval: {value!r} (e.g. 1s, 500ms, 1min)"
        raise UsageError(msg, param_name="every", received=value)
    return step


def _sizes(value: str) -> list[float]:
    try:
        sizes = [float(x.replace("_", "")) for x in value.split(",") if x.strip()]
    except ValueError:
        sizes = []
    if not sizes or any(not (s > 0 and s < float("inf")) for s in sizes):
        msg = f"--sizes-usd: expected positive USD amounts like 100000,1000000, got {value!r}"
        raise UsageError(msg, param_name="sizes_usd", received=value)
    return sizes


@app.command("metrics")
@handle_errors
def metrics(
    file: FileArg,
    format_in: FormatInOpt = "auto",
    every: Annotated[
        str, typer.Option("--every", help="Sampling interval of the book (e.g. 1s, 500ms).")
    ] = "1s",
    ref: Annotated[
        str,
        typer.Option(
            "--ref", help="Reference price: best (best bid/ask, Kaiko API) or mid (Kaiko research)."
        ),
    ] = "best",
    sizes_usd: Annotated[
        str,
        typer.Option("--sizes-usd", help="Market-order sizes for slippage, USD, comma-separated."),
    ] = "100000,1000000",
    levels: Annotated[
        int, typer.Option("--levels", help="Levels per side kept in each sample.", min=1)
    ] = 1000,
    fmt: FormatOpt = "table",
) -> None:
    """Spread, depth (±0.1..10 %), slippage, cost to move the price and imbalance over time."""
    fmt = output_format(fmt)
    fmt_in = output_format(format_in, FORMATS_IN, option="--format-in")
    step = _every(every)
    ref_v = output_format(ref, ("best", "mid"), option="--ref")
    sizes = _sizes(sizes_usd)
    if not file.is_file():
        msg = f"FILE: no such file: {file}"
        raise UsageError(msg, param_name="file", received=str(file))

    from flowscope.analytics.liquidity import book_metrics, replay_book
    from flowscope.sources.formats.orderbook import read_book

    feed = read_book(file, fmt_in)
    samples = replay_book(feed, every=step, n_levels=levels)
    table = book_metrics(samples, ref=ref_v, sizes_usd=sizes)  # type: ignore[arg-type]
    notes = [*feed.issues]
    if samples.approximate.any():
        notes.append(
            f"{int(samples.approximate.sum())} of {len(table)} samples come before any "
            "snapshot: approximate book (only levels touched since the capture began)"
        )
    notes.extend(
        f"sequence gap at line {g.line}: expected id {g.expected_id}, got {g.received_id}; "
        "book unsynced until the next snapshot"
        for g in samples.gaps.itertuples()
    )
    if fmt == "json":
        print_json(
            {
                "file": str(file),
                "format_in": feed.format,
                "venue": feed.venue,
                "symbol": feed.symbol,
                "size_unit": feed.size_note,
                "ref_price": ref_v,
                "clock": samples.clock,
                "every_s": step.total_seconds(),
                "n_messages": feed.n_messages,
                "n_updates": samples.n_updates,
                "n_stale_diffs": samples.n_stale,
                "gaps": frame_to_records(samples.gaps),
                "notes": notes,
                "samples": frame_to_records(table),
            }
        )
    else:
        shown = table if fmt == "csv" else table.loc[:, list(_TABLE)]
        print_frame(
            shown,
            fmt,
            title=f"{feed.venue} {feed.symbol}: liquidity every {every} (ref {ref_v})",
        )
    for note in notes:
        err_console.print(f"[yellow]note:[/] {note}", highlight=False, soft_wrap=True)


book_impact.register(app)
