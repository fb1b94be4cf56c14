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
    Path,
    typer.Argument(
        help="Order-book file (gzip or plain text), or a snapshot dataset directory.",
        show_default=False,
    ),
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
    engine: Annotated[
        str,
        typer.Option(
            "--engine",
            help="For a dataset directory: local (this process) or dask (Dask distributed).",
        ),
    ] = "local",
    scheduler: Annotated[
        str | None,
        typer.Option(
            "--scheduler",
            help="Dask scheduler address (tcp://host:port); default: start a LocalCluster.",
        ),
    ] = None,
    fmt: FormatOpt = "table",
) -> None:
    """Spread, depth (±0.1..10 %), slippage, cost to move the price and imbalance over time."""
    fmt = output_format(fmt)
    fmt_in = output_format(format_in, FORMATS_IN, option="--format-in")
    step = _every(every)
    ref_v = output_format(ref, ("best", "mid"), option="--ref")
    sizes = _sizes(sizes_usd)
    engine_v = output_format(engine, ("local", "dask"), option="--engine")
    if file.is_dir():
        _dataset_metrics(file, engine_v, scheduler, ref_v, sizes, levels, fmt)
        return
    if engine_v != "local" or scheduler is not None:
        msg = "--engine dask and --scheduler work on a snapshot dataset directory, not a file"
        raise UsageError(msg, param_name="engine", received=engine)
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


def _dataset_metrics(
    root: Path,
    engine: str,
    scheduler: str | None,
    ref: str,
    sizes: list[float],
    levels: int,
    fmt: str,
) -> None:
    from flowscope.queries.books import metrics_over_dataset

    table = metrics_over_dataset(
        root,
        engine=engine,  # type: ignore[arg-type]
        scheduler=scheduler,
        ref=ref,  # type: ignore[arg-type]
        sizes_usd=sizes,
        n_levels=levels,
    )
    if fmt == "json":
        print_json(
            {
                "dataset": str(root),
                "engine": engine,
                "scheduler": scheduler,
                "ref_price": ref,
                "n_snapshots": len(table),
                "samples": frame_to_records(table),
            }
        )
        return
    cols = ["venue", "symbol", *[c for c in _TABLE if c not in ("synced",)]]
    shown = table if fmt == "csv" else table.loc[:, [c for c in cols if c in table.columns]]
    print_frame(shown, fmt, title=f"{root}: liquidity of {len(table)} snapshot(s) (ref {ref})")


def _seconds(value: str | None, option: str) -> float | None:
    if value is None:
        return None
    try:
        step = pd.Timedelta(value)
    except (ValueError, TypeError):
        step = pd.NaT
    if step is pd.NaT or pd.isna(step) or step <= pd.Timedelta(0):
        msg = f"{option}: not a positive interval: {value!r} (e.g. 30s, 500ms, 10m)"
        raise UsageError(msg, param_name=option.lstrip("-"), received=value)
    return float(step.total_seconds())


def _default_books_dir() -> Path:
    from flowscope.cli._common import state

    return state.settings().data_dir / "books"


@app.command("collect")
@handle_errors
def collect(
    venue: Annotated[str, typer.Option("--venue", help="Exchange: binance (spot REST depth).")] = (
        "binance"
    ),
    symbol: Annotated[str, typer.Option("--symbol", help="Pair, e.g. BTC/USDT.")] = "BTC/USDT",
    every: Annotated[str, typer.Option("--every", help="Polling interval (e.g. 30s, 1m).")] = "30s",
    levels: Annotated[
        int,
        typer.Option("--levels", help="Levels per side: 5, 10, 20, 50, 100, 500, 1000 or 5000."),
    ] = 1000,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            help="Dataset directory (default: <data_dir>/books); partitioned date=/venue=.",
        ),
    ] = None,
    max_snapshots: Annotated[
        int | None,
        typer.Option("--max-snapshots", help="Stop after this many new snapshots.", min=1),
    ] = None,
    duration: Annotated[
        str | None, typer.Option("--duration", help="Stop after this long (e.g. 10m, 2h).")
    ] = None,
) -> None:
    """Poll the venue's REST depth endpoint and write each snapshot to a Parquet dataset.

    Resumable: a restart reads what is held and never writes a snapshot twice. Ctrl-C
    finishes the current write and prints a summary.
    """
    import signal
    import sys
    import threading

    from flowscope.sources.binance_depth import (
        BINANCE_DEPTH_LIMITS,
        BinanceDepthSource,
        SnapshotDataset,
        binance_symbol,
    )
    from flowscope.sources.binance_depth import collect as run_collect

    if venue.strip().lower() != "binance":
        msg = f"--venue: unknown venue {venue!r}; the collector supports binance"
        raise UsageError(msg, param_name="venue", received=venue)
    if levels not in BINANCE_DEPTH_LIMITS:
        msg = f"--levels: Binance accepts {', '.join(map(str, BINANCE_DEPTH_LIMITS))}, got {levels}"
        raise UsageError(msg, param_name="levels", received=levels)
    sym = binance_symbol(symbol)
    every_s = _seconds(every, "--every")
    duration_s = _seconds(duration, "--duration")
    from flowscope.cli._common import console, state

    dataset = SnapshotDataset(out if out is not None else _default_books_dir())
    source = BinanceDepthSource(state.settings())
    stop = threading.Event()

    def _on_sigint(signum: int, frame: object) -> None:
        stop.set()

    previous = signal.signal(signal.SIGINT, _on_sigint)
    tty = sys.stderr.isatty()
    try:
        if tty:
            from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn

            with Progress(
                SpinnerColumn(),
                TextColumn("{task.description}"),
                BarColumn(),
                TextColumn("{task.completed}/{task.total}"),
                console=err_console,
                transient=True,
            ) as progress:
                task = progress.add_task(f"collecting {sym}", total=max_snapshots)

                def _tick(kind: str, snap: object) -> None:
                    if kind == "written":
                        progress.advance(task)

                summary = run_collect(
                    source, dataset, sym, every_s=every_s or 30.0, limit=levels,
                    max_snapshots=max_snapshots, duration_s=duration_s, stop=stop,
                    on_event=_tick,
                )  # fmt: skip
        else:

            def _log(kind: str, snap: object) -> None:
                if kind == "written" and snap is not None:
                    key = getattr(snap, "key", "")
                    err_console.print(f"written {key}", highlight=False, soft_wrap=True)

            summary = run_collect(
                source, dataset, sym, every_s=every_s or 30.0, limit=levels,
                max_snapshots=max_snapshots, duration_s=duration_s, stop=stop, on_event=_log,
            )  # fmt: skip
    finally:
        signal.signal(signal.SIGINT, previous)
        source.close()
    console.print(
        f"{summary.n_written} snapshot(s) written to {summary.out} "
        f"({summary.n_held_at_start} held before, {summary.n_unchanged} unchanged and not "
        f"rewritten, {summary.n_failed} failed poll(s), {summary.n_tmp_removed} unfinished "
        f"file(s) of an earlier run removed; stopped by {summary.stopped_by})",
        highlight=False,
        soft_wrap=True,
    )
    if summary.n_levels_rejected:
        err_console.print(
            f"[yellow]note:[/] {summary.n_levels_rejected} level(s) with an impossible price "
            "or size were set aside",
            highlight=False,
        )
    for e in summary.errors[-3:]:
        err_console.print(f"[yellow]note:[/] {e}", highlight=False, soft_wrap=True)


