"""ccxt ``fetch_order_book`` results: ``{"symbol", "bids": [[price, amount], ...], "asks", "timestamp",
"datetime", "nonce"}``.

A file may hold one such dict, a JSON list of them, or one per line (optionally prefixed with a
receive time in ns). ``timestamp`` is the exchange time in ms (ccxt leaves it ``None`` for some
venues); ``nonce`` (the venue's update id, when given) is kept as the last update id. Amounts are
taken as base units, as ccxt's unified order book gives them for spot and linear markets;
``contract_usd`` converts inverse-contract amounts.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from flowscope.errors import ParseError
from flowscope.sources.formats.orderbook._feed import NAT_NS, SNAPSHOT, BookFeed, FeedBuilder
from flowscope.sources.formats.orderbook._text import iter_documents, read_text

__all__ = ["book_from_ccxt", "parse_ccxt"]


def _add(b: FeedBuilder, no: int, ts: int | None, doc: Any, origin: str) -> str:
    if not isinstance(doc, Mapping) or "bids" not in doc or "asks" not in doc:
        raise ParseError("not a ccxt order book (no bids/asks)", path=origin, row=no)
    t = doc.get("timestamp")
    nonce = doc.get("nonce")
    try:
        b.add(
            kind=SNAPSHOT,
            line=no,
            bids=[lvl[:2] for lvl in doc["bids"]],
            asks=[lvl[:2] for lvl in doc["asks"]],
            first_id=int(nonce) if nonce is not None else -1,
            last_id=int(nonce) if nonce is not None else -1,
            ts_exchange_ns=int(t) * 1_000_000 if t is not None else NAT_NS,
            ts_local_ns=ts if ts is not None else NAT_NS,
        )
    except (TypeError, ValueError):
        raise ParseError("unreadable timestamp, nonce or level", path=origin, row=no) from None
    return str(doc.get("symbol") or "")


def book_from_ccxt(
    books: Mapping[str, Any] | Iterable[Mapping[str, Any]],
    *,
    venue: str = "ccxt",
    contract_usd: float | None = None,
) -> BookFeed:
    """A :class:`BookFeed` of snapshots from ccxt order-book dicts held in memory.

    Parameters
    ----------
    books : dict or iterable of dict
        ``exchange.fetch_order_book(...)`` results; errors name the position (1-based) as row.
    venue : str
        Name to report (ccxt dicts do not name their exchange).
    contract_usd : float, optional
        USD per amount unit for inverse contracts.
    """
    b = FeedBuilder("<ccxt order books>")
    items = [books] if isinstance(books, Mapping) else list(books)
    symbol = ""
    for no, doc in enumerate(items, start=1):
        symbol = _add(b, no, None, doc, "<ccxt order books>") or symbol
    if not b.kind:
        raise ParseError("no order book given", path="<ccxt order books>")
    return b.build(
        venue=venue, symbol=symbol, fmt="ccxt", sequence="none", contract_usd=contract_usd
    )


def parse_ccxt(path: str | Path, *, contract_usd: float | None = None) -> BookFeed:
    """Read ccxt ``fetch_order_book`` dicts saved as JSON (one, a list, or one per line)."""
    path = Path(path)
    b = FeedBuilder(str(path))
    symbol = ""
    for no, ts, doc in iter_documents(path, read_text(path), b.issues):
        symbol = _add(b, no, ts, doc, str(path)) or symbol
    if not b.kind:
        raise ParseError("no order book found", path=path)
    return b.build(
        venue="ccxt", symbol=symbol, fmt="ccxt", sequence="none", contract_usd=contract_usd
    )
