"""`flowscope season ...`: calendar seasonality of BTC, split by market regime."""

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
    parse_years,
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

    from flowscope.analytics.seasonality import RegimeRule
else:
    pd = lazy_module("pandas")

__all__ = ["app"]

app = typer.Typer(
    help="Calendar seasonality of BTC by regime (Christmas, weekdays, months).",
    no_args_is_help=True,
)


def _years(spec: str) -> range:
    return parse_years(spec, "--years")


def _rules(rule: str) -> list[RegimeRule]:
    from flowscope.analytics.seasonality import REGIME_RULES

    if rule == "all":
        return list(REGIME_RULES)
    if rule not in REGIME_RULES:
        msg = f"--rule must be one of {', '.join(REGIME_RULES)} or all, got {rule!r}"
        raise UsageError(msg, param_name="rule", received=rule)
    return [rule]


def _window(spec: str) -> tuple[str, str]:
    parts = spec.split(":")
    if len(parts) != 2:
        msg = f"--dates must look like 12-24:12-31 (MM-DD:MM-DD), got {spec!r}"
        raise UsageError(msg, param_name="dates", received=spec)
    return parts[0], parts[1]


def _print_warnings(caught: list[warnings.WarningMessage]) -> None:
    seen = set()
    for w in caught:
        if str(w.message) not in seen:
            seen.add(str(w.message))
            err_console.print(f"[yellow]warning:[/] {w.message}", highlight=False)


def _summaries(tab: pd.DataFrame, rules: list[RegimeRule], n_boot: int, seed: int) -> pd.DataFrame:
    from flowscope.analytics.seasonality import regime_summary

    parts = []
    for rule in rules:
        s = regime_summary(tab, rule, n_boot=n_boot, seed=seed).reset_index()
        s.insert(0, "rule", rule)
        parts.append(s)
    return pd.concat(parts, ignore_index=True)


@app.command("christmas")
@handle_errors
def christmas(
    years: Annotated[
        str, typer.Option("--years", help="Year range, e.g. 2015-2024.")
    ] = "2015-2024",
    window: Annotated[
        str, typer.Option("--dates", help="Calendar window MM-DD:MM-DD.")
    ] = "12-24:12-31",
    rule: Annotated[
        str, typer.Option("--rule", help="Regime rule: ma200, trailing365, drawdown or all.")
    ] = "all",
    latest: Annotated[
        bool,
        typer.Option(
            "--latest/--no-latest",
            help="Also show the most recent complete window after the range (e.g. 2025).",
        ),
    ] = True,
    source: Annotated[str | None, typer.Option("--source", help="BTC price source.")] = None,
    n_boot: Annotated[int, typer.Option("--boot", help="Bootstrap draws.")] = 5000,
    seed: Annotated[int, typer.Option("--seed", help="Bootstrap seed.")] = 0,
    fmt: FormatOpt = "table",
    html: Annotated[Path | None, typer.Option("--html", help="Write an HTML bar chart.")] = None,
) -> None:
    """The desk note's Christmas table: per-year window return, regime by rule, agreement with
    the note's bull (2016, 2020, 2023) / bear (2018, 2021, 2022) labels, and bootstrap CIs.

    JSON: one document with both tables; CSV: the per-year table.
    """
    from flowscope.analytics.seasonality import christmas_table
    from flowscope.queries.prices import load_close

    fmt = output_format(fmt)
    yrs = _years(years)
    rules = _rules(rule)
    store = open_cli_store(read_only=True)
    try:
        btc = load_close(store, "BTC-USD", source=source)
    finally:
        store.close()
    w = _window(window)
    tab = christmas_table(btc, yrs, window=w, rules=rules)
    if latest and btc.index[-1].year > yrs[-1]:
        later = range(yrs[-1] + 1, btc.index[-1].year + 1)
        try:
            extra = christmas_table(btc, later, window=w, rules=rules)
        except InsufficientDataError:
            extra = None  # no complete window after the range yet
        if extra is not None and not extra.empty:
            tab = pd.concat([tab, extra.tail(1)])
    in_range = tab[tab.index.isin(list(yrs))]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", FlowscopeWarning)
        summ = _summaries(in_range, rules, n_boot, seed)
    show = tab.reset_index()
    show["return_pct"] = show.pop("return") * 100
    show = show.drop(columns=["start", "end"])
    title = (
        f"BTC {w[0]}..{w[1]} (close of the day before to close of the last day, UTC; "
        f"{btc.attrs.get('source')})"
    )
    by_regime = summ.assign(
        mean_pct=summ["mean"] * 100,
        ci_low_pct=summ["ci_low"] * 100,
        ci_high_pct=summ["ci_high"] * 100,
    )[["rule", "regime", "n", "mean_pct", "ci_low_pct", "ci_high_pct", "share_positive"]]
    lab = in_range[in_range["seed_label"].notna()]
    if fmt == "json":  # one document: both tables and the agreement counts
        doc = {
            "window": f"{w[0]}..{w[1]}",
            "btc_source": btc.attrs.get("source"),
            "years": frame_to_records(show),
            "by_regime": frame_to_records(by_regime),
            "labelled_years_agreeing": {r: int(lab[f"agree_{r}"].dropna().sum()) for r in rules},
            "labelled_years": int(lab["outcome_agrees"].notna().sum()),
            "bootstrap_draws": n_boot,
        }
        print_json(doc)
    elif fmt == "csv":
        print_frame(show, fmt)
    else:
        print_frame(show, fmt, title=title)
        print_frame(
            by_regime,
            fmt,
            title=f"Mean window return by regime, {yrs[0]}-{yrs[-1]}, bootstrap 95% CI ({n_boot} draws)",
        )
    if fmt == "table":
        for r in rules:
            agree = lab[f"agree_{r}"].dropna()
            console.print(
                f"{r}: agrees with the note's labels in {int(agree.sum())}/{len(agree)} labelled years",
                highlight=False,
            )
        out = lab["outcome_agrees"]
        console.print(
            f"the window's sign matches the note (bull = up, bear = down) in "
            f"{int(out.sum())}/{len(out)} labelled years",
            highlight=False,
        )
    _print_warnings(caught)
    if html is not None:
        import plotly.graph_objects as go

        colors = ["#16a34a" if v > 0 else "#dc2626" for v in show["return_pct"]]
        fig = go.Figure(
            go.Bar(
                x=show["year"],
                y=show["return_pct"],
                marker_color=colors,
                text=[str(x or "") for x in show["seed_label"]],
            )
        )
        fig.update_layout(title=title, yaxis_title="window return, %")
        fig.write_html(str(html), include_plotlyjs=True, full_html=True)
        err_console.print(f"wrote {html}", highlight=False, soft_wrap=True)


