"""``flowscope prices``: OHLCV bars as held, one bar per time from the most trusted source.

Prices are in the quote currency (US dollars for every instrument flowscope knows: BTC-USD and
US-listed equities and ETFs); volume is in base units (BTC for BTC-USD, shares for equities).
Daily bars are dated by their UTC day (crypto) or exchange session date (equities).
"""

from __future__ import annotations

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
)
from flowscope.errors import InsufficientDataError, UsageError

if TYPE_CHECKING:
    import pandas as pd

else:
    pd = lazy_module("pandas")

__all__ = ["prices"]

_INTERVALS = ("1m", "5m", "15m", "30m", "1h", "4h", "1d")


@handle_errors
def prices(
    symbols: Annotated[
        list[str] | None,
        typer.Argument(help="Symbols (BTC-USD, NVDA, QQQ …); none: list what is held."),
    ] = None,
    start: Annotated[str | None, typer.Option("--start", help="First day (YYYY-MM-DD).")] = None,
    end: Annotated[str | None, typer.Option("--end", help="Last day (YYYY-MM-DD).")] = None,
    interval: Annotated[
        str, typer.Option("--interval", help=f"Bar length: {', '.join(_INTERVALS)}.")
    ] = "1d",
    source: Annotated[
        list[str] | None,
        typer.Option(
            "--source",
            help="Only this source (repeatable). Default: one bar per time from the most "
            "trusted source holding it (settings: source_preference).",
        ),
    ] = None,
    fmt: FormatOpt = "table",
) -> None:
    """Show OHLCV bars (prices in USD, volume in base units) with the source of each bar."""
    fmt = output_format(fmt)
    if interval not in _INTERVALS:
        msg = f"--interval: unknown bar length {interval!r}; use one of {', '.join(_INTERVALS)}"
        raise UsageError(msg, param_name="interval", received=interval)
    s, e = parse_day(start, "--start"), parse_day(end, "--end")
    if s is not None and e is not None and e < s:
        msg = f"--end {e:%Y-%m-%d} is before --start {s:%Y-%m-%d}"
        raise UsageError(msg, param_name="end", received=end)
    from flowscope.queries.prices import price_inventory

    with open_cli_store(read_only=True) as store:
        if not symbols:
            held = price_inventory(store, interval)
            if held.empty:
                msg = f"no {interval} prices held; run `flowscope init` or `flowscope update`"
                raise InsufficientDataError(msg)
            print_frame(held, fmt, title=f"Prices held ({interval} bars)", floatfmt=",.0f")
            return
        wanted = [x.strip().upper() for x in symbols]
        bars = store.prices(
            wanted,
            start=s,
            end=e,
            interval=interval,
            source=source or None,
            preferred=not source or len(source) > 1,
        )
        if bars.empty:
            held = price_inventory(store, interval)
            known = ", ".join(sorted(held["symbol"].unique())) or "none"
            msg = (
                f"no {interval} bars for {', '.join(wanted)} in {start or 'the beginning'}.."
                f"{end or 'now'}{' from ' + ', '.join(source) if source else ''}; "
                f"symbols held: {known}"
            )
            raise InsufficientDataError(msg)
    missing = sorted(set(wanted) - set(bars["symbol"]))
    daily = interval == "1d"
    when = bars["ts"].dt.tz_convert("UTC")
    out = pd.DataFrame(
        {
            "symbol": bars["symbol"],
            ("date" if daily else "ts_utc"): when.dt.tz_localize(None) if daily else when,
            "open_usd": bars["open"],
            "high_usd": bars["high"],
            "low_usd": bars["low"],
            "close_usd": bars["close"],
            "volume_base": bars["volume"],
            "adjusted": bars["adjusted"],
            "source": bars["source"],
        }
    )
    title = f"{', '.join(wanted)} {interval} bars (USD; volume in BTC or shares)"
    shown = out.drop(columns="symbol") if fmt == "table" and len(wanted) == 1 else out
    print_frame(shown.reset_index(drop=True), fmt, title=title)
    notes = []
    if missing:
        notes.append(f"no bars held for {', '.join(missing)} in this range")
    spliced = out.groupby("symbol")["source"].nunique()
    for sym, n in spliced[spliced > 1].items():
        parts = out[out["symbol"] == sym].groupby("source")[out.columns[1]].agg(["min", "max"])
        span = "; ".join(
            f"{src} {r['min']:%Y-%m-%d}..{r['max']:%Y-%m-%d}" for src, r in parts.iterrows()
        )
        notes.append(f"{sym}: {n} sources joined by trust ({span})")
    target = err_console if fmt != "table" else console
    for n in notes:
        target.print(f"[yellow]note:[/] {n}", highlight=False)
