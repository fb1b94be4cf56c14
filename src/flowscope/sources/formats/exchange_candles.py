"""Payload parsers for exchange OHLCV candles (Coinbase Exchange, Kraken) and the bar checks.

* Coinbase Exchange ``GET /products/{id}/candles``: a JSON array of
  ``[time, low, high, open, close, volume]`` (time: bar start, Unix seconds UTC; volume in
  the base currency), newest first.
* Kraken ``GET /0/public/OHLC``: ``{"error": [], "result": {<pair>: [[time, open, high, low,
  close, vwap, volume, count], ...], "last": <id>}}``; prices and volume are strings.

Parsers return ``ts`` (bar start, tz-aware UTC), ``open``, ``high``, ``low``, ``close``
(quote currency) and ``volume`` (base currency), sorted by ``ts``. :func:`finish_bars` then
drops the bar still in progress and sets aside impossible bars (non-positive or non-finite
prices, high below low or outside open/close, negative volume), reporting both as
:class:`~flowscope.sources._files.RowIssue`.
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pandas as pd

from flowscope.errors import ParseError, SourceError
from flowscope.sources._files import RowIssue
from flowscope.sources._parsing import raise_first_bad

__all__ = [
    "INTERVAL_SECONDS",
    "finish_bars",
    "parse_coinbase_candles",
    "parse_kraken_ohlc",
]

#: Bar lengths served, in seconds.
INTERVAL_SECONDS: dict[str, int] = {"1d": 86_400, "1h": 3_600}
_OHLCV = ["open", "high", "low", "close", "volume"]


def _load(raw: bytes | str, origin: str) -> Any:
    try:
        return json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        text = raw[:80] if isinstance(raw, str) else raw[:80].decode("utf-8", "replace")
        raise ParseError("the answer is not JSON", path=origin, received=text) from exc


def _rows_to_frame(rows: list[Any], fields: list[str], origin: str) -> pd.DataFrame:
    bad_shape = [not isinstance(r, list) or len(r) < len(fields) for r in rows]
    raise_first_bad(
        np.array(bad_shape, dtype=bool),
        "not a candle",
        path=origin,
        column=None,
        expected=f"[{', '.join(fields)}]",
        received=rows,
        header_lines=0,
    )
    table = pd.DataFrame([r[: len(fields)] for r in rows], columns=fields, dtype=object)
    out = pd.DataFrame(index=table.index)
    for col in ["time", *_OHLCV]:
        values = pd.to_numeric(table[col], errors="coerce")
        raise_first_bad(
            values.isna() & table[col].notna(),
            "not a number",
            path=origin,
            column=col,
            expected="a number",
            received=table[col],
            header_lines=0,
        )
        out[col] = values.astype("float64")
    out["ts"] = pd.to_datetime(out.pop("time").to_numpy(), unit="s", utc=True)
    return out[["ts", *_OHLCV]].sort_values("ts", ignore_index=True)


def parse_coinbase_candles(raw: bytes | str, *, origin: str) -> pd.DataFrame:
    """Parse a Coinbase Exchange candles answer (rows ``[time, low, high, open, close, volume]``).

    Returns
    -------
    DataFrame
        ``ts`` (bar start, UTC), ``open``, ``high``, ``low``, ``close`` (USD), ``volume``
        (BTC), sorted by ``ts``. Row numbers in errors count candles of the answer, 1-based.

    Raises
    ------
    ParseError
        Not JSON, not an array of candles, or a field that is not a number.
    SourceError
        The answer is an error object (``{"message": ...}``).
    """
    body = _load(raw, origin)
    if isinstance(body, dict) and "message" in body:
        msg = f"coinbase: {origin}: {body['message']}"
        raise SourceError(msg, source="coinbase")
    if not isinstance(body, list):
        raise ParseError("not an array of candles", path=origin, received=type(body).__name__)
    return _rows_to_frame(body, ["time", "low", "high", "open", "close", "volume"], origin)


def parse_kraken_ohlc(raw: bytes | str, *, origin: str) -> tuple[pd.DataFrame, int | None]:
    """Parse a Kraken OHLC answer.

    Returns
    -------
    frame, last
        ``frame`` as :func:`parse_coinbase_candles` (volume in the base currency, the
        ``vwap`` and ``count`` fields dropped); ``last`` the ``since`` id for the next poll.

    Raises
    ------
    ParseError
        Not JSON, no ``result`` with exactly one pair, or a field that is not a number.
    SourceError
        Kraken answered with ``error`` messages (e.g. ``EQuery:Unknown asset pair``).
    """
    body = _load(raw, origin)
    if not isinstance(body, dict):
        raise ParseError("not a Kraken answer object", path=origin, received=type(body).__name__)
    errors = body.get("error") or []
    if errors:
        from flowscope.sources._http import clean_server_text

        msg = f"kraken: {origin}: {clean_server_text('; '.join(map(str, errors)))}"
        raise SourceError(msg, source="kraken")
    result = body.get("result")
    pairs = [k for k in result if k != "last"] if isinstance(result, dict) else []
    if len(pairs) != 1 or not isinstance(result, dict) or not isinstance(result[pairs[0]], list):
        raise ParseError(
            "no OHLC rows under result",
            path=origin,
            expected="result: {<pair>: [[time, open, high, low, close, vwap, volume, count]]}",
            received=sorted(result) if isinstance(result, dict) else result,
        )
    fields = ["time", "open", "high", "low", "close", "vwap", "volume", "count"]
    frame = _rows_to_frame(result[pairs[0]], fields, origin)
    last = result.get("last")
    return frame, int(last) if last is not None else None


def finish_bars(
    frame: pd.DataFrame,
    *,
    interval: str,
    now: pd.Timestamp,
    start: pd.Timestamp | None = None,
    end: pd.Timestamp | None = None,
) -> tuple[pd.DataFrame, list[RowIssue]]:
    """Drop the bar in progress and impossible bars; keep bars starting in ``[start, end]``.

    Parameters
    ----------
    frame
        Output of a parser above (several pages may be concatenated; duplicates of a bar
        keep the last page's values).
    interval
        ``"1d"`` or ``"1h"``.
    now
        Current time, tz-aware UTC: a bar whose start plus ``interval`` is after ``now`` is
        still in progress.
    start, end
        Inclusive UTC days (naive); ``None`` for open ends.

    Returns
    -------
    frame, issues
        Complete, plausible bars sorted by ``ts``; what was kept out and why.
    """
    length = pd.Timedelta(seconds=INTERVAL_SECONDS[interval])
    out = frame.drop_duplicates("ts", keep="last").sort_values("ts", ignore_index=True)
    if start is not None:
        out = out[out["ts"] >= start.tz_localize("UTC")]
    if end is not None:
        out = out[out["ts"] < (end + pd.Timedelta(days=1)).tz_localize("UTC")]
    issues: list[RowIssue] = []
    running = (out["ts"] + length > now).to_numpy()
    issues.extend(
        RowIssue(
            None,
            f"{interval} bar still in progress kept out (it ends {ts + length:%Y-%m-%d %H:%M} UTC)",
            date=f"{ts:%Y-%m-%d %H:%M}",
        )
        for ts in out.loc[running, "ts"]
    )
    out = out[~running]
    prices = out[["open", "high", "low", "close"]].to_numpy(dtype="float64")
    vol = out["volume"].to_numpy(dtype="float64")
    with np.errstate(invalid="ignore"):
        bad = (
            ~np.isfinite(prices).all(axis=1)
            | (prices <= 0).any(axis=1)
            | (out["high"].to_numpy() < out[["open", "close", "low"]].max(axis=1).to_numpy())
            | (out["low"].to_numpy() > out[["open", "close"]].min(axis=1).to_numpy())
            | ~(np.isfinite(vol) & (vol >= 0))
        )
    issues.extend(
        RowIssue(
            None,
            "impossible bar kept out (prices must be finite and > 0, low <= open, close <= "
            "high; volume >= 0)",
            date=f"{r.ts:%Y-%m-%d %H:%M}",
            detail=f"o={r.open} h={r.high} l={r.low} c={r.close} v={r.volume}",
        )
        for r in out[bad].itertuples()
    )
    return out[~bad].reset_index(drop=True), issues


def prices_rows(
    pieces: dict[str, pd.DataFrame],
    *,
    symbol: str,
    now: pd.Timestamp,
    starts: dict[str, pd.Timestamp | None],
    end: pd.Timestamp | None,
) -> tuple[pd.DataFrame, list[RowIssue]]:
    """Canonical ``prices`` rows (unadjusted) from parsed bars per interval.

    ``pieces`` maps an interval (``"1d"``, ``"1h"``) to its parsed bars; each goes through
    :func:`finish_bars` with its own start day. Returns the rows (``ts, symbol, interval,
    open, high, low, close, volume, adjusted``) and the issues of every interval.
    """
    frames, issues = [], []
    for interval, bars in pieces.items():
        done, found = finish_bars(
            bars, interval=interval, now=now, start=starts.get(interval), end=end
        )
        frames.append(done.assign(symbol=symbol, interval=interval, adjusted="none"))
        issues.extend(found)
    cols = ["ts", "symbol", "interval", *_OHLCV, "adjusted"]
    if not frames:
        return pd.DataFrame(columns=cols), issues
    out = pd.concat(frames, ignore_index=True)[cols]
    return out.sort_values(["interval", "ts"], ignore_index=True), issues
