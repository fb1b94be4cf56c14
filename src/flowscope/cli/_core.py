"""Core commands: ``init``, ``import``, ``status``, ``update``, ``brief``."""

from __future__ import annotations

import datetime as dt
import json
import sys
import warnings
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, cast

import typer

from flowscope._lazy import lazy_module
from flowscope.cli._common import (
    EXIT_ERROR,
    EXIT_NO_DATA,
    EXIT_OFFLINE,
    EXIT_OK,
    EXIT_USAGE,
    FormatOpt,
    console,
    err_console,
    escape,
    frame_to_records,
    handle_errors,
    open_cli_store,
    output_format,
    parse_day,
    print_frame,
    print_json,
    state,
    writer_lock,
)
from flowscope.errors import FlowscopeError, FlowscopeWarning, OfflineError, UsageError

if TYPE_CHECKING:
    import httpx
    import pandas as pd

    from flowscope.report.brief import Brief
    from flowscope.sources import Source
    from flowscope.storage import Store
else:
    pd = lazy_module("pandas")

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
    from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn

    from flowscope._bundle import load_bundle

    with open_cli_store() as store:
        console.print(f"store: [bold]{store.path}[/] (schema version {store.schema_version()})")
        interrupted = store.begin_init() if bundle else store.interrupted_init()
        if interrupted is not None:
            err_console.print(
                f"note: an earlier `flowscope init` started {interrupted:%Y-%m-%d %H:%M} UTC "
                + (
                    "was interrupted; resuming it"
                    if bundle
                    else "was interrupted; run `flowscope init` to finish it"
                ),
                highlight=False,
            )
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
                progress.update(task, description="scoring FOMC texts for the tone cache")
                from flowscope.queries.docs import warm_cache

                warm_cache(store)
            store.finish_init()
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
        str | None,
        typer.Option("--file-format", help="Force the file's format instead of detecting it."),
    ] = None,
    source: Annotated[
        str | None,
        typer.Option("--source-name", help="Source name stored on the rows (default: detected)."),
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
    force: Annotated[
        bool,
        typer.Option("--force", help="Re-read the file even if identical content was imported."),
    ] = False,
    on_implausible: ImplausibleOpt = "quarantine",
    accept_revisions: AcceptRevisionsOpt = False,
) -> None:
    """Import a file into the store (format detected; same file twice changes nothing).

    A file whose content (SHA-256) was imported before with the same options, and whose rows
    no later import has overwritten, is reported "unchanged" without being read again
    (``--force`` re-reads it). Rows kept out (impossible values, a truncated last line) and
    missing days are listed as warnings; see docs/importing.md.
    """
    from flowscope.storage._files import find_unchanged, fingerprint

    policy = _policy(on_implausible)
    options = json.dumps(
        {"format": fmt, "source": source, "symbol": symbol, "interval": interval}, sort_keys=True
    )
    from flowscope.sources._inputs import check_path

    check_path(file)  # a directory, FIFO, device or oversized file ends here, unread
    fp = None
    if not dry_run:
        try:
            fp = fingerprint(file)
        except OSError:
            fp = None  # read_file below reports the unreadable file by name
    if fp is not None and not force:
        from flowscope.cli._light import say_unchanged
        from flowscope.storage._records import lookup_record

        db_path = state.db_path()
        seen = lookup_record(db_path, fp.sha256, dataset, options)
        if seen is None:
            seen = find_unchanged(db_path, fp, dataset, options)
        if seen is not None:
            say_unchanged(file, fp.sha256, seen)
            return

    from flowscope.schemas import get_dataset
    from flowscope.sources import read_file

    get_dataset(dataset)
    parsed = read_file(file, dataset, format=fmt, symbol=symbol, interval=interval)
    console.print(
        f"{file}: format [bold]{parsed.format}[/], {len(parsed.frame):,} rows for {parsed.dataset}"
        f" (source {source or parsed.source or 'per row'})",
        highlight=False,
    )
    notes = [f"{file}: {issue}" for issue in parsed.issues]
    main, more = screen(parsed.dataset, parsed.frame, policy=policy, origin=str(file))
    notes += more
    extras = {}
    for name, frame in parsed.extra.items():
        extras[name], more = screen(name, frame, policy=policy, origin=str(file))
        notes += more
    for note in notes:
        err_console.print(f"[yellow]warning:[/] {escape(note)}", highlight=False)
    if parsed.frame.empty and not any(len(f) for f in extras.values()):
        err_console.print(
            f"[bold red]error:[/] {escape(str(file))}: no data rows for {parsed.dataset}; "
            "nothing stored",
            highlight=False,
        )
        raise typer.Exit(EXIT_NO_DATA)
    if dry_run:
        return
    with open_cli_store() as store, store.transaction():
        src = source or parsed.source or None
        for note in guard_history(
            store, parsed.dataset, main, source=src, accept=accept_revisions, origin=str(file)
        ):
            err_console.print(f"[yellow]warning:[/] {escape(note)}", highlight=False)
        res = store.upsert(parsed.dataset, main, source=src, origin=str(file))
        extra = [
            store.upsert(name, frame, source=src, origin=str(file))
            for name, frame in extras.items()
        ]
        if fp is not None:
            store.record_file(
                fp, dataset, datasets=[r.dataset for r in (res, *extra)], options=options
            )
    for r in (res, *extra):
        console.print(
            f"{r.dataset}: +{r.inserted:,} new, {r.updated:,} changed, {r.unchanged:,} unchanged"
        )


