"""Closes for backtests: one bar per time from the most trusted source (store → frame)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

    from flowscope._typing import DateLike
    from flowscope.storage import Store

__all__ = ["closes"]


def closes(
    store: Store,
    symbol: str = "BTC-USD",
    *,
    interval: str = "1d",
    start: DateLike | None = None,
    end: DateLike | None = None,
) -> pd.DataFrame:
    """Closes of one symbol from the store, one bar per time from the most trusted source.

    Parameters
    ----------
    store
        An open store.
    symbol
        Instrument (default ``BTC-USD``).
    interval
        Bar length (``"1d"``, ``"1h"`` …).
    start, end
        Inclusive bounds (UTC days).

    Returns
    -------
    DataFrame
        Columns ``ts`` (UTC bar start), ``close`` (USD) and ``source``, sorted by ``ts``;
        rows are as held (bad values are the caller's to quarantine).
    """
    bars = store.read(
        "prices",
        start=start,
        end=end,
        where={"symbol": symbol, "interval": interval},
        preferred=True,
    )
    cols = [c for c in ("ts", "close", "source") if c in bars.columns]
    return bars[cols].sort_values("ts").reset_index(drop=True)