#: Depth bands (percent) and order sizes (USD) the thinning command compares; 0.01 % fits the
#: 20-level books of venues such as Hyperliquid.
THINNING_PCTS = (0.01, 0.1, 0.5, 1.0)
THINNING_SIZES_USD = (10_000.0, 100_000.0)


@app.command("thinning")
@handle_errors
def thinning(
    root: Annotated[
        Path | None,
        typer.Argument(
            help="Snapshot dataset directory (default: <data_dir>/books).", show_default=False
        ),
    ] = None,
    holidays: Annotated[
        str, typer.Option("--holidays", help="Holiday set: christmas (Dec 20 - Jan 2) or us.")
    ] = "christmas",
    boot: Annotated[
        int, typer.Option("--boot", help="Bootstrap resamples for the ratio CIs.", min=100)
    ] = 2000,
    fmt: FormatOpt = "table",
) -> None:
    """Depth, spread and slippage in holiday windows vs normal times, and by hour of week."""
    fmt = output_format(fmt)
    from flowscope.analytics.liquidity.thinning import (
        HOLIDAY_SETS,
        by_hour_of_week,
        holiday_thinning,
        holiday_windows,
        thinning_frame,
    )
    from flowscope.queries.books import metrics_over_dataset

    kind = output_format(holidays, HOLIDAY_SETS, option="--holidays")
    root = root if root is not None else _default_books_dir()
    snaps = metrics_over_dataset(root, ref="mid", pcts=THINNING_PCTS, sizes_usd=THINNING_SIZES_USD)
    frame = thinning_frame(snaps)
    first, last = frame["ts"].min(), frame["ts"].max()
    wins = holiday_windows(kind, first, last)
    ts = frame["ts"]
    in_hol = pd.Series(False, index=frame.index)
    for s, e in wins:
        in_hol |= (ts >= s) & (ts < e)
    span = f"{first:%Y-%m-%d %H:%M} .. {last:%Y-%m-%d %H:%M} UTC"
    note = None
    if not in_hol.any():
        note = (
            f"no holiday window in the data: the {len(frame)} snapshot(s) held span {span}, "
            f"outside every {kind} window; no holiday/normal ratio can be measured"
        )
    elif in_hol.all():
        note = (
            f"no normal window in the data: all {len(frame)} snapshot(s) ({span}) fall in "
            f"{kind} windows; no holiday/normal ratio can be measured"
        )
    table = holiday_thinning(frame, wins, n_boot=boot).reset_index() if note is None else None
    hours = by_hour_of_week(frame).reset_index()
    if fmt == "json":
        print_json(
            {
                "dataset": str(root),
                "venues": sorted(snaps["venue"].unique().tolist()),
                "symbols": sorted(snaps["symbol"].unique().tolist()),
                "n_snapshots": len(frame),
                "n_snapshots_holiday": int(in_hol.sum()),
                "first_snapshot_utc": first,
                "last_snapshot_utc": last,
                "holidays": kind,
                "holiday_windows_utc": [[s, e] for s, e in wins],
                "holiday_covered": note is None,
                "note": note,
                "thinning": frame_to_records(table) if table is not None else [],
                "by_hour_of_week": frame_to_records(hours),
            }
        )
    elif table is not None:
        print_frame(table, fmt, title=f"{root}: {kind} vs normal ({span}); ratio = holiday/normal")
    else:
        print_frame(hours, fmt, title=f"{root}: by UTC hour of week ({span})")
    if note is not None:
        err_console.print(f"[yellow]note:[/] {note}", highlight=False, soft_wrap=True)


book_impact.register(app)
