"""The typer application behind ``flowscope`` (see :mod:`flowscope.cli`)."""

from __future__ import annotations

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
from flowscope.cli._root import root_app

__all__ = ["app"]

app = root_app()
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
