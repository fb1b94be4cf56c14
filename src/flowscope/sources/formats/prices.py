"""File formats for daily OHLCV price files (BTC and equities).

Recognised layouts (any column order; header names case-insensitive):

* ``cryptoquant-ohlcv-csv`` — ``date,Open,High,Low,Close,Volume`` (CryptoQuant export; UTC days;
  leading rows with no prices are skipped and reported).
* ``yfinance-history-csv`` — yfinance ``history()`` output with ``Dividends`` and ``Stock Splits``
  columns and ``-05:00`` offsets (split- *and* dividend-adjusted).
* ``yfinance-download-csv`` — ``Date,Open,High,Low,Close,Volume`` (yfinance ``download``: split-adjusted
  as of the download, not dividend-adjusted).
* ``tradingview-csv`` — TradingView export (``date,open,high,low,close,Volume`` + open-interest columns;
  split-adjusted, not dividend-adjusted).
* ``yahoo-close-first-csv`` — ``Date,Close,High,Low,Open,Volume`` (Yahoo chart export; raw closes).
* ``candles-unix-csv`` — ``timestamp,open,close,volume,unix_timestamp,high,low`` (exchange candles
  aggregated by day; UTC).

The instrument is taken from the file name (``BTC`` → ``BTC-USD``; tickers such as ``NVDA``,
``QQQ``); ``flowscope import prices FILE --symbol X`` overrides it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from flowscope.errors import ParseError
from flowscope.sources._files import FileFormat, ParsedFile, RowIssue, register_format
from flowscope.sources._parsing import read_csv_text, strict_dates, strict_numeric

__all__ = ["KNOWN_TICKERS", "symbol_from_path"]

#: Tickers recognised in file names.
KNOWN_TICKERS = (
    "NVDA", "QQQ", "SPY", "SMH", "SOXX", "XLK", "MSTR", "COIN", "IBIT", "GLD", "IGV", "DXY",
)  # fmt: skip
_TICKER_RE = re.compile(r"(?<![A-Za-z])(" + "|".join(KNOWN_TICKERS) + r")(?![A-Za-z])")
_BTC_RE = re.compile(r"(?<![a-z])btc(?:[-_]?usdt?)?(?![a-z])", re.IGNORECASE)


def symbol_from_path(path: Path) -> str | None:
    """Guess the instrument from a file name (``None`` if it names none).

    Examples
    --------
    >>> symbol_from_path(Path("moltovy_tradingview_QQQ_nasdaq100_etf_daily.csv"))
    'QQQ'
    >>> symbol_from_path(Path("moltovy_cryptoquant_btc_usd_spot_ohlcv_daily.csv"))
    'BTC-USD'
    """
    name = path.name
    m = _TICKER_RE.search(name)
    if m:
        return m.group(1)
    if _BTC_RE.search(name):
        return "BTC-USD"
    return None


@dataclass(frozen=True)
class _Layout:
    name: str
    source: str
    adjusted: str
    description: str
    header: tuple[str, ...]  # lower-cased leading header fields that identify it
    time: str  # time column (lower-cased)
    exact: bool = True  # header must equal ``header`` (else: start with it)


_LAYOUTS = (
    _Layout(
        "candles-unix-csv",
        "bitstamp-coinbase",
        "none",
        "daily candles with timestamp + unix_timestamp (Bitstamp/Coinbase aggregates)",
        ("timestamp", "open", "close", "volume", "unix_timestamp", "high", "low"),
        "timestamp",
    ),
    _Layout(
        "yfinance-history-csv",
        "yfinance",
        "split_dividend",
        "yfinance history(): Date,Open,High,Low,Close,Volume,Dividends,Stock Splits",
        ("date", "open", "high", "low", "close", "volume", "dividends", "stock splits"),
        "date",
    ),
    _Layout(
        "tradingview-csv",
        "tradingview",
        "split",
        "TradingView export: date,open,high,low,close,Volume,Open Interest…",
        ("date", "open", "high", "low", "close", "volume", "open interest"),
        "date",
        exact=False,
    ),
    _Layout(
        "yahoo-close-first-csv",
        "yahoo",
        "none",
        "Yahoo export with Close first: Date,Close,High,Low,Open,Volume",
        ("date", "close", "high", "low", "open", "volume"),
        "date",
    ),
)


def _header(head: str) -> tuple[str, ...]:
    first = head.splitlines()[0] if head else ""
    return tuple(h.strip().strip('"').lower() for h in first.split(","))


def _is_cryptoquant(head: str) -> bool:
    first = head.splitlines()[0].strip() if head else ""
    return first == "date,Open,High,Low,Close,Volume"


def _is_yf_download(head: str) -> bool:
    first = head.splitlines()[0].strip() if head else ""
    return first == "Date,Open,High,Low,Close,Volume"


def _parse(path: Path, *, fmt: str, source: str, adjusted: str, time: str) -> ParsedFile:
    df = read_csv_text(path)
    df.columns = [c.strip().lower() for c in df.columns]
    symbol = symbol_from_path(path)
    if symbol is None:
        raise ParseError(
            "cannot tell the instrument from the file name; pass --symbol (e.g. --symbol NVDA)",
            path=path,
        )
    if df.empty:
        raise ParseError("no data rows", path=path)
    issues: list[RowIssue] = []
    prices = {c: strict_numeric(df, c, path=path) for c in ("open", "high", "low", "close")}
    volume = strict_numeric(df, "volume", path=path)
    if time == "timestamp":
        ts = strict_dates(df, time, path=path, utc=True)
    else:
        ts = strict_dates(df, time, path=path).dt.tz_localize("UTC")
    no_price = prices["close"].isna()
    if no_price.any():
        # Leading rows before prices exist (CryptoQuant 2009) are expected; a missing close
        # anywhere else means a damaged or truncated line.
        first_price = int(no_price.to_numpy().argmin()) if not no_price.all() else len(df)
        inner = no_price.to_numpy().copy()
        inner[:first_price] = False
        if inner.any():
            pos = int(inner.argmax())
            raise ParseError(
                "missing close price (truncated line?)",
                path=path,
                row=pos + 2,
                column="close",
                expected="a number",
                received=df["close"].iloc[pos],
            )
        if first_price:
            issues.append(
                RowIssue(
                    row=None,
                    reason=f"{first_price} leading rows without prices skipped",
                    date=f"{ts.iloc[0]:%Y-%m-%d}..{ts.iloc[first_price - 1]:%Y-%m-%d}",
                )
            )
    frame = pd.DataFrame(
        {
            "ts": ts,
            "symbol": symbol,
            "interval": "1d",
            **prices,
            "volume": volume,
            "adjusted": adjusted,
        }
    )[~no_price.to_numpy()]
    dup = frame["ts"].duplicated(keep="last")
    if dup.any():
        issues.append(RowIssue(row=None, reason=f"{int(dup.sum())} duplicate dates: last kept"))
        frame = frame[~dup]
    return ParsedFile(
        dataset="prices",
        frame=frame.reset_index(drop=True),
        source=source,
        format=fmt,
        path=str(path),
        issues=issues,
    )


def _register_layout(layout: _Layout) -> None:
    def sniff(_path: Path, head: str) -> bool:
        h = _header(head)
        return h == layout.header if layout.exact else h[: len(layout.header)] == layout.header

    def parse(path: Path) -> ParsedFile:
        return _parse(
            path, fmt=layout.name, source=layout.source, adjusted=layout.adjusted, time=layout.time
        )

    register_format(FileFormat(layout.name, "prices", layout.description, sniff, parse))


for _layout in _LAYOUTS:
    _register_layout(_layout)

register_format(
    FileFormat(
        "cryptoquant-ohlcv-csv",
        "prices",
        "CryptoQuant export: date,Open,High,Low,Close,Volume (UTC days)",
        lambda _p, head: _is_cryptoquant(head),
        lambda path: _parse(
            path, fmt="cryptoquant-ohlcv-csv", source="cryptoquant", adjusted="none", time="date"
        ),
    )
)
register_format(
    FileFormat(
        "yfinance-download-csv",
        "prices",
        "yfinance download(): Date,Open,High,Low,Close,Volume (split-adjusted at download time)",
        lambda _p, head: _is_yf_download(head),
        lambda path: _parse(
            path,
            fmt="yfinance-download-csv",
            source="yfinance-download",
            adjusted="split",
            time="date",
        ),
    )
)
