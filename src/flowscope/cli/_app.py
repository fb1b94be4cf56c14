"""The typer application behind ``flowscope`` (see :mod:`flowscope.cli`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from flowscope.cli import (
    _core,
    backtest,
    book,
    check,
    events,
    flows,
    macro,
    prices,
    rates,
    regime,
    rotation,
    season,
    serve,
    tone,
)
from flowscope.cli._common import state

__all__ = ["app"]

app = typer.Typer(
    name="flowscope",
    help="Where Bitcoin's money is going and why: ETF flows, Fed odds, FOMC tone, AI rotation.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    # plain click help: typer's rich help screen imports rich's Markdown, Syntax, Traceback
    # and pygments (several times the cost of typer itself) for every --help
    rich_markup_mode=None,
)


def _version(value: bool) -> None:
    if value:
        from importlib.metadata import version

        typer.echo(f"flowscope {version('flowscope')}")
        raise typer.Exit()


@app.callback()
def _global(
    db: Annotated[
        Path | None,
        typer.Option(
            "--db", help="DuckDB store file (default: FLOWSCOPE_DB or the user data dir)."
        ),
    ] = None,
    config: Annotated[
        Path | None,
        typer.Option("--config", help="Settings TOML file (default: FLOWSCOPE_CONFIG)."),
    ] = None,
    version: Annotated[
        bool,
        typer.Option(
            "--version", help="Print the version and exit.", callback=_version, is_eager=True
        ),
    ] = False,
) -> None:
    state.db = db
    state.config = config


_core.register(app)
app.command("prices")(prices.prices)
app.command("check")(check.check)
app.add_typer(flows.app, name="flows")
app.add_typer(rates.app, name="rates")
app.add_typer(tone.app, name="tone")
app.add_typer(rotation.app, name="rotation")
app.add_typer(events.app, name="events")
app.add_typer(season.app, name="season")
app.command("regime")(regime.regime)
app.add_typer(book.app, name="book")
app.command("sweep")(backtest.sweep)
app.add_typer(macro.app, name="macro")
app.command("backtest")(backtest.backtest)
app.command("serve")(serve.serve)
