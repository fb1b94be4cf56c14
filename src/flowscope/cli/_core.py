"""Core commands: ``init``, ``import``, ``status``, ``update``, ``brief``."""

from __future__ import annotations

import datetime as dt
import json
import sys
import warnings
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer
from rich.markup import escape
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from flowscope.cli._common import (
    console,
    err_console,
    handle_errors,
    open_cli_store,
    print_frame,
    state,
)
from flowscope.errors import FlowscopeWarning, OfflineError, SourceError, ValidationError

__all__ = ["register"]


def register(app: typer.Typer) -> None:
    """Add the core commands to ``app``."""
    app.command("init")(init)
    app.command("import")(import_file)
    app.command("status")(status)
    app.command("update")(update)
    app.command("brief")(brief)


@handle_errors
def init(
    bundle: Annotated[
        bool, typer.Option("--bundle/--no-bundle", help="Load the bundled real-data snapshot.")
    ] = True,
) -> None:
    """Create the store (running migrations) and load the bundled data snapshot."""
    from flowscope._bundle import load_bundle

    with open_cli_store() as store:
        console.print(f"store: [bold]{store.path}[/] (schema version {store.schema_version()})")
        if bundle:
            with Progress(
                SpinnerColumn(),
                TextColumn("{task.description}"),
                BarColumn(),
                TextColumn("{task.completed}/{task.total}"),
                console=err_console,
                transient=True,
            ) as progress:
                task = progress.add_task("loading bundled data", total=None)

                def _tick(done: int, total: int, name: str) -> None:
                    progress.update(
                        task, total=total, completed=done, description=f"loading {name}"
                    )

                results = load_bundle(store, progress=_tick)
            for r in results:
                console.print(
                    f"  {r.dataset:<14} {r.source:<28} +{r.inserted:,} new, "
                    f"{r.updated:,} changed, {r.unchanged:,} unchanged"
                )


@handle_errors
def import_file(
    dataset: Annotated[
        str, typer.Argument(help="Dataset: etf_flows, prices, rates, fomc_meetings …")
    ],
    file: Annotated[
        Path, typer.Argument(help="CSV / Parquet / HTML file to import.", exists=False)
    ],
    fmt: Annotated[
        str | None, typer.Option("--format", help="Force a format instead of detecting it.")
    ] = None,
    source: Annotated[
        str | None, typer.Option("--source", help="Override the source name stored on the rows.")
    ] = None,
    symbol: Annotated[
        str | None,
        typer.Option("--symbol", help="Price files: the instrument, if the file name lacks it."),
    ] = None,
    interval: Annotated[
        str | None,
        typer.Option(
            "--interval", help="Price files: bar length (1m … 1d), checked against the timestamps."
        ),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Parse and report, write nothing.")
    ] = False,
) -> None:
    """Import a file into the store (format detected; same file twice changes nothing).

    Rows kept out (impossible values, a truncated last line) and missing days are listed as
    warnings; see docs/importing.md.
    """
    from flowscope.schemas import get_dataset
    from flowscope.sources import read_file

    get_dataset(dataset)
    parsed = read_file(file, dataset, format=fmt, symbol=symbol, interval=interval)
    console.print(
        f"{file}: format [bold]{parsed.format}[/], {len(parsed.frame):,} rows for {parsed.dataset}"
        f" (source {source or parsed.source or 'per row'})",
        highlight=False,
    )
    for issue in parsed.issues:
        err_console.print(f"[yellow]warning:[/] {escape(f'{file}: {issue}')}", highlight=False)
    if dry_run:
        return
    with open_cli_store() as store, store.transaction():
        src = source or parsed.source or None
        res = store.upsert(parsed.dataset, parsed.frame, source=src, origin=str(file))
        extra = [
            store.upsert(name, frame, source=src, origin=str(file))
            for name, frame in parsed.extra.items()
        ]
    for r in (res, *extra):
        console.print(
            f"{r.dataset}: +{r.inserted:,} new, {r.updated:,} changed, {r.unchanged:,} unchanged"
        )


def _reference_day(value: str | None, option: str) -> pd.Timestamp:
    """A calendar day from an option (default: today, UTC); bad input names the option."""
    if value is None:
        return pd.Timestamp(dt.datetime.now(dt.UTC).date())
    try:
        day = pd.Timestamp(value)
    except (ValueError, TypeError):
        day = pd.NaT
    if day is pd.NaT or pd.isna(day):
        msg = f"{option}: {value!r} is not a date; use YYYY-MM-DD, e.g. {option} 2026-04-13"
        raise ValidationError(msg, param_name=option, received=value)
    if day.tz is not None:
        day = day.tz_convert("UTC").tz_localize(None)
    return day.normalize()


