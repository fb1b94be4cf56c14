"""File formats for OHLCV price files (BTC and equities), daily or intraday.

Recognised layouts (header names case-insensitive; each also as Parquet with the same columns):

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
* ``ohlcv-timestamp-csv`` — ``timestamp,open,high,low,close,volume`` with naive UTC date-times
  (e.g. 1-minute bars of a BTC perpetual); source ``file`` unless ``--source`` says better.

Rules every layout follows:

* The instrument is taken from the file name (``BTC`` → ``BTC-USD``, ``BTC-PERP`` → ``BTC-PERP``;
  tickers such as ``NVDA``, ``QQQ``); ``flowscope import prices FILE --symbol X`` overrides it.
* The bar ``interval`` (``1m``, ``5m``, ``15m``, ``30m``, ``1h``, ``2h``, ``4h``, ``6h``, ``12h``,
  ``1d``, ``1w``) is inferred from the most common spacing of the timestamps; timestamps off that
  grid are an error naming the row. ``--interval`` must agree with the spacing.
* Rows are sorted by time whatever the file order. Missing bars (every day for BTC, NYSE
  sessions for US equities and ETFs; every bar for intraday BTC) are reported, never filled.
* Impossible rows are kept out and reported by row: a missing, infinite, zero or negative
  price, high below low, an infinite or negative volume, a date in the future or far outside
  the rest of the data, a truncated last line. If more than half the rows are impossible the
  file is refused.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from flowscope.calendars import sessions_in_range
from flowscope.errors import ParseError
from flowscope.sources._files import FileFormat, ParsedFile, RowIssue, register_format
from flowscope.sources._parsing import (
    binary_kind,
    count_fields,
    last_line,
    raise_first_bad,
    read_csv_text,
    strict_dates,
    strict_numeric,
)

__all__ = ["INTERVALS", "KNOWN_TICKERS", "infer_interval", "symbol_from_path"]

#: Tickers recognised in file names.
KNOWN_TICKERS = (
    "NVDA", "QQQ", "SPY", "SMH", "SOXX", "XLK", "MSTR", "COIN", "IBIT", "GLD", "IGV", "DXY",
)  # fmt: skip
_TICKER_RE = re.compile(r"(?<![A-Za-z])(" + "|".join(KNOWN_TICKERS) + r")(?![A-Za-z])")
_BTC_RE = re.compile(r"(?<![a-z])btc(?:[-_]?usdt?)?(?![a-z])", re.IGNORECASE)
_PERP_RE = re.compile(r"(?<![a-z])btc[-_]?(?:usdt?[-_]?)?perp(?:etual)?(?![a-z])", re.IGNORECASE)
#: Tickers with no NYSE session calendar (index levels): their gaps are not checked.
_NO_CALENDAR = frozenset({"DXY"})

#: Bar lengths recognised, by label.
INTERVALS: dict[str, pd.Timedelta] = {
    label: pd.Timedelta(td)
    for label, td in (
        ("1m", "1min"), ("3m", "3min"), ("5m", "5min"), ("15m", "15min"), ("30m", "30min"),
        ("1h", "1h"), ("2h", "2h"), ("4h", "4h"), ("6h", "6h"), ("8h", "8h"), ("12h", "12h"),
        ("1d", "1D"), ("1w", "7D"),
    )
}  # fmt: skip
#: A row more than this far from the rest of the data is "dated far outside the data".
_DETACHED = pd.Timedelta(days=366)
#: Share of rows above which a file of impossible rows is refused rather than cleaned.
_MAX_BAD_SHARE = 0.5


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
    if _PERP_RE.search(name):
        return "BTC-PERP"
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
    utc_time: bool = False  # the time column holds UTC date-times (else local dates)
    crypto_volume_in_quote: bool = False  # crypto volume is in the quote currency (USD)


_LAYOUTS = (
    _Layout(
        "candles-unix-csv",
        "bitstamp-coinbase",
        "none",
        "daily candles with timestamp + unix_timestamp (Bitstamp/Coinbase aggregates)",
        ("timestamp", "open", "close", "volume", "unix_timestamp", "high", "low"),
        "timestamp",
        utc_time=True,
    ),
    _Layout(
        "ohlcv-timestamp-csv",
        "file",
        "none",
        "timestamp,open,high,low,close,volume with naive UTC date-times (any bar length)",
        ("timestamp", "open", "high", "low", "close", "volume"),
        "timestamp",
        utc_time=True,
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
        crypto_volume_in_quote=True,
    ),
    _Layout(
        "cryptoquant-ohlcv-csv",
        "cryptoquant",
        "none",
        "CryptoQuant export: date,Open,High,Low,Close,Volume (UTC days)",
        ("date", "open", "high", "low", "close", "volume"),
        "date",
    ),
    _Layout(
        "yfinance-download-csv",
        "yfinance-download",
        "split",
        "yfinance download(): Date,Open,High,Low,Close,Volume (split-adjusted at download time)",
        ("date", "open", "high", "low", "close", "volume"),
        "date",
    ),
)
#: Layouts told apart by the exact case of their header (same columns otherwise).
_EXACT_FIRST_LINE = {
    "cryptoquant-ohlcv-csv": "date,Open,High,Low,Close,Volume",
    "yfinance-download-csv": "Date,Open,High,Low,Close,Volume",
}


_OHLC = ("open", "high", "low", "close")


def _first_line(head: str) -> str:
    return head.splitlines()[0].strip() if head else ""


def _sniff(layout: _Layout, head: str) -> bool:
    exact_line = _EXACT_FIRST_LINE.get(layout.name)
    if exact_line is not None:
        return _first_line(head) == exact_line
    h = tuple(c.strip().strip('"').lower() for c in _first_line(head).split(","))
    return h == layout.header if layout.exact else h[: len(layout.header)] == layout.header


def infer_interval(ts: pd.Series) -> str | None:
    """Bar length of sorted timestamps: the label of their most common spacing.

    Parameters
    ----------
    ts
        Sorted, unique timestamps.

    Returns
    -------
    str or None
        A key of :data:`INTERVALS`, or ``None`` with fewer than two rows or a spacing that
        is no known bar length.

    Examples
    --------
    >>> infer_interval(pd.Series(pd.date_range("2022-01-01", periods=4, freq="5min")))
    '5m'
    """
    steps = ts.diff().iloc[1:]
    if steps.empty:
        return None
    mode = steps.mode().iloc[0]
    return next((label for label, td in INTERVALS.items() if td == mode), None)


def _row_readable(row: pd.Series, time: str) -> bool:
    try:
        nums = pd.to_numeric(row[list(_OHLC)].str.strip(), errors="coerce")
        vol = str(row["volume"]).strip()
        when = pd.to_datetime(str(row[time]).strip(), errors="coerce", format="mixed")
    except (ValueError, TypeError, OverflowError):
        return False
    vol_ok = vol == "" or not pd.isna(pd.to_numeric(vol, errors="coerce"))
    return bool(nums.notna().all()) and vol_ok and not pd.isna(when)


def _last_line_state(path: Path, df: pd.DataFrame, time: str) -> tuple[str, str] | None:
    # ("cut", text): truncated last line; ("open", text): complete but no line break after it;
    # None otherwise, and for Parquet, which has no lines.
    if binary_kind(path) is not None:
        return None
    text, newline = last_line(path)
    if count_fields(text) < len(df.columns):
        return "cut", text
    if not newline:
        return ("open" if _row_readable(df.iloc[-1], time) else "cut"), text
    return None


def _row_reasons(
    px: np.ndarray, volume: np.ndarray, ts: pd.Series, considered: np.ndarray
) -> np.ndarray:
    """One reason per row ("" = fine) for values no real price bar can have."""
    now = pd.Timestamp.now(tz="UTC")
    with np.errstate(invalid="ignore"):
        conds = [
            np.isnan(px).any(axis=1),
            np.isinf(px).any(axis=1),
            (px <= 0).any(axis=1),
            px[:, 1] < px[:, 2],
            np.isinf(volume),
            volume < 0,
            (ts > now + pd.Timedelta(days=2)).to_numpy(),
        ]
    reasons = np.select(
        conds,
        [
            "missing price (damaged line?)",
            "infinite price",
            "zero or negative price",
            "high below low",
            "volume not finite",
            "negative volume",
            "dated in the future",
        ],
        default="",
    ).astype(object)
    reasons[~considered] = ""
    # Rows far (over a year) from the bulk of the data, e.g. a 1900 or 2099 typo.
    ok = np.flatnonzero(considered & (reasons == ""))
    if len(ok) > 1:
        t = ts.dt.tz_convert(None).to_numpy()[ok]
        order = np.argsort(t, kind="stable")
        cluster = np.concatenate([[0], np.cumsum(np.diff(t[order]) > _DETACHED.to_timedelta64())])
        main = np.bincount(cluster).argmax()
        outside = ok[order][cluster != main]
        if 0 < len(outside) <= max(1, 0.05 * len(ok)):
            body = t[order][cluster == main]
            start, end = pd.Timestamp(body[0]), pd.Timestamp(body[-1])
            reasons[outside] = (
                f"dated far outside the rest of the data ({start:%Y-%m-%d}..{end:%Y-%m-%d})"
            )
    return reasons


def _check_interval(
    frame: pd.DataFrame, path: Path, time: str, interval: str | None
) -> tuple[str, pd.Timedelta]:
    t = frame["ts"]
    lines = frame["_line"].to_numpy()
    inferred = infer_interval(t)
    if len(t) < 2:
        if interval is not None:
            return interval, INTERVALS[interval]
        if (t == t.dt.normalize()).all():
            return "1d", INTERVALS["1d"]
        reason = "a single intraday row: the bar length cannot be told; pass --interval"
        raise ParseError(reason, path=path, row=int(lines[0]), column=time)
    steps = t.diff()
    mode = steps.iloc[1:].mode().iloc[0]
    at = int(np.flatnonzero((steps == mode).to_numpy())[0])
    if inferred is None:
        reason = f"timestamps are most often {mode} apart, which is no known bar length"
        raise ParseError(
            reason,
            path=path,
            row=int(lines[at]),
            column=time,
            expected=f"a spacing of {', '.join(INTERVALS)} (or --interval)",
            received=f"{t.iloc[at - 1]} then {t.iloc[at]}",
        )
    if interval is not None and interval != inferred:
        reason = f"--interval {interval} does not match the file: its bars are {inferred} apart"
        raise ParseError(
            reason,
            path=path,
            row=int(lines[at]),
            column=time,
            received=f"{t.iloc[at - 1]} then {t.iloc[at]}",
        )
    step = INTERVALS[inferred]
    off = ((t - t.iloc[0]) % step) != pd.Timedelta(0)
    if not off.any():
        return inferred, step
    raise_first_bad(
        off,
        f"timestamp off the {inferred} grid of the other rows (irregular spacing)",
        path=path,
        column=time,
        expected=f"a multiple of {inferred} after {t.iloc[0]}",
        received=t.astype(str),
        lines=lines,
    )
    return inferred, step


def _gaps(t: pd.Series, symbol: str, label: str, step: pd.Timedelta) -> list[RowIssue]:
    """Missing bars, one issue per run: every day / bar for BTC, NYSE sessions for equities."""
    start, end = t.iloc[0], t.iloc[-1]
    if symbol.startswith("BTC"):
        expected = pd.date_range(start, end, freq=step)
        unit = "day" if label == "1d" else f"{label} bar"
    elif label == "1d" and symbol in KNOWN_TICKERS and symbol not in _NO_CALENDAR:
        naive = sessions_in_range(start.tz_localize(None), end.tz_localize(None))
        expected = naive.tz_localize("UTC")
        unit = "NYSE session"
    else:
        return []
    expected = expected.as_unit(t.dt.unit)
    missing = expected.difference(pd.DatetimeIndex(t))
    if missing.empty:
        return []
    pos = expected.get_indexer(missing)
    run = np.concatenate([[0], np.cumsum(np.diff(pos) != 1)])
    fmt = "%Y-%m-%d" if label == "1d" else "%Y-%m-%d %H:%M"
    out = []
    for r in np.unique(run):
        days = missing[run == r]
        n = len(days)
        when = days[0].strftime(fmt) + (f"..{days[-1].strftime(fmt)}" if n > 1 else "")
        what = f"missing {unit}" if n == 1 else f"{n} missing {unit}s"
        out.append(RowIssue(row=None, reason=f"{what}: not filled", date=when))
    return out


def _parse(
    path: Path, layout: _Layout, *, symbol: str | None = None, interval: str | None = None
) -> ParsedFile:
    if interval is not None and interval not in INTERVALS:
        reason = f"unknown --interval {interval!r}"
        raise ParseError(reason, path=path, expected=f"one of {list(INTERVALS)}", received=interval)
    df = read_csv_text(path)
    found = [str(c) for c in df.columns]
    df.columns = [c.strip().lower() for c in found]
    missing = [c for c in layout.header if c not in df.columns]
    if missing:
        reason = f"the file does not have the columns of format {layout.name!r} (missing {missing})"
        raise ParseError(
            reason,
            path=path,
            row=1,
            column=missing[0],
            expected=f"a header with {list(layout.header)}",
            received=",".join(found),
        )
    symbol = symbol or symbol_from_path(path)
    if symbol is None:
        raise ParseError(
            "cannot tell the instrument from the file name; pass --symbol (e.g. --symbol NVDA)",
            path=path,
        )
    issues: list[RowIssue] = []
    state = _last_line_state(path, df, layout.time) if len(df) else None
    if state is not None:
        kind, text = state
        reason = (
            "truncated last line: not stored"
            if kind == "cut"
            else "no line break after the last line: kept, check that it is complete"
        )
        issues.append(RowIssue(row=len(df) + 1, reason=reason, detail=repr(text[:80])))
        if kind == "cut":
            df = df.iloc[:-1]
    if df.empty:
        raise ParseError("no data rows", path=path)
    lines = np.arange(2, len(df) + 2)
    ohlc = {c: strict_numeric(df, c, path=path) for c in _OHLC}
    volume = strict_numeric(df, "volume", path=path)
    if layout.utc_time:
        ts = strict_dates(df, layout.time, path=path, utc=True)
    else:
        ts = strict_dates(df, layout.time, path=path, normalize=False).dt.tz_localize("UTC")
    px = np.column_stack([ohlc[c].to_numpy() for c in _OHLC])
    no_price = np.isnan(px).all(axis=1)
    if no_price.all():
        raise ParseError("no prices in the file (every open/high/low/close is empty)", path=path)
    reasons = _row_reasons(px, volume.to_numpy(), ts, ~no_price)
    # Rows before prices exist (CryptoQuant 2009) are expected and skipped in one line; an
    # empty row after that is a damaged line.
    leading = no_price & (ts < ts[~no_price & (reasons == "")].min()).to_numpy()
    reasons[no_price & ~leading] = "missing price (damaged line?)"
    if leading.any():
        skipped = ts[leading]
        issues.append(
            RowIssue(
                row=None,
                reason=f"{int(leading.sum())} leading rows without prices skipped",
                date=f"{skipped.min():%Y-%m-%d}..{skipped.max():%Y-%m-%d}",
            )
        )
    bad = reasons != ""
    n_bad, n_rows = int(bad.sum()), int((~leading).sum())
    if n_bad > _MAX_BAD_SHARE * n_rows:
        first = int(np.flatnonzero(bad)[0])
        reason = f"{n_bad} of {n_rows} rows hold impossible values; the file is refused"
        raise ParseError(reason, path=path, row=int(lines[first]), received=reasons[first])
    cells = df[[*_OHLC, "volume"]].to_numpy()
    issues.extend(
        RowIssue(
            row=int(lines[i]),
            reason=f"{reasons[i]}: not stored",
            date=f"{ts.iloc[i]:%Y-%m-%d %H:%M}",
            detail=", ".join(
                f"{k}={v!r}" for k, v in zip((*_OHLC, "volume"), cells[i], strict=True)
            ),
        )
        for i in np.flatnonzero(bad)
    )
    keep = ~bad & ~leading
    if layout.crypto_volume_in_quote and symbol.startswith("BTC"):
        # Yahoo reports crypto volume in US dollars: storing it as BTC would be off by the
        # price (a 30-billion "BTC" day); the canonical column is base units, so keep it out.
        volume = pd.Series(np.nan, index=volume.index)
        issues.append(
            RowIssue(
                row=None,
                reason=f"{symbol} volume is in US dollars in this export, not in BTC: "
                "volume not stored",
            )
        )
    frame = pd.DataFrame(
        {
            "ts": ts,
            "symbol": symbol,
            "interval": "",
            **ohlc,
            "volume": volume,
            "adjusted": layout.adjusted,
            "_line": lines,
        }
    )[keep]
    frame = frame.sort_values("ts", kind="stable")
    dup = frame["ts"].duplicated(keep="last")
    if dup.any():
        rows = ", ".join(map(str, frame["_line"][dup].head(10)))
        issues.append(
            RowIssue(
                row=None,
                reason=f"{int(dup.sum())} duplicate dates: last kept",
                detail=f"rows {rows}{' …' if dup.sum() > 10 else ''}",
            )
        )
        frame = frame[~dup]
    label, step = _check_interval(frame, path, layout.time, interval)
    issues.extend(_gaps(frame["ts"], symbol, label, step))
    frame = frame.drop(columns="_line").assign(interval=label).reset_index(drop=True)
    issues.sort(key=lambda r: (r.row is None, r.row or 0))
    return ParsedFile(
        dataset="prices",
        frame=frame,
        source=layout.source,
        format=layout.name,
        path=str(path),
        issues=issues,
    )


def _register_layout(layout: _Layout) -> None:
    def sniff(_path: Path, head: str) -> bool:
        return _sniff(layout, head)

    def parse(path: Path, *, symbol: str | None = None, interval: str | None = None) -> ParsedFile:
        return _parse(path, layout, symbol=symbol, interval=interval)

    register_format(
        FileFormat(
            layout.name,
            "prices",
            layout.description,
            sniff,
            parse,
            options=("symbol", "interval"),
        )
    )


for _layout in _LAYOUTS:
    _register_layout(_layout)