ImplausibleOpt = Annotated[
    str,
    typer.Option(
        "--on-implausible",
        help="Rows failing the dataset's plausibility checks: 'quarantine' (keep them out "
        "and list them) or 'refuse' (store nothing).",
    ),
]
AcceptRevisionsOpt = Annotated[
    bool,
    typer.Option(
        "--accept-revisions",
        help="Store ETF flows even if they change past sessions or the fund columns held "
        "(the changes are listed).",
    ),
]


def _policy(value: str) -> str:
    if value not in ("quarantine", "refuse"):
        from flowscope.errors import UsageError

        msg = f"--on-implausible must be 'quarantine' or 'refuse', not {value!r}"
        raise UsageError(msg, param_name="--on-implausible", received=value)
    return value


def screen(
    dataset: str, frame: pd.DataFrame, *, policy: str, origin: str
) -> tuple[pd.DataFrame, list[str]]:
    """Apply the dataset's plausibility checks to ``frame`` before it is stored.

    Returns the plausible rows and one message per implausible row (the first 20, then a
    count); with ``policy="refuse"`` any implausible row raises
    :class:`~flowscope.errors.ImplausibleDataError` instead.
    """
    from flowscope.errors import ImplausibleDataError
    from flowscope.schemas import get_dataset
    from flowscope.schemas.plausibility import check_plausible

    spec = get_dataset(dataset)
    if spec.plausibility is None or frame.empty:
        return frame, []
    extra = tuple(
        c.name
        for c in spec.columns
        if c.sql_type == "TIMESTAMPTZ" and c.name != spec.time_column and dataset != "fomc_meetings"
    )
    kept, bad = check_plausible(
        frame,
        spec.plausibility,
        time_column=spec.time_column,
        group_column=spec.group_column,
        extra_time_columns=extra,
    )
    if bad.empty:
        return frame, []
    keys = [k for k in spec.key if k in bad.columns]
    lines = []
    for rec in bad.head(20).to_dict("records"):
        where = ", ".join(
            f"{k}={rec[k]:%Y-%m-%d}" if isinstance(rec[k], pd.Timestamp) else f"{k}={rec[k]}"
            for k in keys
        )
        lines.append(f"{origin}: implausible row ({where}): {rec['reason']}")
    if len(bad) > 20:
        lines.append(f"{origin}: … {len(bad) - 20} more implausible row(s)")
    if policy == "refuse":
        msg = (
            f"{origin}: {len(bad)} implausible row(s) for {dataset}; nothing stored "
            f"(--on-implausible refuse). First: {lines[0].split(': ', 1)[1]}"
        )
        raise ImplausibleDataError(msg, param_name="--on-implausible", received=len(bad))
    lines.insert(0, f"{origin}: {len(bad)} implausible row(s) quarantined (not stored)")
    return kept, lines


