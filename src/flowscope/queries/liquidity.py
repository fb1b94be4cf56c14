"""Store to frames for the liquidity model: daily BTC bars with volume, and order-book levels."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from flowscope.errors import InsufficientDataError

if TYPE_CHECKING:
    from flowscope.storage import Store

__all__ = ["daily_bars", "latest_book"]


def daily_bars(
    store: Store, symbol: str = "BTC-USD", *, end: pd.Timestamp | None = None
) -> pd.DataFrame:
    """Daily bars of ``symbol``, one per UTC day from the most trusted source holding it.

    Bars come from :meth:`flowscope.storage.Store.read` with ``preferred=True``. A volume
    that is missing, zero or negative is returned as NaN (no figure): some sources (Yahoo's
    BTC-USD) are stored without volume.

    Parameters
    ----------
    store
        Open store.
    symbol
        Instrument, e.g. ``"BTC-USD"``.
    end
        Last day to read (naive UTC day, inclusive); default: everything held.

    Returns
    -------
    DataFrame
        Indexed by ``date`` (naive UTC day) with ``open``, ``high``, ``low``, ``close``
        (USD), ``volume`` (base units, NaN when not held) and ``source``. ``attrs`` holds
        ``source`` (sources in time order, ``" + "``-joined), ``volume_source`` (sources of
        the bars that carry a volume), ``first_day``, ``last_day`` and ``last_volume_day``
        (``YYYY-MM-DD``; ``last_volume_day`` is None without any volume).

    Raises
    ------
    InsufficientDataError
        No daily bars of ``symbol`` are held.
    """
    stop = None if end is None else end + pd.Timedelta(days=1) - pd.Timedelta(microseconds=1)
    bars = store.read(
        "prices",
        end=stop,
        where={"symbol": symbol, "interval": "1d"},
        columns=["ts", "open", "high", "low", "close", "volume", "source"],
        preferred=True,
    )
    if bars.empty:
        msg = f"no daily prices held for {symbol}; run `flowscope init` or `flowscope update`"
        raise InsufficientDataError(msg)
    day = pd.DatetimeIndex(bars["ts"]).tz_convert("UTC").tz_localize(None).normalize()
    out = bars.drop(columns="ts").set_index(day.rename("date")).sort_index()
    out["volume"] = out["volume"].where(out["volume"] > 0)
    with_vol = out[out["volume"].notna()]
    out.attrs["source"] = " + ".join(dict.fromkeys(out["source"]))
    out.attrs["volume_source"] = " + ".join(dict.fromkeys(with_vol["source"]))
    out.attrs["first_day"] = f"{out.index[0]:%Y-%m-%d}"
    out.attrs["last_day"] = f"{out.index[-1]:%Y-%m-%d}"
    out.attrs["last_volume_day"] = None if with_vol.empty else f"{with_vol.index[-1]:%Y-%m-%d}"
    return out


def latest_book(store: Store, *, end: pd.Timestamp | None = None) -> pd.DataFrame | None:
    """Levels of the newest order-book snapshot held (per venue and symbol), or None.

    Parameters
    ----------
    store
        Open store.
    end
        Latest day to consider (naive UTC day, inclusive); default: everything held.

    Returns
    -------
    DataFrame or None
        Rows of ``book_snapshots`` at each venue/symbol's newest ``ts`` (UTC): ``ts``,
        ``venue``, ``symbol``, ``side`` (``"bid"``/``"ask"``), ``level``, ``price`` (quote
        currency), ``size`` (base units). None when no snapshot is held.
    """
    sql = (
        "SELECT b.ts, b.venue, b.symbol, b.side, b.level, b.price, b.size FROM book_snapshots b"
        " JOIN (SELECT venue, symbol, max(ts) AS ts FROM book_snapshots"
        + (" WHERE ts < ?" if end is not None else "")
        + " GROUP BY venue, symbol) m USING (venue, symbol, ts)"
        " ORDER BY b.venue, b.symbol, b.side, b.level"
    )
    params = [] if end is None else [(end + pd.Timedelta(days=1)).tz_localize("UTC")]
    df = store.sql(sql, params)
    return None if df.empty else df
