"""Binance depth: websocket diff-depth captures and REST ``/depth`` snapshots.

* ``binance-ws``: one message a line, ``<local receive time, ns since epoch> <JSON>``, the JSON
  being a combined-stream envelope ``{"stream": "btcusdt@depth@100ms", "data": {...}}``
  (hftbacktest's raw-feed layout). ``depthUpdate`` payloads carry ``E`` (event time, ms),
  ``U``/``u`` (first/last update id) and, on futures, ``pu`` (the previous message's ``u``).
  Lines holding a REST snapshot (``lastUpdateId``) are kept as snapshots in place; trade and
  bookTicker lines are skipped.
* ``binance-rest``: one or more REST snapshots, each ``{"lastUpdateId": ..., "bids": [...],
  "asks": [...]}`` (optionally prefixed with a receive time in ns).

Sizes: spot and USDⓈ-M quote base units (BTC). COIN-M (symbols with ``_``, e.g.
``BTCUSD_PERP``) quote contracts of 100 USD (BTC) or 10 USD (other coins); they are turned
into base units at each level's price: ``size_btc = contracts * 100 / price``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flowscope.errors import ParseError
from flowscope.sources.formats.orderbook._feed import DIFF, NAT_NS, SNAPSHOT, BookFeed, FeedBuilder
from flowscope.sources.formats.orderbook._text import iter_documents, iter_json_lines, read_text

__all__ = ["coinm_contract_usd", "parse_binance_rest", "parse_binance_ws"]

_MS = 1_000_000


def coinm_contract_usd(symbol: str) -> float:
    """USD face value of one Binance COIN-M contract: 100 for BTC, 10 for every other coin."""
    return 100.0 if symbol.upper().startswith("BTC") else 10.0


def _ms(v: Any) -> int:
    return int(v) * _MS if v is not None else NAT_NS


def _snapshot(b: FeedBuilder, no: int, ts: int | None, doc: dict[str, Any], path: Path) -> None:
    try:
        lid = int(doc["lastUpdateId"])
        bids, asks = doc["bids"], doc["asks"]
    except (KeyError, TypeError, ValueError):
        raise ParseError(
            "snapshot without lastUpdateId, bids and asks", path=path, row=no
        ) from None
    b.add(
        kind=SNAPSHOT,
        line=no,
        bids=bids,
        asks=asks,
        first_id=lid,
        last_id=lid,
        ts_exchange_ns=_ms(doc.get("E")),
        ts_local_ns=ts if ts is not None else NAT_NS,
    )


def _finish(
    b: FeedBuilder, path: Path, fmt: str, symbol: str, futures: bool, contract_usd: float | None
) -> BookFeed:
    coinm = "_" in symbol
    if coinm and contract_usd is None:
        contract_usd = coinm_contract_usd(symbol)
    venue = "binance-coinm" if coinm else ("binance-futures" if futures else "binance-spot")
    note = (
        f"COIN-M contracts of {contract_usd:g} USD converted to base units at each level's price"
        if contract_usd is not None
        else "sizes as quoted (base units)"
    )
    return b.build(
        venue=venue,
        symbol=symbol,
        fmt=fmt,
        sequence="futures" if futures else "spot",
        size_note=note,
        contract_usd=contract_usd,
    )


def parse_binance_ws(path: str | Path, *, contract_usd: float | None = None) -> BookFeed:
    """Read a Binance diff-depth websocket capture (spot, USDⓈ-M or COIN-M).

    Parameters
    ----------
    path : str or Path
        Text or gzip file of ``<receive ns> <combined-stream JSON>`` lines.
    contract_usd : float, optional
        USD per contract for COIN-M books (default: 100 for BTC, 10 otherwise).

    Returns
    -------
    BookFeed
        Diffs and any in-line REST snapshots, in file order.
    """
    path = Path(path)
    b = FeedBuilder(str(path))
    symbol = ""
    futures = False
    n_depth = 0
    for no, ts, doc in iter_json_lines(
        path, read_text(path), b.issues, needles=("depthUpdate", "lastUpdateId")
    ):
        if not isinstance(doc, dict):
            raise ParseError("expected a JSON object", path=path, row=no)
        if "lastUpdateId" in doc:
            _snapshot(b, no, ts, doc, path)
            symbol = symbol or str(doc.get("symbol", ""))
            continue
        data = doc.get("data", doc)
        if not isinstance(data, dict) or data.get("e") != "depthUpdate":
            continue
        try:
            pu = int(data["pu"]) if "pu" in data else -1
            b.add(
                kind=DIFF,
                line=no,
                bids=data["b"],
                asks=data["a"],
                first_id=int(data["U"]),
                last_id=int(data["u"]),
                prev_id=pu,
                ts_exchange_ns=_ms(data.get("E")),
                ts_local_ns=ts if ts is not None else NAT_NS,
            )
        except (KeyError, TypeError, ValueError) as exc:
            msg = f"depthUpdate without a readable field {exc}"
            raise ParseError(msg, path=path, row=no) from None
        futures = futures or pu >= 0
        symbol = str(data.get("s", symbol))
        n_depth += 1
    if not b.kind:
        raise ParseError("no depthUpdate message or snapshot found", path=path)
    return _finish(b, path, "binance-ws", symbol, futures, contract_usd)


def parse_binance_rest(
    path: str | Path, *, symbol: str = "", contract_usd: float | None = None
) -> BookFeed:
    """Read one or more Binance REST depth snapshots (``lastUpdateId``, ``bids``, ``asks``).

    ``symbol`` names the book when the payload does not (spot snapshots carry no symbol); a
    COIN-M symbol (``BTCUSD_PERP``) turns contract sizes into base units.
    """
    path = Path(path)
    b = FeedBuilder(str(path))
    futures = False
    text = read_text(path)
    for no, ts, doc in iter_documents(path, text, b.issues):
        if not isinstance(doc, dict) or "lastUpdateId" not in doc:
            raise ParseError(
                "not a Binance depth snapshot", path=path, row=no, expected="lastUpdateId"
            )
        _snapshot(b, no, ts, doc, path)
        symbol = symbol or str(doc.get("symbol", ""))
        futures = futures or "T" in doc
    if not b.kind:
        raise ParseError("no snapshot found", path=path)
    return _finish(b, path, "binance-rest", symbol, futures, contract_usd)