def guard_history(
    store: Store,
    dataset: str,
    frame: pd.DataFrame,
    *,
    source: str | None,
    accept: bool,
    origin: str,
) -> list[str]:
    """Refuse ETF flows that swap, drop or add fund columns or revise past sessions held.

    Returns messages listing accepted changes (recent revisions always, the rest with
    ``accept``); raises :class:`~flowscope.errors.SchemaDriftError` otherwise.
    """
    from flowscope.errors import SchemaDriftError
    from flowscope.schemas.revisions import compare_with_held

    if dataset != "etf_flows" or frame.empty or "fund" not in frame.columns:
        return []
    sources = (
        [source]
        if source
        else sorted(frame["source"].dropna().unique())
        if "source" in frame.columns
        else []
    )
    msgs: list[str] = []
    for src in sources:
        part = frame if "source" not in frame.columns or source else frame[frame["source"] == src]
        dates = pd.to_datetime(part["date"])
        held = store.read("etf_flows", start=dates.min(), end=dates.max(), source=src)
        if held.empty:
            continue
        cmp = compare_with_held(held, part)
        if cmp.blocking and not accept:
            msg = (
                f"{origin}: the {src} data no longer matches what the store holds: "
                f"{cmp.describe()}. Nothing was stored; check the file or page, or pass "
                "--accept-revisions to store it anyway"
            )
            raise SchemaDriftError(msg, source=src)
        if cmp.blocking:
            msgs.append(f"{origin}: accepted changes to held {src} data: {cmp.describe()}")
        if not cmp.recent_revised.empty:
            n = len(cmp.recent_revised)
            msgs.append(f"{origin}: {n} recent {src} value(s) revised (kept as revisions)")
    return msgs


def _cached_brief(
    day: pd.Timestamp,
    prev: pd.Timestamp | None,
    preset: str,
    *,
    with_figures: bool,
    fresh: bool,
) -> Brief:
    """The brief of ``day`` from the cache while the store is unchanged, else built (and
    cached when the store did not change meanwhile); ``with_figures``: charts drawn."""
    from flowscope.storage._results import ResultCache

    path, preference = state.store_options()
    args = {
        "asof": f"{day:%Y-%m-%d}",
        "since": None if prev is None else f"{prev:%Y-%m-%d}",
        "preset": preset,
        "today_utc": f"{dt.datetime.now(dt.UTC).date():%Y-%m-%d}",
        "source_preference": {k: list(v) for k, v in sorted(preference.items())},
        "with_figures": with_figures,
    }
    cache = ResultCache(path, "brief", args, cache_dir=state.cache_dir() / "results")
    if not fresh:
        cached = cache.load()
        if cached is not None:
            return cast("Brief", cached)
    from flowscope.queries.inventory import has_data
    from flowscope.report.brief import build_brief

    with open_cli_store(read_only=True) as store:
        if not has_data(store):
            err_console.print(
                f"[bold red]error:[/] the store {escape(str(store.path))} holds no data; load "
                "the bundled snapshot with `flowscope init`, import files with `flowscope "
                "import`, or fetch the latest with `flowscope update`",
                highlight=False,
                soft_wrap=True,
            )
            raise typer.Exit(EXIT_NO_DATA)
        with err_console.status("building the brief", spinner="dots"):
            b = build_brief(store, asof=day, since=prev, preset=preset)
    portable = b.portable(with_figures=with_figures)
    cache.save(
        portable, needs=("pandas", "numpy", "plotly") if with_figures else ("pandas", "numpy")
    )
    return portable


def _reference_day(value: str | None, option: str) -> pd.Timestamp:
    """A calendar day from an option (default: today, UTC); bad input names the option."""
    day = parse_day(value, option)
    return pd.Timestamp(dt.datetime.now(dt.UTC).date()) if day is None else day


@handle_errors
def status(
    by_series: Annotated[
        bool, typer.Option("--by-series", help="One line per fund / symbol / series.")
    ] = False,
    dataset: Annotated[str | None, typer.Option("--dataset", help="Only this dataset.")] = None,
    fmt: FormatOpt = "table",
    asof: Annotated[
        str | None,
        typer.Option(
            "--asof",
            help="Reference day for ages and stale flags (default: today, UTC); rows dated "
            "after it are left out.",
        ),
    ] = None,
    check: Annotated[
        bool,
        typer.Option(
            "--check",
            help="Check integrity instead: rows held per dataset against the ingest log, and "
            "an interrupted init; exit 1 on any problem.",
        ),
    ] = False,
) -> None:
    """What the store holds: rows, dates, age and whether each dataset (or series) is stale.

    A dataset is stale when its newest figure lags the newest one its publication schedule
    says is due by more than the grace (see docs/freshness.md). ``--check`` instead checks
    the store's integrity (rows held against the ingest log, an interrupted init).
    """
    from flowscope.queries.inventory import input_freshness

    fmt = output_format(fmt)
    if check:
        _check_store(fmt)
        return
    today = _reference_day(asof, "--asof")
    with open_cli_store(read_only=True) as store:
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


