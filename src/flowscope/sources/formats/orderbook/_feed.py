"""The columnar order-book feed every parser returns, and the builder parsers fill.

A feed is a sequence of *messages* (a full snapshot or an incremental diff), each owning a
contiguous run of *level rows* (side, price, size). Sizes are in base units (BTC for BTC
books) whatever the venue quotes them in; prices in the quote currency (USD or USDT).
Timestamps are int64 nanoseconds since the Unix epoch, UTC; :data:`NAT_NS` marks a time the
format does not carry (numpy reads it as ``NaT``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd

from flowscope.errors import ParseError

__all__ = [
    "ASK",
    "BID",
    "DIFF",
    "NAT_NS",
    "SNAPSHOT",
    "BookFeed",
    "FeedBuilder",
    "Sequence",
    "feed_from_arrays",
]

#: Side codes of ``lvl_side``.
BID = 1
ASK = -1
#: Message kinds of ``msg_kind``.
DIFF = 0
SNAPSHOT = 1
#: "No timestamp" (int64 minimum, which numpy's datetime64 reads as NaT).
NAT_NS = np.iinfo(np.int64).min

#: Sequence rules a feed follows: Binance spot (``U``/``u``), Binance futures (``pu``), none.
Sequence = Literal["spot", "futures", "none"]

_I64 = np.ndarray[tuple[int, ...], np.dtype[np.int64]]
_I8 = np.ndarray[tuple[int, ...], np.dtype[np.int8]]
_F64 = np.ndarray[tuple[int, ...], np.dtype[np.float64]]


@dataclass
class BookFeed:
    """An order-book capture as columnar arrays.

    Attributes
    ----------
    venue, symbol : str
        Where the book comes from (``"binance-spot"``, ``"hyperliquid"`` …) and its symbol.
    format : str
        The parser that read it (``"binance-ws"``, ``"tardis-snapshot"`` …).
    sequence : {"spot", "futures", "none"}
        Which update-id rules apply: Binance spot ``U``/``u``, Binance futures ``pu``, or none.
    size_note : str
        How sizes were brought to base units (e.g. COIN-M contracts of 100 USD).
    msg_kind : int8 array, shape (M,)
        :data:`SNAPSHOT` or :data:`DIFF`.
    msg_first_id, msg_last_id, msg_prev_id : int64 arrays, shape (M,)
        First update id ``U``, last update id ``u`` (``lastUpdateId`` for a snapshot) and the
        previous message's last id ``pu``; -1 where the format has none.
    msg_ts_exchange_ns, msg_ts_local_ns : int64 arrays, shape (M,)
        Exchange event time and local receive time, ns since epoch UTC (:data:`NAT_NS` if unknown).
    msg_line : int64 array, shape (M,)
        1-based line of the message in the file (for CSV formats, its first row).
    msg_offsets : int64 array, shape (M + 1,)
        Levels of message ``i`` are rows ``msg_offsets[i]:msg_offsets[i + 1]``.
    lvl_side : int8 array, shape (R,)
        :data:`BID` (1) or :data:`ASK` (-1).
    lvl_price : float64 array, shape (R,)
        Price in quote currency.
    lvl_size : float64 array, shape (R,)
        Size in base units; 0 in a diff removes the level.
    issues : list of str
        Lines and levels set aside while parsing, each naming its line and reason.
    """

    venue: str
    symbol: str
    format: str
    sequence: Sequence
    size_note: str
    path: str | None
    msg_kind: _I8
    msg_first_id: _I64
    msg_last_id: _I64
    msg_prev_id: _I64
    msg_ts_exchange_ns: _I64
    msg_ts_local_ns: _I64
    msg_line: _I64
    msg_offsets: _I64
    lvl_side: _I8
    lvl_price: _F64
    lvl_size: _F64
    issues: list[str] = field(default_factory=list)

    @property
    def n_messages(self) -> int:
        """Number of messages (snapshots and diffs)."""
        return int(self.msg_kind.shape[0])

    @property
    def n_levels(self) -> int:
        """Number of level rows over all messages."""
        return int(self.lvl_price.shape[0])

    @property
    def has_snapshot(self) -> bool:
        """Whether the capture holds at least one full snapshot."""
        return bool((self.msg_kind == SNAPSHOT).any())

    def messages_frame(self) -> pd.DataFrame:
        """One row per message: kind, ids, ``ts_exchange``/``ts_local`` (UTC), line, level count."""
        return pd.DataFrame(
            {
                "kind": np.where(self.msg_kind == SNAPSHOT, "snapshot", "diff"),
                "first_update_id": self.msg_first_id,
                "last_update_id": self.msg_last_id,
                "prev_update_id": self.msg_prev_id,
                "ts_exchange": pd.to_datetime(self.msg_ts_exchange_ns, utc=True),
                "ts_local": pd.to_datetime(self.msg_ts_local_ns, utc=True),
                "line": self.msg_line,
                "n_levels": np.diff(self.msg_offsets),
            }
        )

    def levels_frame(self) -> pd.DataFrame:
        """One row per level: ``message`` index, ``side`` (bid/ask), ``price``, ``size_base``."""
        msg = np.repeat(np.arange(self.n_messages), np.diff(self.msg_offsets))
        return pd.DataFrame(
            {
                "message": msg,
                "side": np.where(self.lvl_side == BID, "bid", "ask"),
                "price": self.lvl_price,
                "size_base": self.lvl_size,
            }
        )


class FeedBuilder:
    """Collects messages one by one (strings or numbers) and freezes them into a :class:`BookFeed`."""

    def __init__(self, path: str | None) -> None:
        self.path = path
        self.kind: list[int] = []
        self.first: list[int] = []
        self.last: list[int] = []
        self.prev: list[int] = []
        self.ts_ex: list[int] = []
        self.ts_loc: list[int] = []
        self.line: list[int] = []
        self.counts: list[int] = []
        self.sides: list[np.ndarray] = []
        self.prices: list[str | float] = []
        self.sizes: list[str | float] = []
        self.issues: list[str] = []

    def add(
        self,
        *,
        kind: int,
        line: int,
        bids: list[list[str]] | list[tuple[float, float]],
        asks: list[list[str]] | list[tuple[float, float]],
        first_id: int = -1,
        last_id: int = -1,
        prev_id: int = -1,
        ts_exchange_ns: int = NAT_NS,
        ts_local_ns: int = NAT_NS,
    ) -> None:
        """Append one message whose levels are ``[price, size]`` pairs (strings or numbers)."""
        try:
            for lvl in bids:
                self.prices.append(lvl[0])
                self.sizes.append(lvl[1])
            for lvl in asks:
                self.prices.append(lvl[0])
                self.sizes.append(lvl[1])
        except (IndexError, TypeError, KeyError):
            raise ParseError(
                "a level is not a [price, size] pair", path=self.path, row=line
            ) from None
        side = np.empty(len(bids) + len(asks), dtype=np.int8)
        side[: len(bids)] = 1
        side[len(bids) :] = -1
        self.sides.append(side)
        self.kind.append(kind)
        self.first.append(first_id)
        self.last.append(last_id)
        self.prev.append(prev_id)
        self.ts_ex.append(ts_exchange_ns)
        self.ts_loc.append(ts_local_ns)
        self.line.append(line)
        self.counts.append(len(bids) + len(asks))

    def build(
        self,
        *,
        venue: str,
        symbol: str,
        fmt: str,
        sequence: Sequence,
        size_note: str = "sizes as quoted (base units)",
        contract_usd: float | None = None,
    ) -> BookFeed:
        """Freeze the messages; ``contract_usd`` converts contract sizes to base units at each price.

        Levels with impossible values are set aside (see :func:`feed_from_arrays`).
        """
        line = np.asarray(self.line, dtype=np.int64)
        counts = np.asarray(self.counts, dtype=np.int64)
        try:
            price = np.asarray(self.prices, dtype=np.float64)
            size = np.asarray(self.sizes, dtype=np.float64)
        except ValueError:
            price, size = self._locate_bad_number(counts, line)
        side = np.concatenate(self.sides) if self.sides else np.empty(0, np.int8)
        return feed_from_arrays(
            venue=venue,
            symbol=symbol,
            fmt=fmt,
            sequence=sequence,
            size_note=size_note,
            path=self.path,
            kind=np.asarray(self.kind, dtype=np.int8),
            first_id=np.asarray(self.first, dtype=np.int64),
            last_id=np.asarray(self.last, dtype=np.int64),
            prev_id=np.asarray(self.prev, dtype=np.int64),
            ts_exchange_ns=np.asarray(self.ts_ex, dtype=np.int64),
            ts_local_ns=np.asarray(self.ts_loc, dtype=np.int64),
            line=line,
            counts=counts,
            side=side,
            price=price,
            size=size,
            contract_usd=contract_usd,
            issues=self.issues,
        )

    def _locate_bad_number(
        self, counts: _I64, line: _I64
    ) -> tuple[_F64, _F64]:  # raises: the first value that is not a number
        owner = np.repeat(np.arange(len(counts)), counts)
        for values, name in ((self.prices, "price"), (self.sizes, "size")):
            for i, v in enumerate(values):
                try:
                    float(v)
                except (TypeError, ValueError):
                    msg = f"{name} is not a number"
                    raise ParseError(
                        msg,
                        path=self.path,
                        row=int(line[owner[i]]),
                        column=name,
                        received=v,
                    ) from None
        msg = "unreadable number"
        raise ParseError(msg, path=self.path)


def feed_from_arrays(
    *,
    venue: str,
    symbol: str,
    fmt: str,
    sequence: Sequence,
    size_note: str,
    path: str | None,
    kind: _I8,
    first_id: _I64,
    last_id: _I64,
    prev_id: _I64,
    ts_exchange_ns: _I64,
    ts_local_ns: _I64,
    line: _I64,
    counts: _I64,
    side: _I8,
    price: _F64,
    size: _F64,
    contract_usd: float | None = None,
    issues: list[str] | None = None,
) -> BookFeed:
    """A :class:`BookFeed` from per-message arrays and level arrays (``counts`` levels each).

    ``contract_usd`` turns contract sizes into base units at each level's price. Levels with a
    non-finite, zero or negative price or a negative or non-finite size are set aside and
    named in ``issues`` (line and values), never kept.
    """
    issues = [] if issues is None else issues
    if contract_usd is not None:
        with np.errstate(divide="ignore", invalid="ignore"):
            size = size * contract_usd / price
    bad = ~np.isfinite(price) | (price <= 0) | ~np.isfinite(size) | (size < 0)
    if bad.any():
        owner = np.repeat(np.arange(len(counts)), counts)
        for i in np.flatnonzero(bad)[:20]:
            issues.append(
                f"line {line[owner[i]]}: level set aside "
                f"(price {price[i]!r}, size {size[i]!r}: impossible value)"
            )
        if bad.sum() > 20:
            issues.append(f"... and {int(bad.sum()) - 20} more impossible levels")
        counts = counts - np.bincount(owner[bad], minlength=len(counts))
        keep = ~bad
        price, size, side = price[keep], size[keep], side[keep]
    offsets = np.zeros(len(counts) + 1, dtype=np.int64)
    np.cumsum(counts, out=offsets[1:])
    return BookFeed(
        venue=venue,
        symbol=symbol,
        format=fmt,
        sequence=sequence,
        size_note=size_note,
        path=path,
        msg_kind=kind,
        msg_first_id=first_id,
        msg_last_id=last_id,
        msg_prev_id=prev_id,
        msg_ts_exchange_ns=ts_exchange_ns,
        msg_ts_local_ns=ts_local_ns,
        msg_line=line,
        msg_offsets=offsets,
        lvl_side=side,
        lvl_price=price,
        lvl_size=size,
        issues=issues,
    )
