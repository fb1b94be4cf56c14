"""Liquidity analytics: how much money it takes to move the price, and when the market thins.

Modules
-------
``impact``    square-root market-impact model, Amihud illiquidity and the Corwin–Schultz
              spread from daily bars; Christmas window vs a normal December week per year.
``thinning``  order-book depth and slippage by hour of week and in holiday windows.
``book``      book reconstruction from feeds (replay, sequence checks, fixed-interval samples).
``metrics``   Kaiko-style spread, depth, slippage, cost to move the price, imbalance.

The numba kernels load on first use, not at import.
"""

from flowscope.analytics.liquidity.book import BookMessages, BookSamples, replay_book, sample_times
from flowscope.analytics.liquidity.metrics import (
    DEPTH_PCTS,
    book_metrics,
    metrics_from_arrays,
)

__all__ = [
    "DEPTH_PCTS",
    "BookMessages",
    "BookSamples",
    "book_metrics",
    "metrics_from_arrays",
    "replay_book",
    "sample_times",
]