def _check_store(fmt: str) -> None:
    """Print :meth:`Store.check` and exit 1 if any dataset (or an interrupted init) is wrong."""
    with open_cli_store(read_only=True) as store:
        result = store.check()
        path = store.path
    bad = result[~result["ok"]]
    if fmt == "json":
        print_json({"store": str(path), "ok": bad.empty, "datasets": frame_to_records(result)})
    else:
        print_frame(result, fmt, title=f"Integrity of {path}", floatfmt=",.0f")
    if not bad.empty:
        names = ", ".join(bad["dataset"])
        err_console.print(
            f"[bold red]error:[/] integrity check failed for {escape(names)}: rows held differ "
            "from the ingest log, or an init was interrupted (run `flowscope init` again)",
            highlight=False,
            soft_wrap=True,
        )
        raise typer.Exit(EXIT_ERROR)


def _update_start(
    store: Store,
    cls: type[Source],  # type: ignore[type-arg]
    since: pd.Timestamp | None,
) -> tuple[pd.Timestamp | dict[str, pd.Timestamp] | None, pd.Timestamp | None]:
    """``start`` to ask for (one day, or a day per group) and the earliest of them.

    The day after the newest row held, moved back by the connector's ``lookback_days``;
    per group (symbol, interval, contract) when the connector declares ``update_group``.
    """
    if since is not None:
        return since, since
    group = getattr(cls, "update_group", None)
    from flowscope.queries.inventory import newest_held

    held = newest_held(store, cls.dataset, source=cls.name, group=group).dropna()
    back = pd.Timedelta(days=1 - cls.lookback_days)
    starts = held.dt.normalize() + back
    if group:
        per = {str(k): pd.Timestamp(v) for k, v in starts.items()}
        return per, (min(per.values()) if per else None)
    first = pd.Timestamp(starts.iloc[0]) if len(starts) else None
    return first, first


@dataclass
class _SourceReport:
    source: str
    dataset: str
    status: str  # ok | up_to_date | offline | failed
    rows_new: int = 0
    rows_changed: int = 0
    rows_unchanged: int = 0
    newest_held: str | None = None
    message: str | None = None
    warnings: list[str] = field(default_factory=list)


def _run_source(
    name: str,
    client: httpx.Client,
    since: pd.Timestamp | None,
    today: pd.Timestamp,
    policy: str = "quarantine",
    accept_revisions: bool = False,
) -> _SourceReport:
    """Fetch one connector and write its rows in their own transaction.

    The store is open only to find where to start and then to write: never while the
    network is waited for, so readers are not kept out by a slow source.
    """
    from flowscope.schemas import get_dataset
    from flowscope.sources import get_source

    cls = get_source(name)
    spec = get_dataset(cls.dataset)
    report = _SourceReport(name, cls.dataset, "ok")
    with open_cli_store() as store:
        start, earliest = _update_start(store, cls, since)
    if earliest is not None and not isinstance(start, dict) and earliest > today:
        report.status = "up_to_date"
    else:
        try:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always", FlowscopeWarning)
                frame = cls(client, state.settings()).fetch(start=start, end=today)
                origin = f"update:{name}"
                frame, notes = screen(cls.dataset, frame, policy=policy, origin=origin)
                with open_cli_store() as store:
                    with store.transaction():
                        notes += guard_history(
                            store,
                            cls.dataset,
                            frame,
                            source=cls.name,
                            accept=accept_revisions,
                            origin=origin,
                        )
                        r = store.upsert(cls.dataset, frame, source=cls.name, origin=origin)
                    if cls.dataset == "fomc_docs" and (r.inserted or r.updated):
                        from flowscope.queries.docs import warm_cache

                        warm_cache(store)  # the brief reads the store read-only
        except OfflineError as exc:
            return _SourceReport(name, cls.dataset, "offline", message=str(exc))
        except FlowscopeError as exc:
            return _SourceReport(name, cls.dataset, "failed", message=str(exc))
        except Exception as exc:  # a connector defect must not hide the other sources
            msg = f"{name}: unexpected {type(exc).__name__}: {exc}"
            return _SourceReport(name, cls.dataset, "failed", message=msg)
        report.warnings.extend(notes)
        for w in caught:
            if issubclass(w.category, FlowscopeWarning):
                report.warnings.append(str(w.message))
            else:  # not ours: let Python's warning machinery handle it
                warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
        report.rows_new, report.rows_changed, report.rows_unchanged = (
            r.inserted,
            r.updated,
            r.unchanged,
        )
    from flowscope.queries.inventory import newest_held

    with open_cli_store() as store:
        newest = newest_held(store, cls.dataset, source=cls.name)
    if len(newest) and not pd.isna(newest.iloc[0]):
        t = pd.Timestamp(newest.iloc[0])
        report.newest_held = (
            f"{t:%Y-%m-%d}" if spec.time_column == "date" or t == t.normalize() else t.isoformat()
        )
    return report


