"""`flowscope rotation [--vs NVDA]`: BTC against AI and tech stocks."""

from __future__ import annotations

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
    print_frame,
)
from flowscope.errors import (
    InsufficientDataError,
    UsageError,
    ValidationError,
)

if TYPE_CHECKING:
    import pandas as pd

    from flowscope.storage import Store
else:
    pd = lazy_module("pandas")

__all__ = ["app"]

app = typer.Typer(
    help="BTC vs AI/tech stocks: correlation, beta, relative strength, rotation score.",
    invoke_without_command=True,
)


def _btc_at_closes(store: Store, source: str | None) -> pd.Series:
    """BTC at each NYSE close from the finest intraday bars held (1m, then 1h)."""
    from flowscope.analytics.align import btc_at_session_close

    for interval, staleness in (("1m", "1min"), ("5m", "5min"), ("15m", "15min"), ("1h", "1h")):
        bars = store.prices("BTC-USD", interval=interval, source=source)
        if not bars.empty:
            if bars["source"].nunique() > 1:
                msg = (
                    f"BTC-USD {interval} bars from several sources "
                    f"{sorted(bars['source'].unique())}: pick one with --btc-source"
                )
                raise ValidationError(msg, param_name="btc_source")
            out = btc_at_session_close(bars, max_staleness=staleness)
            out.attrs["source"] = f"{bars['source'].iloc[0]} {interval} at NYSE close"
            return out
    msg = "--align session_close needs intraday BTC-USD bars (1m/5m/15m/1h) in the store"
    raise InsufficientDataError(msg)


@app.callback(invoke_without_command=True)
@handle_errors
def rotation(
    ctx: typer.Context,
    vs: Annotated[
        str | None,
        typer.Option("--vs", help="One asset to compare with BTC (e.g. NVDA); default: all held."),
    ] = None,
    window: Annotated[
        int, typer.Option("--window", help="Correlation/beta window in NYSE sessions.")
    ] = 60,
    last: Annotated[
        int, typer.Option("--last", help="With --vs: number of most recent sessions shown.")
    ] = 10,
    base: Annotated[
        str,
        typer.Option("--base", help="With --vs: the other side of the pair (default BTC-USD)."),
    ] = "BTC-USD",
    btc_source: Annotated[
        str | None, typer.Option("--btc-source", help="BTC price source (default: best held).")
    ] = None,
    align: Annotated[
        str,
        typer.Option(
            "--align",
            help="utc_close (BTC UTC-day close, daily data) or session_close (BTC at the NYSE "
            "close instant, needs intraday BTC bars in the store).",
        ),
    ] = "utc_close",
    fmt: FormatOpt = "table",
    html: Annotated[
        Path | None, typer.Option("--html", help="With --vs: write a self-contained HTML chart.")
    ] = None,
) -> None:
    """Rotation snapshot for every held asset, or the recent history of one pair (--vs)."""
    from flowscope.analytics.align import align_daily
    from flowscope.analytics.rotation import (
        ROTATION_UNIVERSE,
        pair_metrics,
        rotation_score,
        rotation_snapshot,
    )
    from flowscope.queries.flows import etf_total_flows
    from flowscope.queries.prices import held_symbols, load_close
    from flowscope.report.sections.rotation import rotation_figure

    if ctx.invoked_subcommand is not None:
        return
    fmt = output_format(fmt)
    if window < 2:
        msg = f"--window must be at least 2 sessions, got {window}"
        raise UsageError(msg, param_name="window", received=window)
    base = base.upper()
    if base != "BTC-USD" and vs is None:
        msg = "--base needs --vs ASSET (a pair)"
        raise UsageError(msg, param_name="base", received=base)
    store = open_cli_store(read_only=True)
    try:
        held = held_symbols(store)
        if align == "utc_close":
            btc = load_close(store, "BTC-USD", source=btc_source)
        elif align == "session_close":
            btc = _btc_at_closes(store, btc_source)
        else:
            msg = f"--align must be utc_close or session_close, got {align!r}"
            raise UsageError(msg, param_name="align", received=align)
        flows = etf_total_flows(store)
        assets = [vs.upper()] if vs else [a for a in ROTATION_UNIVERSE if a in held]
        if not assets:
            msg = "no equity prices held: run `flowscope init` or import prices"
            raise InsufficientDataError(msg)
        if vs is None:
            closes = {a: load_close(store, a) for a in assets}
            snap = rotation_snapshot(btc, closes, flows=flows, window=window)
            snap = snap.rename(columns={"corr": f"corr_{window}", "beta": f"beta_{window}"})
            print_frame(
                snap, fmt, title=f"BTC vs AI/tech: last common session, {window}-session stats"
            )
            return
        asset = assets[0]
        close = load_close(store, asset)
        if base != "BTC-USD":
            btc = load_close(store, base)
            flows = None  # ETF flows speak about BTC only
        al = align_daily(btc, close.rename(asset), btc_name=base)
        windows = sorted({w for w in (30, 60, 90) if w < len(al)} | {window})
        pm = pair_metrics(al, asset, base=base, windows=windows, regime_window=window)
        sc = rotation_score(al, asset, base=base, flows=flows)
        out = pm.join(sc[["rel_momentum", "flow_sum_usd", "rotation_score"]])
        cols = [
            "base_close",
            "asset_close",
            *[f"corr_{w}" for w in windows],
            f"beta_{window}",
            "rs",
            "rs_trend",
            "spread_20",
            "asset_drawdown",
            "regime",
            "rotation_score",
        ]
        show = (
            out[cols]
            .tail(last)
            .rename(
                columns={
                    "base_close": f"{base.split('-')[0].lower()}_close_usd",
                    "asset_close": f"{asset.lower()}_close_usd",
                }
            )
        )
        show.insert(0, "date", show.index)
        print_frame(
            show.reset_index(drop=True),
            fmt,
            title=f"{base} vs {asset} ({btc.attrs.get('source')} / {close.attrs.get('source')})",
        )
        if html is not None:
            fig = rotation_figure(pm, asset, sc["rotation_score"])
            fig.write_html(str(html), include_plotlyjs=True, full_html=True)  # type: ignore[attr-defined]
            err_console.print(f"wrote {html}", highlight=False, soft_wrap=True)
        if fmt == "table":
            lastrow = out.iloc[-1]
            console.print(
                f"{out.index[-1]:%Y-%m-%d}: {window}-session correlation {lastrow[f'corr_{window}']:.2f} "
                f"({lastrow['regime']}); rotation score {lastrow['rotation_score']:+.2f} "
                f"(> 0: money moving from {base} into {asset})",
                highlight=False,
            )
    finally:
        store.close()
