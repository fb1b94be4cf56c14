"""Order-book liquidity: book reconstruction from feeds and Kaiko-style liquidity metrics.

See :mod:`~flowscope.analytics.liquidity.book` (replay, sequence checks, fixed-interval
samples) and :mod:`~flowscope.analytics.liquidity.metrics` (spread, depth, slippage, cost to
move the price, imbalance). The numba kernels load on first use, not at import.
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
