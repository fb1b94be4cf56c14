"""`flowscope book impact`: USD needed to move BTC by x % at Christmas vs a normal December week.

A model on daily bars (square-root impact law), not a measurement of an order book; see
``docs/liquidity-impact.md``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

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
    parse_years,
    print_frame,
    print_json,
)
from flowscope.errors import UsageError

if TYPE_CHECKING:
    import pandas as pd
    from rich.table import Table
else:
    pd = lazy_module("pandas")

__all__ = ["register"]

#: The desk note's claim: $100M normally, $20M at Christmas.
SEED_CLAIM_RATIO = 0.2


def _years(spec: str) -> range:
    return parse_years(spec, "--christmas")


def _moves(spec: str) -> list[float]:
    try:
        out = [abs(float(x)) for x in spec.split(",") if x.strip()]
    except ValueError:
        msg = f"--move-pct must be comma-separated percentages like 1,2,5, got {spec!r}"
        raise UsageError(msg, param_name="move-pct", received=spec) from None
    if not out or any(not 0 < m < 100 for m in out):
        msg = f"--move-pct values must be between 0 and 100 (exclusive), got {spec!r}"
        raise UsageError(msg, param_name="move-pct", received=spec)
    return list(dict.fromkeys(out))


def _window(spec: str, option: str) -> tuple[str, str]:
    from flowscope.analytics.liquidity.impact import window_bounds
    from flowscope.errors import ValidationError

    parts = spec.split(":")
    if len(parts) != 2:
        msg = f"{option} must look like 12-20:01-02 (MM-DD:MM-DD), got {spec!r}"
        raise UsageError(msg, param_name=option.lstrip("-"), received=spec)
    try:
        window_bounds(2000, (parts[0], parts[1]))
    except ValidationError:
        msg = f"{option}: not a month-day window: {spec!r} (e.g. 12-20:01-02)"
        raise UsageError(msg, param_name=option.lstrip("-"), received=spec) from None
    return parts[0], parts[1]


def _positive(value: float, option: str) -> None:
    if not value > 0:
        msg = f"{option} must be > 0, got {value!r}"
        raise UsageError(msg, param_name=option.lstrip("-"), received=value)


def register(book_app: typer.Typer) -> None:
    """Add the ``impact`` command to the ``flowscope book`` sub-app."""
    book_app.command("impact")(impact)


@handle_errors
def impact(
    christmas: Annotated[
        str | None,
        typer.Option(
            "--christmas",
            help="Years whose Christmas window to model, e.g. 2015-2024 (default: 2015 to the "
            "last complete window with volume).",
        ),
    ] = None,
    move_pct: Annotated[
        str, typer.Option("--move-pct", help="Price moves in %, comma-separated (e.g. 1,2,5).")
    ] = "1,2,5",
    y: Annotated[
        float, typer.Option("--y", help="Square-root-law prefactor Y (typically 0.5-1).")
    ] = 0.8,
    christmas_dates: Annotated[
        str, typer.Option("--christmas-dates", help="Christmas window MM-DD:MM-DD (UTC days).")
    ] = "12-20:01-02",
    normal_dates: Annotated[
        str, typer.Option("--normal-dates", help="Normal December window MM-DD:MM-DD.")
    ] = "12-01:12-14",
    sigma_days: Annotated[
        int, typer.Option("--sigma-days", help="Trailing days of returns for daily volatility.")
    ] = 30,
    volume_days: Annotated[
        int, typer.Option("--volume-days", help="Trailing days of USD volume averaged.")
    ] = 7,
    n_boot: Annotated[int, typer.Option("--boot", help="Bootstrap draws.")] = 2000,
    seed: Annotated[int, typer.Option("--seed", help="Bootstrap seed.")] = 0,
    fmt: FormatOpt = "table",
) -> None:
    """USD needed to move BTC down x% in the Christmas window vs a normal December week, per
    year, with the Christmas/normal ratio and its bootstrap CI (a square-root impact model on
    daily bars, not a measured order book).

    JSON: one document with ``years`` and ``assumptions``; CSV: the per-year table.
    """
    from flowscope.analytics.liquidity.impact import (
        model_assumptions,
        seasonal_impact,
        window_bounds,
    )
    from flowscope.queries.liquidity import daily_bars

    fmt = output_format(fmt)
    moves = _moves(move_pct)
    _positive(y, "--y")
    _positive(n_boot, "--boot")
    if sigma_days < 2 or volume_days < 1:
        msg = f"--sigma-days must be >= 2 and --volume-days >= 1, got {sigma_days}, {volume_days}"
        raise UsageError(msg, param_name="sigma-days", received=sigma_days)
    xw = _window(christmas_dates, "--christmas-dates")
    nw = _window(normal_dates, "--normal-dates")
    with open_cli_store(read_only=True) as store:
        bars = daily_bars(store, "BTC-USD")
    last_vol = bars.attrs["last_volume_day"]
    if last_vol is None:
        msg = "no BTC-USD daily bars with volume are held; the impact model needs volume"
        from flowscope.errors import InsufficientDataError

        raise InsufficientDataError(msg)
    with_vol = bars[bars["volume"].notna()]
    if christmas is None:
        last = pd.Timestamp(last_vol)
        end_year = last.year if window_bounds(last.year, xw)[1] <= last else last.year - 1
        years = range(max(2015, with_vol.index[0].year), end_year + 1)
    else:
        years = _years(christmas)
    table = seasonal_impact(
        with_vol,
        years,
        christmas=xw,
        normal=nw,
        move_pcts=moves,
        y=y,
        sigma_days=sigma_days,
        volume_days=volume_days,
        n_boot=n_boot,
        seed=seed,
    )
    notes = _notes(bars, years, table)
    assumptions = model_assumptions(
        y=y, sigma_days=sigma_days, volume_days=volume_days, christmas=xw, normal=nw
    )
    ratio = table["impact_ratio"]
    n_claim = int((ratio <= SEED_CLAIM_RATIO).sum())
    claim = (
        f"The desk note's claim ($100M normally, $20M at Christmas: ratio {SEED_CLAIM_RATIO:g}): "
        f"modelled ratio at or below {SEED_CLAIM_RATIO:g} in {n_claim} of {len(ratio)} years; "
        f"median ratio {ratio.median():.2f} (range {ratio.min():.2f}..{ratio.max():.2f})."
    )
    show = table.reset_index()
    if fmt == "json":
        doc: dict[str, Any] = {
            "kind": "model",
            "symbol": "BTC-USD",
            "price_source": bars.attrs["source"],
            "volume_source": bars.attrs["volume_source"],
            "volume_last_day": last_vol,
            "bars_last_day": bars.attrs["last_day"],
            "christmas_window": f"{xw[0]}..{xw[1]}",
            "normal_window": f"{nw[0]}..{nw[1]}",
            "move_pcts": moves,
            "y": y,
            "sigma_days": sigma_days,
            "volume_days": volume_days,
            "bootstrap_draws": n_boot,
            "seed": seed,
            "years": frame_to_records(show),
            "median_impact_ratio": float(ratio.median()),
            "years_at_or_below_seed_claim_ratio": n_claim,
            "assumptions": assumptions,
            "notes": notes,
        }
        print_json(doc)
    elif fmt == "csv":
        print_frame(show, fmt)
    else:
        console.print(_display_table(show, moves, bars, xw, nw, y))
        console.print(claim, highlight=False, soft_wrap=True)
        console.print("Assumptions:", highlight=False)
        for a in assumptions:
            console.print(f"  - {a}", highlight=False, soft_wrap=True)
    for n in notes:
        err_console.print(f"[yellow]note:[/] {n}", highlight=False, soft_wrap=True)
    if fmt != "table":
        err_console.print(claim, highlight=False, soft_wrap=True)


def _display_table(
    show: pd.DataFrame,
    moves: list[float],
    bars: pd.DataFrame,
    xw: tuple[str, str],
    nw: tuple[str, str],
    y: float,
) -> Table:
    from flowscope.analytics.liquidity.impact import move_tag
    from flowscope.report.tables import frame_to_table

    disp = pd.DataFrame({"year": show["year"]})
    for m in moves:
        for w, label in (("christmas", "xmas"), ("normal", "normal")):
            v = show[f"usd_to_move_{move_tag(m)}_{w}"] / 1e6
            disp[f"{label}_{move_tag(m)}_usd_m"] = v.map(
                lambda x: "-" if pd.isna(x) else f"{x:,.1f}"
            )
    for c in ("impact_ratio", "impact_ratio_ci_low", "impact_ratio_ci_high"):
        disp[c.replace("impact_", "")] = show[c]
    disp["volume_ratio"] = show["volume_ratio"]
    disp["amihud_ratio"] = show["amihud_ratio"]
    title = (
        f"MODEL (not measured): USD millions to move BTC down x% (square-root law, Y={y:g}), "
        f"Christmas {xw[0]}..{xw[1]} vs normal {nw[0]}..{nw[1]}; volume: "
        f"{bars.attrs['volume_source']} to {bars.attrs['last_volume_day']}"
    )
    table = frame_to_table(disp, title=title, floatfmt=",.2f")
    for col in table.columns:
        col.justify = "right"
    return table


def _notes(bars: pd.DataFrame, years: range, table: pd.DataFrame) -> list[str]:
    out = []
    skipped = [y for y in years if y not in table.index]
    if skipped:
        out.append(
            f"no model for {', '.join(map(str, skipped))}: the windows are not covered by bars "
            f"with volume (volume held {bars.attrs['first_day']}..{bars.attrs['last_volume_day']})"
        )
    if bars.attrs["last_volume_day"] != bars.attrs["last_day"]:
        newer = bars.loc[pd.Timestamp(bars.attrs["last_volume_day"]) :].iloc[1:]
        out.append(
            f"STALE INPUT: volume ends {bars.attrs['last_volume_day']}; newer bars to "
            f"{bars.attrs['last_day']} ({' + '.join(dict.fromkeys(newer['source']))}) carry no "
            "volume and are not used"
        )
    return out