@handle_errors
def update(
    sources: Annotated[
        list[str] | None,
        typer.Option(
            "--connector", help="Connector to run (repeatable; default: settings update_sources)."
        ),
    ] = None,
    since: Annotated[
        str | None,
        typer.Option(
            "--since", help="Fetch from this day, YYYY-MM-DD (default: gaps after the latest held)."
        ),
    ] = None,
    fmt: FormatOpt = "table",
    on_implausible: ImplausibleOpt = "quarantine",
    accept_revisions: AcceptRevisionsOpt = False,
) -> None:
    """Run the online connectors and store what they return (only what is missing).

    Each connector is asked for the days after its newest row held (per symbol, interval or
    contract when it serves several), moved back by its lookback to pick up revisions. Each
    connector's rows are written in their own transaction: a connector that fails leaves the
    store unchanged for itself and does not hide the others' results. Exit code 0 when all
    succeeded, 3 when every connector failed because the network is unreachable, 1 when any
    failed otherwise.
    """
    from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from flowscope.sources import get_source
    from flowscope.sources._http import make_client

    fmt = output_format(fmt)
    policy = _policy(on_implausible)
    start = parse_day(since, "--since")
    settings = state.settings()
    names = list(dict.fromkeys(sources or settings.update_sources))
    if not names:
        err_console.print(
            "[bold red]error:[/] no connectors configured (settings: update_sources); "
            "name one with --connector"
        )
        raise typer.Exit(EXIT_USAGE)
    for name in names:
        get_source(name)  # unknown names fail before any request
    today = pd.Timestamp(dt.datetime.now(dt.UTC).date())
    reports: list[_SourceReport] = []
    with (
        writer_lock(settings.resolved_db_path, settings.lock_timeout_s),
        make_client(settings) as client,
        Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            BarColumn(),
            TimeElapsedColumn(),
            console=err_console,
            transient=True,
        ) as progress,
    ):
        task = progress.add_task("updating", total=len(names))
        for name in names:
            progress.update(task, description=f"fetching {name}")
            reports.append(_run_source(name, client, start, today, policy, accept_revisions))
            progress.advance(task)
    failed = [r for r in reports if r.status in {"offline", "failed"}]
    if failed and len(failed) == len(reports) and all(r.status == "offline" for r in failed):
        code = EXIT_OFFLINE
    else:
        code = EXIT_ERROR if failed else EXIT_OK
    _print_update_report(reports, fmt, code)
    if code:
        raise typer.Exit(code)


