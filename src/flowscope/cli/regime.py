"""`flowscope regime`: today's (or --asof) regime with its explanation, or its daily history."""

from __future__ import annotations

from pathlib import Path
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
    parse_day,
    print_frame,
    print_json,
)
from flowscope.errors import InsufficientDataError, UsageError

if TYPE_CHECKING:
    import pandas as pd

    from flowscope.signals.regime import RegimeRules
else:
    pd = lazy_module("pandas")

__all__ = ["load_ruleset", "regime"]

_EXPLAIN_COLS = [
    "condition",
    "front",
    "field",
    "value",
    "op",
    "threshold",
    "met",
    "weight",
    "contribution",
    "data_date",
    "stale",
    "reason",
]


def load_ruleset(preset: str, rules: Path | None) -> RegimeRules:
    """The rules of ``--rules FILE`` when given, else of ``--preset``; usage errors name the option."""
    from flowscope.signals.regime import PRESETS, preset_rules, rules_from_toml

    if rules is not None:
        if not rules.is_file():
            msg = f"--rules: no such file {str(rules)!r}"
            raise UsageError(msg, param_name="rules", received=str(rules))
        return rules_from_toml(rules.read_text(encoding="utf-8"), origin=str(rules))
    if preset not in PRESETS:
        msg = f"--preset: unknown preset {preset!r}; use one of {', '.join(PRESETS)}"
        raise UsageError(msg, param_name="preset", received=preset)
    return preset_rules(preset)


@handle_errors
def regime(
    preset: Annotated[
        str, typer.Option("--preset", help="Shipped rules: siege, siege-macro, trend or flows.")
    ] = "siege",
    rules: Annotated[
        Path | None,
        typer.Option("--rules", help="A TOML rule file (see docs/regime.md); overrides --preset."),
    ] = None,
    asof: Annotated[
        str | None,
        typer.Option("--asof", help="Decision day YYYY-MM-DD (default: today, UTC)."),
    ] = None,
    start: Annotated[
        str | None,
        typer.Option("--start", help="Print the daily history from this day to --asof."),
    ] = None,
    fmt: FormatOpt = "table",
) -> None:
    """The composite regime (risk-on / neutral / risk-off) with the conditions behind it."""
    from flowscope.queries.regime import load_regime_inputs
    from flowscope.signals.regime import run_regime

    fmt = output_format(fmt)
    ruleset = load_ruleset(preset, rules)
    day = parse_day(asof, "--asof") or pd.Timestamp.now(tz="UTC").tz_localize(None).normalize()
    first = parse_day(start, "--start")
    if first is not None and first > day:
        msg = f"--start {first:%Y-%m-%d} is after --asof {day:%Y-%m-%d}"
        raise UsageError(msg, param_name="start", received=start)
    days = pd.date_range(first if first is not None else day, day, freq="D", name="date")
    store = open_cli_store(read_only=True)
    try:
        inputs = load_regime_inputs(store, start=days[0])
    finally:
        store.close()
    if inputs.flows.empty and inputs.prices.empty:
        msg = "the store holds no ETF flows and no prices; run `flowscope init` or `update`"
        raise InsufficientDataError(msg)
    with console.status("computing the regime", spinner="dots"):
        result = run_regime(inputs, ruleset, days=days)
    daily = result.daily.reset_index()
    last = daily.iloc[-1]
    stale = str(last["stale_inputs"])
    if stale:
        err_console.print(
            f"[bold yellow]warning:[/] STALE INPUT(S) on {day:%Y-%m-%d}: {stale} — the newest "
            "figure held is older than the front's max_age_days; the regime uses it anyway. "
            "Run `flowscope update`.",
            highlight=False,
            soft_wrap=True,
        )
    expl = result.explanation
    today = expl[expl["date"] == day][_EXPLAIN_COLS].reset_index(drop=True)
    today["value"] = today["value"].map(_plain)
    today["threshold"] = today["threshold"].map(_plain)
    if first is not None:
        hist = daily[["date", "regime", "score", "position", "stale_inputs"]]
        if fmt == "json":
            print_json(
                {
                    "rules": ruleset.name,
                    "decision_time": "09:30 America/New_York",
                    "history": frame_to_records(hist),
                }
            )
        else:
            print_frame(hist, fmt, title=f"regime ({ruleset.name}) per decision day")
        return
    if fmt == "json":
        print_json(
            {
                "date": f"{day:%Y-%m-%d}",
                "rules": ruleset.name,
                "decision_time": "09:30 America/New_York",
                "regime": str(last["regime"]),
                "score": float(last["score"]),
                "position": float(last["position"]),
                "stale_inputs": [s for s in stale.split(",") if s],
                "conditions": frame_to_records(today),
            }
        )
        return
    if fmt == "table":
        console.print(
            f"[bold]{day:%Y-%m-%d}[/] regime ({ruleset.name}): [bold]{last['regime']}[/] "
            f"score {last['score']:+g} (risk_on ≥ {ruleset.regime.risk_on:g}, risk_off ≤ "
            f"{ruleset.regime.risk_off:g})",
            highlight=False,
        )
    print_frame(today, fmt, title="conditions (data_date = newest input used)")


def _plain(v: Any) -> Any:
    """Numbers as floats (NaN stays), strings and booleans unchanged."""
    if isinstance(v, bool | str) or v is None:
        return v
    try:
        return float(v)
    except (TypeError, ValueError):
        return str(v)
