"""Tardis.dev CSV datasets: ``book_snapshot_N`` and ``incremental_book_L2``.

* ``tardis-snapshot`` (``book_snapshot_5``, ``book_snapshot_25`` …): one row per snapshot with
  ``exchange, symbol, timestamp, local_timestamp`` and ``asks[i].price, asks[i].amount,
  bids[i].price, bids[i].amount`` for i = 0..N-1 (blank where the book has fewer levels).
* ``tardis-incremental`` (``incremental_book_L2``): one row per level change with ``exchange,
  symbol, timestamp, local_timestamp, is_snapshot, side, price, amount``; ``amount`` 0 removes
  the level. Consecutive rows sharing ``local_timestamp`` and ``is_snapshot`` form one message;
  a run of ``is_snapshot = true`` rows is a full snapshot. Tardis carries no update ids, so no
  sequence gap can be detected.

``timestamp`` (exchange) and ``local_timestamp`` (Tardis' receive time) are µs since epoch
UTC. Amounts of inverse contracts are USD (Deribit ``*-PERPETUAL`` and futures, BitMEX
``XBTUSD``) or 100/10-USD contracts (``binance-delivery``); they are turned into base units
at each level's price.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from flowscope.errors import ParseError
from flowscope.sources._parsing import raise_first_bad
from flowscope.sources.formats.orderbook._feed import DIFF, SNAPSHOT, BookFeed, feed_from_arrays

__all__ = ["inverse_contract_usd", "parse_tardis_incremental", "parse_tardis_snapshot"]

_BASE = ("exchange", "symbol", "timestamp", "local_timestamp")
_LEVEL = re.compile(r"^(asks|bids)\[(\d+)\]\.(price|amount)$")


def inverse_contract_usd(exchange: str, symbol: str) -> float | None:
    """USD per amount unit when Tardis amounts are not base units, else None.

    Deribit BTC/ETH options aside, its perpetuals and futures are quoted in USD (1); BitMEX
    ``XBTUSD`` in USD (1); Binance COIN-M (``binance-delivery``) in contracts of 100 USD (BTC)
    or 10 USD.
    """
    sym = symbol.upper()
    if exchange == "deribit" and (sym.endswith("-PERPETUAL") or re.search(r"-\d", sym)):
        return 1.0
    if exchange == "bitmex" and sym in ("XBTUSD", "ETHUSD"):
        return 1.0
    if exchange == "binance-delivery":
        return 100.0 if sym.startswith("BTC") else 10.0
    return None


def _read(path: Path, columns: tuple[str, ...]) -> pd.DataFrame:
    try:
        df = pd.read_csv(path, dtype=str, keep_default_na=False, compression="infer")
    except (pd.errors.ParserError, UnicodeDecodeError, ValueError) as exc:
        msg = f"unreadable CSV ({exc})"
        raise ParseError(msg, path=path) from None
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise ParseError(
            "missing columns", path=path, row=1, expected=", ".join(missing), received=None
        )
    if df.empty:
        raise ParseError("no data rows", path=path)
    return df


def _numbers(df: pd.DataFrame, col: str, path: Path, *, blank_ok: bool = False) -> np.ndarray:
    raw = df[col].str.strip()
    out = pd.to_numeric(raw.replace("", np.nan if blank_ok else "?"), errors="coerce")
    bad = out.isna() & ~((raw == "") & blank_ok)
    raise_first_bad(
        bad.to_numpy(), "not a number", path=path, column=col, received=raw, expected="a number"
    )
    values: np.ndarray = out.to_numpy(dtype=np.float64)
    return values


def _us(df: pd.DataFrame, col: str, path: Path) -> np.ndarray:
    v = _numbers(df, col, path)
    return (v.astype(np.int64)) * 1000


def _unit(df: pd.DataFrame) -> tuple[str, str, float | None, str]:
    exchange, symbol = str(df["exchange"].iloc[0]), str(df["symbol"].iloc[0])
    c = inverse_contract_usd(exchange, symbol)
    note = (
        f"amounts of {c:g} USD converted to base units at each level's price"
        if c is not None
        else "sizes as quoted (base units)"
    )
    return exchange, symbol, c, note


def parse_tardis_snapshot(path: str | Path) -> BookFeed:
    """Read a Tardis ``book_snapshot_N`` CSV: one snapshot per row.

    Returns
    -------
    BookFeed
        One snapshot message per row (line = CSV line, header is line 1).
    """
    path = Path(path)
    df = _read(path, _BASE)
    levels = sorted(
        {int(m.group(2)) for c in df.columns if (m := _LEVEL.match(c))},
    )
    if not levels:
        raise ParseError(
            "no asks[i].price / bids[i].amount columns", path=path, row=1, expected="asks[0].price"
        )
    n, depth = len(df), len(levels)
    px = np.empty((n, 2, depth))
    sz = np.empty((n, 2, depth))
    for s, side_name in enumerate(("bids", "asks")):
        for j, i in enumerate(levels):
            for arr, what in ((px, "price"), (sz, "amount")):
                col = f"{side_name}[{i}].{what}"
                if col not in df.columns:
                    raise ParseError("missing column", path=path, row=1, expected=col)
                arr[:, s, j] = _numbers(df, col, path, blank_ok=True)
    present = ~np.isnan(px)
    counts = present.sum(axis=(1, 2)).astype(np.int64)
    side = np.broadcast_to(np.array([1, -1], np.int8)[None, :, None], px.shape)
    exchange, symbol, c, note = _unit(df)
    ones = np.full(n, -1, np.int64)
    return feed_from_arrays(
        venue=exchange,
        symbol=symbol,
        fmt="tardis-snapshot",
        sequence="none",
        size_note=note,
        path=str(path),
        kind=np.full(n, SNAPSHOT, np.int8),
        first_id=ones,
        last_id=ones.copy(),
        prev_id=ones.copy(),
        ts_exchange_ns=_us(df, "timestamp", path),
        ts_local_ns=_us(df, "local_timestamp", path),
        line=np.arange(2, n + 2, dtype=np.int64),
        counts=counts,
        side=side[present].astype(np.int8),
        price=px[present],
        size=sz[present],
        contract_usd=c,
    )


def parse_tardis_incremental(path: str | Path) -> BookFeed:
    """Read a Tardis ``incremental_book_L2`` CSV into snapshot and diff messages.

    Returns
    -------
    BookFeed
        Messages in file order; ``sequence`` is ``"none"`` (Tardis carries no update ids).
    """
    path = Path(path)
    df = _read(path, (*_BASE, "is_snapshot", "side", "price", "amount"))
    snap_raw = df["is_snapshot"].str.strip().str.lower()
    bad = ~snap_raw.isin(["true", "false"])
    raise_first_bad(
        bad.to_numpy(),
        "not a boolean",
        path=path,
        column="is_snapshot",
        received=snap_raw,
        expected="true or false",
    )
    side_raw = df["side"].str.strip().str.lower()
    bad = ~side_raw.isin(["bid", "ask"])
    raise_first_bad(
        bad.to_numpy(),
        "unknown side",
        path=path,
        column="side",
        received=side_raw,
        expected="bid or ask",
    )
    snap = (snap_raw == "true").to_numpy()
    loc = _us(df, "local_timestamp", path)
    exch = _us(df, "timestamp", path)
    new = np.ones(len(df), bool)
    new[1:] = (loc[1:] != loc[:-1]) | (snap[1:] != snap[:-1])
    starts = np.flatnonzero(new)
    counts = np.diff(np.append(starts, len(df))).astype(np.int64)
    exchange, symbol, c, note = _unit(df)
    ones = np.full(len(starts), -1, np.int64)
    return feed_from_arrays(
        venue=exchange,
        symbol=symbol,
        fmt="tardis-incremental",
        sequence="none",
        size_note=note,
        path=str(path),
        kind=np.where(snap[starts], SNAPSHOT, DIFF).astype(np.int8),
        first_id=ones,
        last_id=ones.copy(),
        prev_id=ones.copy(),
        ts_exchange_ns=exch[starts],
        ts_local_ns=loc[starts],
        line=starts.astype(np.int64) + 2,
        counts=counts,
        side=np.where(side_raw == "bid", 1, -1).astype(np.int8),
        price=_numbers(df, "price", path),
        size=_numbers(df, "amount", path),
        contract_usd=c,
    )
