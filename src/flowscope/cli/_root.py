"""The ``flowscope`` root command (global options) and its fast top-level help.

:func:`root_app` makes the typer application with the global options and no commands;
:mod:`flowscope.cli._app` adds every command to it. ``flowscope``, ``flowscope --help`` and
``flowscope --version`` are answered by :func:`top_level` from the root alone: its command
list comes from :data:`COMMANDS` (name and one-line help, in the order ``--help`` shows
them), which ``tests/cli/test_light_start.py`` checks against the full application, so no
command module is imported or built for them.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperCommand, TyperGroup

__all__ = ["COMMANDS", "root_app", "top_level"]

HELP = "Where Bitcoin's money is going and why: ETF flows, Fed odds, FOMC tone, AI rotation."

#: The commands of ``flowscope`` in the order of its ``--help``, with their one-line help
#: (the first sentence of each command's docstring or group help).
COMMANDS: dict[str, str] = {
    "init": "Create the store (running migrations) and load the bundled data snapshot.",
    "import": "Import a file into the store (format detected; same file twice changes nothing).",
    "status": "What the store holds: rows, dates, age and whether each dataset (or series) "
    "is stale.",
    "update": "Run the online connectors and store what they return (only what is missing).",
    "brief": "Print the daily brief: the verdict first, what changed, one section per front, "
    "the data inventory last.",
    "prices": "Show OHLCV bars (prices in USD, volume in base units) with the source of each bar.",
    "check": "Check each claim against held data: measured value, verdict and source.",
    "regime": "The composite regime (risk-on / neutral / risk-off) with the conditions behind it.",
    "sweep": "Sweep the moving-average crossover over daily closes; print the top cells.",
    "backtest": "Backtest a regime rule (the note's rule by default) on daily BTC bars.",
    "serve": "Serve the dashboard (pages with charts) and the JSON API on http://HOST:PORT/.",
    "flows": "Spot-Bitcoin ETF flows: per fund and all-fund Total (USD; $M in tables).",
    "rates": "Rate expectations: FedWatch odds from fed funds futures (ZQ), FOMC calendar.",
    "tone": "FOMC text tone: score statements and minutes, history, train and evaluate models.",
    "rotation": "BTC vs AI/tech stocks: correlation, beta, relative strength, rotation score.",
    "events": "Event studies: abnormal returns around dated events.",
    "season": "Calendar seasonality of BTC by regime (Christmas, weekdays, months).",
    "book": "Order books: liquidity metrics from captures and snapshots, and the impact model.",
    "macro": "Macro liquidity: net liquidity, M2, curve, real rate, dollar, funding; lead-lag "
    "with BTC and the AI -> conditions -> Fed -> BTC chain.",
}


def _version(value: bool) -> None:
    if value:
        from importlib.metadata import version

        typer.echo(f"flowscope {version('flowscope')}")
        raise typer.Exit()


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
    from flowscope.cli._common import state

    state.db = db
    state.config = config


class _ListedGroup(TyperGroup):
    """The root group with stand-ins for its commands (name and help from :data:`COMMANDS`).

    Only for command lines naming no command: the stand-ins do nothing.
    """

    def list_commands(self, ctx: Any) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: Any, cmd_name: str) -> TyperCommand | None:
        text = COMMANDS.get(cmd_name)
        return None if text is None else TyperCommand(cmd_name, help=text)


def root_app(*, listed: bool = False) -> typer.Typer:
    """The typer application with the global options; ``listed``: commands from the table."""
    app = typer.Typer(
        name="flowscope",
        help=HELP,
        no_args_is_help=True,
        pretty_exceptions_enable=False,
        add_completion=False,
        # plain click help: typer's rich help screen imports rich's Markdown, Syntax, Traceback
        # and pygments (several times the cost of typer itself) for every --help
        rich_markup_mode=None,
        cls=_ListedGroup if listed else TyperGroup,
    )
    app.callback()(_global)
    return app


def top_level(argv: Sequence[str]) -> bool:
    """Run ``flowscope``, ``flowscope --help`` or ``--version`` from the root alone; True if so."""
    if list(argv) not in ([], ["--help"], ["--version"]):
        return False
    root_app(listed=True)()
    return True
