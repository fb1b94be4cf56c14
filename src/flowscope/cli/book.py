"""`flowscope book ...`: order-book liquidity and the seasonal market-impact model."""

from __future__ import annotations

import typer

from flowscope.cli import book_impact

__all__ = ["app"]

app = typer.Typer(
    help="Order-book liquidity: depth, slippage and how many USD move BTC.",
    no_args_is_help=True,
)

book_impact.register(app)
