"""Hyperliquid ``l2Book`` websocket messages: every message is a full book (20 levels a side).

Layout: ``<receive ns> {"channel": "l2Book", "data": {"coin": "BTC", "time": <ms>,
"levels": [[bids...], [asks...]]}}``, each level ``{"px": "105055.0", "sz": "3.03622", "n": 5}``
(price in USD, size in coins, ``n`` resting orders). Bare JSON lines (no receive time) are
accepted too. Other channels (``trades``) are skipped.
"""

from __future__ import annotations

from pathlib import Path

from flowscope.errors import ParseError
from flowscope.sources.formats.orderbook._feed import NAT_NS, SNAPSHOT, BookFeed, FeedBuilder
from flowscope.sources.formats.orderbook._text import iter_json_lines, read_text

__all__ = ["parse_hyperliquid"]


def parse_hyperliquid(path: str | Path) -> BookFeed:
    """Read Hyperliquid ``l2Book`` messages into snapshots (sizes already in base units).

    Parameters
    ----------
    path : str or Path
        Text or gzip file, one message a line.

    Returns
    -------
    BookFeed
        One snapshot message per ``l2Book`` line; ``sequence`` is ``"none"``.
    """
    path = Path(path)
    b = FeedBuilder(str(path))
    coin = ""
    for no, ts, doc in iter_json_lines(path, read_text(path), b.issues):
        if not isinstance(doc, dict) or doc.get("channel") != "l2Book":
            continue
        data = doc.get("data")
        try:
            bids_raw, asks_raw = data["levels"]  # type: ignore[index]
            bids = [[lvl["px"], lvl["sz"]] for lvl in bids_raw]
            asks = [[lvl["px"], lvl["sz"]] for lvl in asks_raw]
            t = data.get("time")  # type: ignore[union-attr]
        except (KeyError, TypeError, ValueError):
            raise ParseError(
                "l2Book message without levels [[bids], [asks]] of {px, sz}", path=path, row=no
            ) from None
        coin = str(data.get("coin", coin))  # type: ignore[union-attr]
        b.add(
            kind=SNAPSHOT,
            line=no,
            bids=bids,
            asks=asks,
            ts_exchange_ns=int(t) * 1_000_000 if t is not None else NAT_NS,
            ts_local_ns=ts if ts is not None else NAT_NS,
        )
    if not b.kind:
        raise ParseError("no l2Book message found", path=path)
    return b.build(venue="hyperliquid", symbol=coin, fmt="hyperliquid", sequence="none")
