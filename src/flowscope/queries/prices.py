"""Price readers: daily closes and bar inventories from the ``prices`` dataset.

Times are UTC; closes are in the quote currency (USD for every bundled symbol). Where
several sources hold a symbol, one close per day comes from the most trusted source
(the dataset's source preference, :meth:`flowscope.storage.Store.read` with
``preferred=True``).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import TYPE_CHECKING

import pandas as pd

from flowscope.analytics.align import close_series
from flowscope.errors import InsufficientDataError

if TYPE_CHECKING:
    from flowscope.storage import Store

__all__ = ["held_symbols", "latest_closes", "load_close", "load_closes", "price_inventory"]

#: What :func:`load_close` reads: the close and what the adjustment checks need.
_CLOSE_COLUMNS = ["ts", "symbol", "close", "adjusted", "source"]


def held_symbols(store: Store) -> dict[str, list[str]]:
    """Symbol -> sources holding daily bars, most bars first."""
    df = store.sql(
        "SELECT symbol, source, count(*) AS n FROM prices WHERE interval = '1d' "
        "GROUP BY symbol, source ORDER BY symbol, n DESC"
    )
    out: dict[str, list[str]] = {}
    for sym, grp in df.groupby("symbol", sort=True):
        out[str(sym)] = grp["source"].astype(str).tolist()
    return out


def load_close(
    store: Store,
    symbol: str,
    *,
    source: str | None = None,
    end: pd.Timestamp | None = None,
) -> pd.Series:
    """Daily closes of ``symbol`` (quote currency) indexed by naive date (UTC day).

    Without ``source``, one close per day from the most trusted source holding it, so a
    curated history is continued by newer sources and adjustment variants are never mixed.
    ``attrs["source"]`` names the source(s) used.

    Raises
    ------
    InsufficientDataError
        No daily bars of ``symbol`` (or none from ``source``) are held.
    """
    sources = store.sql(
        "SELECT DISTINCT source FROM prices WHERE interval = '1d' AND symbol = ?", [symbol]
    )["source"].astype(str)
    if sources.empty:
        held = held_symbols(store)
        msg = f"no daily prices held for {symbol}; held: {', '.join(held) or 'none'}"
        raise InsufficientDataError(msg)
    if source is not None and source not in set(sources):
        msg = (
            f"no {symbol} prices from source {source!r}; held sources: "
            f"{', '.join(held_symbols(store)[symbol])}"
        )
        raise InsufficientDataError(msg)
    bars = store.read(
        "prices",
        end=end,
        source=source,
        where={"interval": "1d", "symbol": symbol},
        columns=_CLOSE_COLUMNS,
        preferred=source is None,
    )
    out = close_series(bars, symbol)
    used = pd.unique(bars.sort_values("ts")["source"].astype(str))
    out.attrs["source"] = " + ".join(used) if len(used) else (source or "")
    return out


def load_closes(
    store: Store,
    symbols: Sequence[str],
    *,
    end: pd.Timestamp | None = None,
    held: Collection[str] | None = None,
) -> dict[str, pd.Series]:
    """Daily closes of several symbols in one read, each as :func:`load_close` gives it.

    Symbols without daily bars (not in ``held``, default :func:`held_symbols`) are left out.
    """
    held = held_symbols(store) if held is None else held
    wanted = [s for s in symbols if s in held]
    if not wanted:
        return {}
    bars = store.read(
        "prices",
        end=end,
        where={"interval": "1d", "symbol": wanted},
        columns=_CLOSE_COLUMNS,
        preferred=True,
    )
    sym = bars["symbol"].astype(str).to_numpy()
    out: dict[str, pd.Series] = {}
    for symbol in wanted:  # one slice per symbol (a handful), not per row
        part = bars[sym == symbol].reset_index(drop=True)
        close = close_series(part, symbol)
        used = pd.unique(part.sort_values("ts")["source"].astype(str))
        close.attrs["source"] = " + ".join(used)
        out[symbol] = close
    return out


def latest_closes(store: Store, symbol: str, *, end: pd.Timestamp, n: int = 8) -> pd.DataFrame:
    """The ``n`` newest daily closes of ``symbol`` up to ``end`` from one source.

    The source is the one whose daily bars reach furthest (then the one with most bars),
    so the newest information is used.

    Parameters
    ----------
    end
        Last time included (naive = UTC).

    Returns
    -------
    DataFrame
        ``ts`` (UTC), ``close``, ``source``; newest first.
    """
    t = pd.Timestamp(end)
    t = t.tz_localize("UTC") if t.tzinfo is None else t.tz_convert("UTC")
    return store.sql(
        "SELECT ts, close, source FROM prices WHERE symbol = ? AND interval = '1d' "
        "AND ts <= ? AND source = (SELECT source FROM prices WHERE symbol = ? "
        " AND ts <= ? GROUP BY source ORDER BY max(ts) DESC, count(*) DESC, source LIMIT 1) "
        "ORDER BY ts DESC LIMIT ?",
        [symbol, t, symbol, t, n],
    )


def price_inventory(store: Store, interval: str) -> pd.DataFrame:
    """Bars held per symbol, source and adjustment for one bar length.

    Returns
    -------
    DataFrame
        ``symbol``, ``source``, ``adjusted``, ``bars``, ``first_date``, ``last_date``
        (UTC days).
    """
    return store.sql(
        "SELECT symbol, source, adjusted, count(*) AS bars, CAST(min(ts) AS DATE) AS first_date,"
        " CAST(max(ts) AS DATE) AS last_date FROM prices WHERE interval = ?"
        " GROUP BY symbol, source, adjusted ORDER BY symbol, source",
        [interval],
    )