def _print_update_report(reports: list[_SourceReport], fmt: str, code: int) -> None:
    if fmt == "json":
        print_json({"exit_code": code, "sources": [asdict(r) for r in reports]})
    if fmt != "table":
        if fmt == "csv":
            rows = pd.DataFrame([asdict(r) for r in reports])
            rows["warnings"] = rows["warnings"].map("; ".join)
            print_frame(rows, "csv")
        for r in reports:
            for w in r.warnings:
                err_console.print(f"[yellow]warning:[/] {escape(w)}", highlight=False)
        return
    for r in reports:
        for w in r.warnings:
            err_console.print(f"[yellow]warning:[/] {escape(w)}", highlight=False)
    table = pd.DataFrame(
        {
            "source": [r.source for r in reports],
            "dataset": [r.dataset for r in reports],
            "status": [r.status.replace("_", " ") for r in reports],
            "new": [r.rows_new for r in reports],
            "changed": [r.rows_changed for r in reports],
            "unchanged": [r.rows_unchanged for r in reports],
            "newest held": [r.newest_held or "-" for r in reports],
        }
    )
    print_frame(table, "table", title="Update", floatfmt=",.0f")
    for r in reports:
        if r.status == "offline":
            err_console.print(
                f"[bold red]offline:[/] {escape(r.message or '')}. "
                f"The store was not changed for {r.source}.",
                highlight=False,
                soft_wrap=True,
            )
        elif r.status == "failed":
            err_console.print(
                f"[bold red]error:[/] {escape(r.message or '')}. "
                f"The store was not changed for {r.source}.",
                highlight=False,
                soft_wrap=True,
            )


@handle_errors
def brief(
    asof: Annotated[
        str | None,
        typer.Option("--asof", help="Brief date (default: today, UTC); data after it is ignored."),
    ] = None,
    since: Annotated[
        str | None,
        typer.Option(
            "--since", help="Compare with this day in 'what changed' (default: the day before)."
        ),
    ] = None,
    preset: Annotated[
        str,
        typer.Option(
            "--preset", help="Regime rules of the verdict: siege, siege-macro, trend or flows."
        ),
    ] = "siege",
    fmt: Annotated[
        str,
        typer.Option(
            "--format",
            help="terminal (default; also 'table'), html, markdown or json; to stdout unless --out.",
        ),
    ] = "terminal",
    out: Annotated[
        Path | None, typer.Option("--out", help="Write the brief in --format to this file.")
    ] = None,
    html: Annotated[
        Path | None,
        typer.Option("--html", help="Also write the self-contained HTML brief to this file."),
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", hidden=True, help="Same as --format json.")
    ] = False,
    fresh: Annotated[
        bool,
        typer.Option(
            "--fresh", help="Build the brief again even if one for the same store is cached."
        ),
    ] = False,
) -> None:
    """Print the daily brief: the verdict first, what changed, one section per front, the
    data inventory last.

    A banner lists every stale input (dataset or series, newest date, age, expected date);
    it is absent when every input is current. A built brief is kept in <data_dir>/cache
    and shown again until the store, the options, the day or flowscope change; --fresh
    builds it anew.
    """
    from flowscope.report.brief import render_html, render_markdown, render_terminal, write_html
    from flowscope.signals.regime import PRESETS

    fmt = output_format(fmt, ("table", "terminal", "json", "html", "markdown"))
    if as_json:
        fmt = "json"
    if preset not in PRESETS:
        msg = f"--preset: unknown preset {preset!r}; use one of {', '.join(PRESETS)}"
        raise UsageError(msg, param_name="preset", received=preset)
    day = _reference_day(asof, "--asof")
    prev = parse_day(since, "--since")
    if prev is not None and prev >= day:
        msg = f"--since {prev:%Y-%m-%d} must be before the brief date {day:%Y-%m-%d}"
        raise UsageError(msg, param_name="since", received=since)
    b = _cached_brief(
        day, prev, preset, with_figures=fmt == "html" or html is not None, fresh=fresh
    )
    if fmt in ("table", "terminal"):
        if out is not None:
            from rich.console import Console

            with out.open("w", encoding="utf-8") as fh:
                render_terminal(b, Console(file=fh, width=120))
        else:
            render_terminal(b)
    else:
        if fmt == "json":
            text = json.dumps(b.to_dict(), default=str, indent=2)
        elif fmt == "html":
            text = render_html(b)
        else:
            text = render_markdown(b)
        if out is not None:
            out.write_text(text, encoding="utf-8")
        elif fmt == "json":
            print_json(b.to_dict())
        else:
            sys.stdout.write(text)
    if out is not None:
        err_console.print(f"wrote {out}")
    if html is not None:
        write_html(b, html)
        err_console.print(f"wrote {html}")
