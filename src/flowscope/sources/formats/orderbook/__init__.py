"""Order-book file formats read into one columnar :class:`BookFeed`.

Formats: ``binance-ws`` (diff-depth websocket captures), ``binance-rest`` (``/depth``
snapshots), ``tardis-snapshot`` (``book_snapshot_N`` CSV), ``tardis-incremental``
(``incremental_book_L2`` CSV), ``hyperliquid`` (``l2Book`` messages) and ``ccxt``
(``fetch_order_book`` dicts). :func:`read_book` picks the parser from the file's first lines
when asked for ``"auto"``. Sizes come out in base units; timestamps as int64 ns UTC.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Literal

from flowscope.errors import ParseError, UnknownFormatError
from flowscope.sources.formats.orderbook._feed import (
    ASK,
    BID,
    DIFF,
    NAT_NS,
    SNAPSHOT,
    BookFeed,
)
from flowscope.sources.formats.orderbook._text import read_text
from flowscope.sources.formats.orderbook.binance import parse_binance_rest, parse_binance_ws
from flowscope.sources.formats.orderbook.ccxt import book_from_ccxt, parse_ccxt
from flowscope.sources.formats.orderbook.hyperliquid import parse_hyperliquid
from flowscope.sources.formats.orderbook.tardis import (
    parse_tardis_incremental,
    parse_tardis_snapshot,
)

__all__ = [
    "ASK",
    "BID",
    "BOOK_FORMATS",
    "DIFF",
    "NAT_NS",
    "SNAPSHOT",
    "BookFeed",
    "BookFormat",
    "book_from_ccxt",
    "detect_book_format",
    "parse_binance_rest",
    "parse_binance_ws",
    "parse_ccxt",
    "parse_hyperliquid",
    "parse_tardis_incremental",
    "parse_tardis_snapshot",
    "read_book",
]

BookFormat = Literal[
    "binance-ws",
    "binance-rest",
    "tardis-snapshot",
    "tardis-incremental",
    "hyperliquid",
    "ccxt",
]

#: Parser of each format name.
BOOK_FORMATS: dict[str, Callable[[Path], BookFeed]] = {
    "binance-ws": parse_binance_ws,
    "binance-rest": parse_binance_rest,
    "tardis-snapshot": parse_tardis_snapshot,
    "tardis-incremental": parse_tardis_incremental,
    "hyperliquid": parse_hyperliquid,
    "ccxt": parse_ccxt,
}


def _sniff_json(body: str) -> str | None:
    try:
        doc = json.loads(body)
    except json.JSONDecodeError:
        return None
    if isinstance(doc, list):
        doc = doc[0] if doc else None
    if not isinstance(doc, dict):
        return None
    if doc.get("channel") == "l2Book":
        return "hyperliquid"
    data = doc.get("data")
    if "stream" in doc and isinstance(data, dict) and data.get("e") == "depthUpdate":
        return "binance-ws"
    if "lastUpdateId" in doc:
        return "binance-rest"
    if "bids" in doc and "asks" in doc:
        return "ccxt"
    return None


def detect_book_format(path: str | Path) -> str:
    """The format name of an order-book file, from its header or first messages.

    Raises
    ------
    UnknownFormatError
        When no format recognises the file (the message lists the formats tried).
    """
    path = Path(path)
    text = read_text(path)
    head = text[:4096].lstrip()
    first = head.split("\n", 1)[0]
    if first.startswith("exchange,symbol,timestamp,local_timestamp"):
        if "is_snapshot" in first:
            return "tardis-incremental"
        if "asks[0].price" in first or "bids[0].price" in first:
            return "tardis-snapshot"
    if head[:1] in ("{", "["):
        try:
            found = _sniff_json(text)
        except RecursionError:
            found = None
        if found is not None:
            return found
    kinds: set[str] = set()
    for line in text.split("\n", 400)[:400]:
        s = line.strip()
        if s[:1].isdigit():
            s = s.partition(" ")[2]
        kind = _sniff_json(s) if s else None
        if kind is not None:
            kinds.add(kind)
    for kind in ("binance-ws", "hyperliquid", "binance-rest", "ccxt"):
        if kind in kinds:
            return kind
    msg = (
        f"{path}: not a known order-book file; formats tried: {', '.join(BOOK_FORMATS)} "
        "(pick one with --format-in)"
    )
    raise UnknownFormatError(msg, param_name="format_in", received=str(path))


def read_book(path: str | Path, fmt: str = "auto") -> BookFeed:
    """Read an order-book file with the parser of ``fmt`` (``"auto"``: detect it).

    Parameters
    ----------
    path : str or Path
        The file (gzip or plain text).
    fmt : str
        ``"auto"`` or one of :data:`BOOK_FORMATS`.

    Returns
    -------
    BookFeed
        Columnar messages and levels; sizes in base units, timestamps in ns UTC.
    """
    path = Path(path)
    if not path.is_file():
        raise ParseError("no such file", path=path)
    name = detect_book_format(path) if fmt == "auto" else fmt
    if name not in BOOK_FORMATS:
        msg = f"unknown order-book format {fmt!r}; use auto or {', '.join(BOOK_FORMATS)}"
        raise UnknownFormatError(msg, param_name="format_in", received=fmt)
    return BOOK_FORMATS[name](path)