@handle_errors
def status(
    by_series: Annotated[
        bool, typer.Option("--by-series", help="One line per fund / symbol / series.")
    ] = False,
    dataset: Annotated[str | None, typer.Option("--dataset", help="Only this dataset.")] = None,
    fmt: Annotated[str, typer.Option("--format", help="table, csv or json")] = "table",
    asof: Annotated[
        str | None,
        typer.Option(
            "--asof",
            help="Reference day for ages and stale flags (default: today, UTC); rows dated "
            "after it are left out.",
        ),
    ] = None,
) -> None:
    """What the store holds: rows, dates, age and whether each dataset (or series) is stale.

    A dataset is stale when its newest figure lags the newest one its publication schedule
    says is due by more than the grace (see docs/freshness.md).
    """
    from flowscope.report.brief import input_freshness

    if fmt not in ("table", "csv", "json"):
        msg = f"--format: unknown format {fmt!r}; use table, csv or json"
        raise ValidationError(msg, param_name="--format", received=fmt)
    today = _reference_day(asof, "--asof")
    with open_cli_store() as store:
        fresh = input_freshness(store, today=today, dataset=dataset, by_series=by_series)
        path = store.path
    fresh = fresh.rename(columns={"group": "series"})
    fresh["last_ingested_utc"] = fresh.pop("last_ingested").dt.strftime("%Y-%m-%d %H:%M")
    if fmt == "table":
        console.print(f"store: {path}; reference day {today:%Y-%m-%d} (UTC)")
        keep = [
            c
            for c in (
                "dataset",
                "series",
                "sources",
                "rows",
                "oldest_date",
                "newest_date",
                "age_days",
                "expected_latest_date",
                "stale",
                "stale_series",
            )
            if c in fresh.columns
        ]
        show = fresh[keep].astype(object).where(fresh[keep].notna(), None)
        show["stale"] = fresh["stale"].map({True: "STALE", False: "ok"}).fillna("-")
        print_frame(show, fmt, title="Coverage and freshness", floatfmt=",.0f")
        n = int(fresh["stale"].fillna(False).astype(bool).sum())
        if n:
            err_console.print(
                f"[bold red]{n} stale {'series' if by_series else 'dataset(s)'}[/] as of "
                f"{today:%Y-%m-%d}: run `flowscope update` or import newer files."
            )
    else:
        print_frame(fresh, fmt, title="Coverage and freshness", floatfmt=",.0f")


@handle_errors
def update(
    sources: Annotated[
        list[str] | None,
        typer.Option("--source", "-s", help="Connector to run (repeatable; default: settings)."),
    ] = None,
    since: Annotated[
        str | None,
        typer.Option("--since", help="Fetch from this date (default: gaps after the latest held)."),
    ] = None,
) -> None:
    """Run the configured online connectors and store what they return (only the gaps).

    All connectors are fetched first; the store is written only if every fetch succeeded, so
    an offline run leaves it untouched and exits with code 2.
    """
    from flowscope.schemas import get_dataset
    from flowscope.sources import get_source
    from flowscope.sources._http import make_client

    settings = state.settings()
    names = list(sources or settings.update_sources)
    if not names:
        err_console.print("no connectors configured (settings: update_sources)")
        raise typer.Exit(2)
    today = pd.Timestamp(dt.datetime.now(dt.UTC).date())
    frames = []
    with (
        open_cli_store() as store,
        make_client(settings) as client,
        Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            BarColumn(),
            TimeElapsedColumn(),
            console=err_console,
        ) as progress,
    ):
        task = progress.add_task("updating", total=len(names))
        for name in names:
            cls = get_source(name)
            spec = get_dataset(cls.dataset)
            if since is not None:
                start = pd.Timestamp(since)
            else:
                held = store.sql(
                    f"SELECT CAST(max({spec.time_column}) AS DATE) AS d FROM {spec.name} WHERE source = ?",
                    [cls.name],
                )["d"].iloc[0]
                start = (
                    pd.Timestamp(held) + pd.Timedelta(days=1)
                    if held is not None and not pd.isna(held)
                    else None
                )
            if start is not None and start > today:
                progress.console.print(f"{name}: up to date")
                progress.advance(task)
                continue
            progress.update(task, description=f"fetching {name}")
            try:
                with warnings.catch_warnings(record=True) as caught:
                    warnings.simplefilter("always", FlowscopeWarning)
                    frame = cls(client, settings).fetch(start=start, end=today)
            except OfflineError as exc:
                err_console.print(f"[bold red]offline:[/] {exc}. The store was not changed.")
                raise typer.Exit(2) from None
            except SourceError as exc:
                err_console.print(f"[bold red]error:[/] {exc}. The store was not changed.")
                raise typer.Exit(1) from None
            for w in caught:
                if issubclass(w.category, FlowscopeWarning):
                    progress.console.print(f"[yellow]warning:[/] {escape(str(w.message))}")
                else:  # not ours: let Python's warning machinery handle it
                    warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
            frames.append((cls.dataset, cls.name, frame))
            progress.advance(task)
        with store.transaction():
            for dataset, name, frame in frames:
                r = store.upsert(dataset, frame, source=name, origin=f"update:{name}")
                progress.console.print(
                    f"{name} → {dataset}: +{r.inserted:,} new, {r.updated:,} changed"
                )


@handle_errors
def brief(
    html: Annotated[
        Path | None, typer.Option("--html", help="Also write the self-contained HTML brief here.")
    ] = None,
    asof: Annotated[
        str | None,
        typer.Option("--asof", help="Brief date (default: today, UTC); data after it is ignored."),
    ] = None,
    fmt: Annotated[str, typer.Option("--format", help="terminal or json")] = "terminal",
    as_json: Annotated[
        bool, typer.Option("--json", hidden=True, help="Same as --format json.")
    ] = False,
) -> None:
    """Print the daily brief (and write it as HTML with charts).

    A banner first lists every stale input (dataset or series, newest date, age, expected
    date); it is absent when every input is current.
    """
    from flowscope.report.brief import build_brief, render_terminal, write_html

    if fmt not in ("terminal", "json"):
        msg = f"--format: unknown format {fmt!r}; use terminal or json"
        raise ValidationError(msg, param_name="--format", received=fmt)
    day = _reference_day(asof, "--asof")
    with open_cli_store(read_only=False) as store:
        b = build_brief(store, asof=day)
    if as_json or fmt == "json":
        sys.stdout.write(json.dumps(b.to_dict(), indent=2, default=str) + "\n")
    else:
        render_terminal(b)
    if html is not None:
        write_html(b, html)
        err_console.print(f"wrote {html}")
