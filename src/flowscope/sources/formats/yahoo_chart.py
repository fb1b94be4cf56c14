"""Payload parser for Yahoo Finance's chart v8 answer (``/v8/finance/chart/{symbol}``).

Shape: ``{"chart": {"result": [{"meta": {...}, "timestamp": [...], "events": {"splits":
{...}, "dividends": {...}}, "indicators": {"quote": [{"open": [...], "high", "low",
"close", "volume"}], "adjclose": [...]}}], "error": null}}``.

* ``quote`` prices are **split-adjusted** (as of the answer) and **not dividend-adjusted**;
  ``adjclose`` (adjusted for both) is ignored.
* Daily ``timestamp`` values are the session's start (e.g. 09:30 New York for NVDA); the
  bar's date is the exchange-local date, from ``meta.exchangeTimezoneName`` (or
  ``meta.gmtoffset`` in seconds when the name is missing).
* A window without bars answers no ``timestamp`` and ``quote: [{}]``: an empty frame.
* Errors answer ``{"chart": {"result": null, "error": {"code", "description"}}}``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from flowscope.errors import EmptyDataError, ParseError, SourceError
from flowscope.sources._files import RowIssue

__all__ = ["YahooChart", "parse_yahoo_chart", "session_bars"]

_FIELDS = ("open", "high", "low", "close", "volume")


@dataclass(frozen=True)
class YahooChart:
    """One parsed chart answer.

    ``bars``: ``date`` (exchange session date, naive), ``open``, ``high``, ``low``, ``close``
    (quote currency, split-adjusted), ``volume``; ``splits``: ``date``, ``numerator``,
    ``denominator``; ``session_end``: end of the current regular session (UTC) if given.
    """

    symbol: str
    timezone: str
    bars: pd.DataFrame
    splits: pd.DataFrame
    session_end: pd.Timestamp | None


def _local_dates(seconds: np.ndarray, meta: dict[str, Any]) -> pd.DatetimeIndex:
    utc = pd.to_datetime(seconds, unit="s", utc=True)
    tz = meta.get("exchangeTimezoneName")
    if tz:
        return pd.DatetimeIndex(utc.tz_convert(str(tz)).tz_localize(None).normalize())
    offset = pd.Timedelta(seconds=float(meta.get("gmtoffset") or 0))
    return pd.DatetimeIndex((utc + offset).tz_localize(None).normalize())


def parse_yahoo_chart(raw: bytes | str, *, origin: str) -> YahooChart:
    """Parse one chart v8 answer.

    Raises
    ------
    EmptyDataError
        ``chart.error`` with code ``Not Found`` (unknown or delisted symbol).
    SourceError
        Any other ``chart.error`` (code and description in the message).
    ParseError
        Not JSON, no ``chart.result``, arrays of different lengths, or a value that is not a
        number (names the field and the bar, 1-based).
    """
    try:
        body = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        text = raw[:80] if isinstance(raw, str) else raw[:80].decode("utf-8", "replace")
        raise ParseError("the answer is not JSON", path=origin, received=text) from exc
    chart = body.get("chart") if isinstance(body, dict) else None
    if not isinstance(chart, dict):
        raise ParseError("no 'chart' object", path=origin, expected='{"chart": {...}}')
    err = chart.get("error")
    if err:
        code = err.get("code") if isinstance(err, dict) else None
        desc = err.get("description") if isinstance(err, dict) else err
        from flowscope.sources._http import clean_server_text

        msg = f"yahoo: {origin}: {clean_server_text(str(code or 'error'))}: "
        msg += clean_server_text(str(desc))
        if code == "Not Found":
            raise EmptyDataError(msg, source="yahoo")
        raise SourceError(msg, source="yahoo")
    results = chart.get("result")
    if not isinstance(results, list) or not results or not isinstance(results[0], dict):
        raise ParseError("no chart.result", path=origin, received=results)
    res = results[0]
    meta = res.get("meta") or {}
    times = np.asarray(res.get("timestamp") or [], dtype="float64")
    quotes = (res.get("indicators") or {}).get("quote") or [{}]
    quote = quotes[0] if isinstance(quotes[0], dict) else {}
    columns: dict[str, Any] = {"date": _local_dates(times, meta)}
    for f in _FIELDS:
        values = quote.get(f)
        if values is None:
            values = [None] * len(times)
            if len(times):
                raise ParseError("missing quote field", path=origin, column=f)
        if len(values) != len(times):
            raise ParseError(
                "quote array length differs from timestamp",
                path=origin,
                column=f,
                expected=f"{len(times)} values",
                received=len(values),
            )
        nums = pd.to_numeric(pd.Series(values, dtype=object), errors="coerce")
        bad = nums.isna() & pd.Series(values, dtype=object).notna()
        if bad.any():
            k = int(np.flatnonzero(bad.to_numpy())[0])
            raise ParseError("not a number", path=origin, row=k + 1, column=f, received=values[k])
        columns[f] = nums.astype("float64").to_numpy()
    bars = pd.DataFrame(columns)
    split_rows = list(((res.get("events") or {}).get("splits") or {}).values())
    splits = pd.DataFrame(
        {
            "date": _local_dates(
                np.asarray([s.get("date", np.nan) for s in split_rows], dtype="float64"), meta
            ),
            "numerator": [float(s.get("numerator", np.nan)) for s in split_rows],
            "denominator": [float(s.get("denominator", np.nan)) for s in split_rows],
        }
    )
    regular = ((meta.get("currentTradingPeriod") or {}).get("regular") or {}).get("end")
    session_end = pd.Timestamp(int(regular), unit="s", tz="UTC") if regular else None
    return YahooChart(
        symbol=str(meta.get("symbol") or ""),
        timezone=str(meta.get("exchangeTimezoneName") or "UTC"),
        bars=bars,
        splits=splits,
        session_end=session_end,
    )


def session_bars(chart: YahooChart, *, now: pd.Timestamp) -> tuple[pd.DataFrame, list[RowIssue]]:
    """Complete, plausible daily bars of a chart; the rest reported as issues.

    A bar is in progress while its session has not closed at ``now`` (tz-aware): the
    session of ``meta.currentTradingPeriod.regular`` until its end, any session of the
    exchange's current local day or later otherwise. Bars without prices (holidays Yahoo
    lists with nulls) and impossible bars (non-finite or non-positive prices, high below
    low or outside open/close, negative volume) are kept out. Duplicate dates keep the last.
    """
    bars = chart.bars
    issues: list[RowIssue] = []
    dup = bars.duplicated("date", keep="last").to_numpy()
    if dup.any():
        issues.append(RowIssue(None, f"{int(dup.sum())} duplicate session date(s): last kept"))
        bars = bars[~dup]
    today = now.tz_convert(chart.timezone).tz_localize(None).normalize()
    running = (bars["date"] >= today).to_numpy()
    if chart.session_end is not None and now >= chart.session_end:
        closed_day = chart.session_end.tz_convert(chart.timezone).tz_localize(None).normalize()
        running = running & (bars["date"] > closed_day).to_numpy()
    issues.extend(
        RowIssue(None, "session still in progress kept out", date=f"{d:%Y-%m-%d}")
        for d in bars.loc[running, "date"]
    )
    bars = bars[~running]
    prices = bars[["open", "high", "low", "close"]].to_numpy(dtype="float64")
    empty = np.isnan(prices).all(axis=1)
    if empty.any():
        issues.append(RowIssue(None, f"{int(empty.sum())} session(s) without prices skipped"))
    with np.errstate(invalid="ignore"):
        vol = bars["volume"].to_numpy(dtype="float64")
        bad = ~empty & (
            ~np.isfinite(prices).all(axis=1)
            | (prices <= 0).any(axis=1)
            | (bars["high"].to_numpy() < bars[["open", "close", "low"]].max(axis=1).to_numpy())
            | (bars["low"].to_numpy() > bars[["open", "close"]].min(axis=1).to_numpy())
            | (vol < 0)
        )
    issues.extend(
        RowIssue(
            None,
            "impossible bar kept out (prices must be finite and > 0, low <= open, close <= "
            "high; volume >= 0)",
            date=f"{r.date:%Y-%m-%d}",
            detail=f"o={r.open} h={r.high} l={r.low} c={r.close} v={r.volume}",
        )
        for r in bars[bad].itertuples()
    )
    return bars[~empty & ~bad].reset_index(drop=True), issues