@app.command("window")
@handle_errors
def window_cmd(
    window: Annotated[
        str, typer.Option("--dates", help="Calendar window MM-DD:MM-DD.")
    ] = "12-15:01-05",
    years: Annotated[
        str | None, typer.Option("--years", help="Year range (default: all held).")
    ] = None,
    rule: Annotated[
        str, typer.Option("--rule", help="ma200, trailing365, drawdown or all.")
    ] = "all",
    source: Annotated[str | None, typer.Option("--source", help="BTC price source.")] = None,
    n_boot: Annotated[int, typer.Option("--boot", help="Bootstrap draws.")] = 5000,
    seed: Annotated[int, typer.Option("--seed", help="Bootstrap seed.")] = 0,
    fmt: FormatOpt = "table",
) -> None:
    from flowscope.analytics.seasonality import window_returns
    from flowscope.queries.prices import load_close

    """Return over any calendar window per year, with regimes and bootstrap CIs.

    JSON: one document with ``years`` and ``by_regime``; CSV: the per-year table.
    """
    fmt = output_format(fmt)
    rules = _rules(rule)
    dates = _window(window)
    store = open_cli_store(read_only=True)
    try:
        btc = load_close(store, "BTC-USD", source=source)
    finally:
        store.close()
    yrs = _years(years) if years else None
    tab = window_returns(btc, dates, years=yrs, rules=rules)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", FlowscopeWarning)
        summ = _summaries(tab, rules, n_boot, seed)
    show = tab.reset_index().drop(columns=["start", "end"])
    show["return_pct"] = show.pop("return") * 100
    if fmt == "json":
        print_json(
            {
                "window": f"{dates[0]}..{dates[1]}",
                "btc_source": btc.attrs.get("source"),
                "years": frame_to_records(show),
                "by_regime": frame_to_records(summ),
                "bootstrap_draws": n_boot,
            }
        )
    elif fmt == "csv":
        print_frame(show, fmt)
    else:
        print_frame(show, fmt, title=f"BTC {window} per year")
        print_frame(summ, fmt, title="mean by regime (fractions), bootstrap 95% CI", floatfmt=".4f")
    _print_warnings(caught)


@app.command("calendar")
@handle_errors
def calendar_cmd(
    by: Annotated[str, typer.Option("--by", help="weekday or month.")] = "weekday",
    rule: Annotated[
        str | None, typer.Option("--rule", help="Split by ma200, trailing365 or drawdown.")
    ] = None,
    start: Annotated[str | None, typer.Option("--start", help="First date.")] = None,
    end: Annotated[str | None, typer.Option("--end", help="Last date.")] = None,
    source: Annotated[str | None, typer.Option("--source", help="BTC price source.")] = None,
    fmt: FormatOpt = "table",
) -> None:
    """Mean BTC log return by day of week (UTC) or by month, with bootstrap 95% CIs."""
    from flowscope.analytics.seasonality import calendar_returns
    from flowscope.queries.prices import load_close

    fmt = output_format(fmt)
    first_day, last_day = parse_day(start, "--start"), parse_day(end, "--end")
    if by not in ("weekday", "month"):
        msg = f"--by must be weekday or month, got {by!r}"
        raise UsageError(msg, param_name="by", received=by)
    if rule is not None:
        _rules(rule)
    store = open_cli_store(read_only=True)
    try:
        btc = load_close(store, "BTC-USD", source=source)
    finally:
        store.close()
    tab = calendar_returns(btc, by, rule=rule, start=first_day, end=last_day)  # type: ignore[arg-type]
    print_frame(tab, fmt, title=f"BTC log return by {by} (fractions)", floatfmt=".4f")
