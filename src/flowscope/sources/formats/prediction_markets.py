"""Prediction-market quotes on FOMC decisions (dataset ``prediction_markets``).

Conventions: every price is the price of a YES contract in US dollars per 1 USD payout, read
as a probability (0..1). A venue quotes bids on both sides; the best YES ask is
``1 - best NO bid``, so ``mid = (best YES bid + 1 - best NO bid) / 2`` and ``spread = ask -
bid``. ``depth_bid`` is the size at the best YES bid, ``depth_ask`` the size at the best NO
bid (contracts). Timestamps are UTC.

Plausibility: a quote with a price outside [0, 1] or not finite, a bid above its ask, a
negative size, or a time far from the data (before 2018 or more than a day after the time
the file or answer was read) is kept out and reported. A book with no order on either side
holds no quote (never a price of 0): it is reported, not stored.

Parsers here:

* ``pm-book-snapshots-csv`` — order-book snapshot table with ``timestamp_ms,timestamp_et,
  poly_mid,…,kalshi_mid,…`` columns (one row per snapshot, both venues on one row). The file
  does not name its market: its name must carry the meeting month and the outcome, e.g.
  ``…_dec2025_nochange_….csv``. Market ids are then ``fed-decision-2025-12-no_change``
  (the venues' own ids are not in the file).
* Kalshi trade API v2 payloads (market objects and ``/orderbook``) and Polymarket Gamma
  market metadata and CLOB ``/book`` answers, used by the connectors.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from flowscope.errors import ParseError
from flowscope.sources._files import FileFormat, ParsedFile, RowIssue, register_format
from flowscope.sources._parsing import (
    count_fields,
    last_line,
    raise_first_bad,
    read_csv_text,
    require_columns,
    strict_numeric,
)

__all__ = [
    "OUTCOMES",
    "QUOTE_COLUMNS",
    "check_quotes",
    "kalshi_book",
    "kalshi_meeting_month",
    "kalshi_outcome",
    "outcome_from_text",
    "polymarket_book",
    "polymarket_meeting_month",
    "quote_frame",
]

#: Outcome codes, from deepest cut to largest hike; ``cut``/``hike`` are any-size buckets.
OUTCOMES = ("cut_gt25", "cut_25", "cut", "no_change", "hike", "hike_25", "hike_gt25")
#: Columns of the dataset, in order.
QUOTE_COLUMNS = [
    "ts", "venue", "market_id", "meeting_month", "outcome", "best_bid", "best_ask", "mid",
    "spread", "depth_bid", "depth_ask",
]  # fmt: skip
_EARLIEST = pd.Timestamp("2018-01-01", tz="UTC")
_MONTHS = {
    m: i + 1
    for i, m in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
    )
}
_VENUES = {"poly": "polymarket", "kalshi": "kalshi"}
_FILE_OUTCOMES = {
    "nochange": "no_change",
    "hold": "no_change",
    "cut25": "cut_25",
    "cut50": "cut_gt25",
    "cut": "cut",
    "hike25": "hike_25",
    "hike": "hike",
}
_FILE_MARKET = re.compile(
    r"(?P<mon>jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)(?P<year>20\d\d)[_-]"
    r"(?P<outcome>nochange|hold|cut25|cut50|cut|hike25|hike)(?=[_.-])",
    re.I,
)
_SNAPSHOT_HEADER = "timestamp_ms,timestamp_et,poly_mid"


# -- plausibility ----------------------------------------------------------------------------
def check_quotes(
    frame: pd.DataFrame, *, now: pd.Timestamp, rows: Sequence[int] | None = None
) -> tuple[pd.DataFrame, list[RowIssue]]:
    """Keep plausible quotes; report the rest (one issue per row kept out).

    Parameters
    ----------
    frame
        Rows in :data:`QUOTE_COLUMNS` (``ts`` tz-aware UTC).
    now
        When the data was read (UTC); a quote more than a day later is impossible.
    rows
        File line of each row, for the issues (``None``: no line numbers).

    Returns
    -------
    tuple
        Plausible rows (index reset) and the issues.
    """
    prices = frame[["best_bid", "best_ask", "mid", "spread"]].to_numpy(dtype="float64")
    sizes = frame[["depth_bid", "depth_ask"]].to_numpy(dtype="float64")
    given = ~np.isnan(prices[:, :3])
    empty = ~given[:, 0] & ~given[:, 1]
    bad_price = (given & ~((prices[:, :3] >= 0.0) & (prices[:, :3] <= 1.0))).any(axis=1)
    inverted = given[:, 0] & given[:, 1] & (prices[:, 0] > prices[:, 1] + 1e-12)
    bad_size = (~np.isnan(sizes) & ~(np.isfinite(sizes) & (sizes >= 0.0))).any(axis=1)
    ts = frame["ts"]
    bad_time = (ts.isna() | (ts < _EARLIEST) | (ts > now + pd.Timedelta(days=1))).to_numpy()
    reasons = [
        (empty, "empty order book (no bid or ask): no quote"),
        (bad_price, "price outside [0, 1]: kept out"),
        (inverted, "best bid above best ask: kept out"),
        (bad_size, "negative or infinite size: kept out"),
        (bad_time, "time before 2018 or in the future: kept out"),
    ]
    out = np.zeros(len(frame), dtype=bool)
    issues: list[RowIssue] = []
    for flags, reason in reasons:
        new = flags & ~out
        for pos in np.flatnonzero(new):
            r = frame.iloc[pos]
            issues.append(
                RowIssue(
                    int(rows[int(pos)]) if rows is not None else None,
                    reason,
                    date=str(r["ts"]),
                    detail=(
                        f"{r['venue']} {r['market_id']}: bid={r['best_bid']} ask={r['best_ask']}"
                    ),
                )
            )
        out |= flags
    return frame[~out].reset_index(drop=True), issues


def quote_frame(data: Mapping[str, Any] | Sequence[Mapping[str, Any]]) -> pd.DataFrame:
    """Quotes (columns or records without ``mid``/``spread``) as a ``prediction_markets`` frame.

    ``mid`` and ``spread`` are computed from ``best_bid``/``best_ask``; prices are rounded to
    1e-10 (venues quote whole ticks; this removes the binary noise of ``1 - bid``).
    """
    base = [c for c in QUOTE_COLUMNS if c not in ("mid", "spread")]
    frame = (
        pd.DataFrame(data) if isinstance(data, Mapping) else pd.DataFrame(list(data), columns=base)
    )
    bid = frame["best_bid"].astype("float64").round(10)
    ask = frame["best_ask"].astype("float64").round(10)
    frame = frame.assign(
        ts=pd.to_datetime(frame["ts"], utc=True),
        meeting_month=pd.to_datetime(frame["meeting_month"]),
        best_bid=bid,
        best_ask=ask,
        mid=((bid + ask) / 2.0).round(10),
        spread=(ask - bid).round(10),
        depth_bid=frame["depth_bid"].astype("float64"),
        depth_ask=frame["depth_ask"].astype("float64"),
    )
    return frame[QUOTE_COLUMNS]


# -- outcome and meeting names -----------------------------------------------------------------
_BPS = re.compile(
    r"(?P<gt>>|over |more than )?\s*(?P<bp>\d+)\s*(?P<plus>\+)?\s*(?:bps?|basis points?)\s*"
    r"(?P<dir>decrease|increase|cut|hike|raise|reduction)?",
    re.I,
)
_DIR_FIRST = re.compile(r"\b(cut|hike|decrease|increase|raise)\b", re.I)
_NO_CHANGE = re.compile(r"no change|maintain|hold|unchanged|pause", re.I)


def outcome_from_text(text: str) -> str | None:
    """Outcome code of a market title (``"25 bps decrease"`` -> ``cut_25``), ``None`` if unknown.

    Read: "no change"/"maintains"/"hold"; "<n> bps decrease|increase" (``+`` or ``>``
    means "more than", e.g. ``"50+ bps decrease"`` -> ``cut_gt25``); "Cut 25bps",
    "Hike >25bps".
    """
    if not text:
        return None
    if _NO_CHANGE.search(text):
        return "no_change"
    m = _BPS.search(text)
    word = (m.group("dir") if m and m.group("dir") else None) or (
        d.group(1) if (d := _DIR_FIRST.search(text)) else None
    )
    if word is None:
        return None
    side = "cut" if word.lower() in ("decrease", "cut", "reduction") else "hike"
    if m is None:
        return side
    bp = int(m.group("bp"))
    deeper = bool(m.group("gt")) or bool(m.group("plus"))
    if bp > 25 or (bp == 25 and deeper):
        return f"{side}_gt25"
    return f"{side}_25" if bp == 25 else side


_KALSHI_EVENT = re.compile(r"-(?P<yy>\d\d)(?P<mon>[A-Z]{3})(?:\d\d)?(?:-|$)")
_KALSHI_SUFFIX = {"H0": "no_change", "C25": "cut_25", "C26": "cut_gt25"}
_KALSHI_SUFFIX |= {"H25": "hike_25", "H26": "hike_gt25"}


def kalshi_meeting_month(ticker: str) -> pd.Timestamp | None:
    """Meeting month of a Kalshi FOMC event or market ticker (``KXFEDDECISION-25DEC``)."""
    m = _KALSHI_EVENT.search(ticker.upper())
    if m is None or m.group("mon").lower() not in _MONTHS:
        return None
    return pd.Timestamp(2000 + int(m.group("yy")), _MONTHS[m.group("mon").lower()], 1)


def kalshi_outcome(market: Mapping[str, Any]) -> str | None:
    """Outcome of a Kalshi FOMC-decision market: from its subtitle, else its ticker suffix."""
    for key in ("yes_sub_title", "subtitle", "title"):
        found = outcome_from_text(str(market.get(key) or ""))
        if found is not None:
            return found
    suffix = str(market.get("ticker", "")).rsplit("-", 1)[-1].upper()
    return _KALSHI_SUFFIX.get(suffix)


def _levels(raw: Any, *, scale: float) -> np.ndarray:
    """``[[price, size], ...]`` (strings or numbers) as a float array of shape (n, 2)."""
    if not raw:
        return np.empty((0, 2))
    arr = np.asarray(raw, dtype="float64").reshape(-1, 2)
    arr[:, 0] /= scale
    return arr


def _best(levels: np.ndarray) -> tuple[float, float]:
    """Highest price and the size resting there (NaN, NaN for no levels)."""
    if len(levels) == 0:
        return float("nan"), float("nan")
    top = levels[:, 0].max()
    return float(top), float(levels[levels[:, 0] == top, 1].sum())


def kalshi_book(body: Mapping[str, Any]) -> dict[str, float]:
    """Best YES bid/ask and depth from a Kalshi ``/markets/{ticker}/orderbook`` answer.

    Reads the dollar shape ``{"orderbook_fp": {"yes_dollars": [[p, size]], "no_dollars":
    ...}}`` and the older cent shape ``{"orderbook": {"yes": [[cents, n]], "no": ...}}``.
    Kalshi lists bids only; the YES ask is ``1 - best NO bid``.

    Raises
    ------
    KeyError, TypeError, ValueError
        The answer has neither shape (the connector turns it into a schema-drift error).
    """
    if "orderbook_fp" in body:
        book, yes_key, no_key, scale = body["orderbook_fp"] or {}, "yes_dollars", "no_dollars", 1.0
    else:
        book = body["orderbook"] or {}
        if "yes_dollars" in book or "no_dollars" in book:
            yes_key, no_key, scale = "yes_dollars", "no_dollars", 1.0
        else:
            yes_key, no_key, scale = "yes", "no", 100.0
    bid, bid_size = _best(_levels(book.get(yes_key), scale=scale))
    no_bid, no_size = _best(_levels(book.get(no_key), scale=scale))
    return {"best_bid": bid, "best_ask": 1.0 - no_bid, "depth_bid": bid_size, "depth_ask": no_size}


def polymarket_book(body: Mapping[str, Any]) -> dict[str, Any]:
    """Best bid/ask, depth and time of a Polymarket CLOB ``/book`` answer (YES token).

    Levels are ``{"price": "0.45", "size": "100"}``; their order is not relied on (the best
    bid is the highest, the best ask the lowest). ``timestamp`` is Unix milliseconds.

    Raises
    ------
    KeyError, TypeError, ValueError
        The answer does not have the documented shape.
    """
    bids = np.array([[float(x["price"]), float(x["size"])] for x in body["bids"] or []])
    asks = np.array([[float(x["price"]), float(x["size"])] for x in body["asks"] or []])
    bid, bid_size = _best(bids.reshape(-1, 2))
    if len(asks):
        low = asks[:, 0].min()
        ask, ask_size = float(low), float(asks[asks[:, 0] == low, 1].sum())
    else:
        ask, ask_size = float("nan"), float("nan")
    ts = (
        pd.to_datetime(int(body["timestamp"]), unit="ms", utc=True)
        if body.get("timestamp")
        else None
    )
    return {
        "best_bid": bid,
        "best_ask": ask,
        "depth_bid": bid_size,
        "depth_ask": ask_size,
        "ts": ts,
    }


_MONTH_YEAR = re.compile(
    r"\b(?P<mon>jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+(?P<year>20\d\d)\b",
    re.I,
)


def polymarket_meeting_month(
    market: Mapping[str, Any], event: Mapping[str, Any]
) -> pd.Timestamp | None:
    """Meeting month of a Polymarket FOMC market.

    From "<Month> <year>" in the market question or event title; else the event title's
    month ("Fed decision in December?") in the year of the market's ``endDate``.
    """
    for text in (market.get("question"), event.get("title"), market.get("description")):
        m = _MONTH_YEAR.search(str(text or ""))
        if m:
            return pd.Timestamp(int(m.group("year")), _MONTHS[m.group("mon")[:3].lower()], 1)
    title = str(event.get("title") or market.get("question") or "")
    mon = re.search(r"\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b", title, re.I)
    end = market.get("endDate") or event.get("endDate")
    if mon is None or not end:
        return None
    return pd.Timestamp(pd.Timestamp(end).year, _MONTHS[mon.group(1).lower()], 1)


def json_list(value: Any) -> list[Any]:
    """Gamma's list fields arrive as JSON text (``"[\\"Yes\\", \\"No\\"]"``) or as lists."""
    if isinstance(value, str):
        parsed = json.loads(value) if value.strip() else []
        return list(parsed) if isinstance(parsed, list) else []
    return list(value or [])


# -- the snapshot table ------------------------------------------------------------------------
def _file_market(path: Path) -> tuple[pd.Timestamp, str]:
    m = _FILE_MARKET.search(path.name)
    if m is None:
        msg = (
            "the file does not say which market it holds: put the meeting month and the "
            "outcome in its name, e.g. fed_dec2025_nochange_30min.csv (outcomes: "
            f"{', '.join(_FILE_OUTCOMES)})"
        )
        raise ParseError(msg, path=path, expected="a name with <mon><year>_<outcome>")
    month = pd.Timestamp(int(m.group("year")), _MONTHS[m.group("mon").lower()], 1)
    return month, _FILE_OUTCOMES[m.group("outcome").lower()]


def _parse_snapshots(path: Path) -> ParsedFile:
    month, outcome = _file_market(path)
    df = read_csv_text(path)
    need = ["timestamp_ms", "timestamp_et"]
    for p in _VENUES:
        need += [
            f"{p}_best_bid_yes",
            f"{p}_best_bid_no",
            f"{p}_depth_best_yes",
            f"{p}_depth_best_no",
        ]
    require_columns(df, need, path=path)
    if df.empty:
        raise ParseError("no data rows (header only?)", path=path, row=2, expected="snapshots")
    issues: list[RowIssue] = []
    line, ends = last_line(path)
    lines = np.arange(2, len(df) + 2)
    if not ends and count_fields(line) < len(df.columns):
        issues.append(
            RowIssue(int(lines[-1]), "last line cut (no line end, fields missing): kept out")
        )
        df, lines = df.iloc[:-1], lines[:-1]
    ms = strict_numeric(df, "timestamp_ms", path=path, required=True)
    ts = pd.to_datetime(ms.round().astype("int64"), unit="ms", utc=True)
    et = pd.to_datetime(df["timestamp_et"].str.strip(), errors="coerce", format="%Y-%m-%d %H:%M:%S")
    off = (ts.dt.tz_convert("America/New_York").dt.tz_localize(None) - et).abs()
    raise_first_bad(
        (off > pd.Timedelta(seconds=1)).to_numpy() | et.isna().to_numpy(),
        "timestamp_et does not match timestamp_ms (US/Eastern)",
        path=path,
        column="timestamp_et",
        received=df["timestamp_et"],
        expected=f"{ts.iloc[0].tz_convert('America/New_York'):%Y-%m-%d %H:%M:%S} style ET times",
        lines=lines.tolist(),
    )
    key = f"fed-decision-{month:%Y-%m}-{outcome}"
    parts, part_lines = [], []
    for prefix, venue in _VENUES.items():
        num = {
            c: strict_numeric(df, f"{prefix}_{c}", path=path).to_numpy()
            for c in ("best_bid_yes", "best_bid_no", "depth_best_yes", "depth_best_no")
        }
        parts.append(
            quote_frame(
                {
                    "ts": ts.to_numpy(),
                    "venue": venue,
                    "market_id": key,
                    "meeting_month": month,
                    "outcome": outcome,
                    "best_bid": num["best_bid_yes"],
                    "best_ask": 1.0 - num["best_bid_no"],
                    "depth_bid": num["depth_best_yes"],
                    "depth_ask": num["depth_best_no"],
                }
            )
        )
        part_lines.append(lines)
    frame = pd.concat(parts, ignore_index=True)
    one_sided = frame["best_bid"].isna() ^ frame["best_ask"].isna()
    now = pd.Timestamp(path.stat().st_mtime, unit="s", tz="UTC")
    kept, found = check_quotes(
        frame, now=max(now, frame["ts"].max()), rows=np.concatenate(part_lines).tolist()
    )
    issues += found
    n_one = int(one_sided.sum())
    if n_one:
        issues.append(
            RowIssue(None, f"{n_one} quote(s) with one side of the book empty: no mid, kept")
        )
    return ParsedFile(
        "prediction_markets", kept, "pm-snapshots", "pm-book-snapshots-csv", str(path), issues
    )


register_format(
    FileFormat(
        "pm-book-snapshots-csv",
        "prediction_markets",
        "Polymarket + Kalshi order-book snapshots: timestamp_ms,timestamp_et,poly_mid,…,kalshi_mid,…",
        lambda _p, head: head.lstrip("\ufeff").startswith(_SNAPSHOT_HEADER),
        _parse_snapshots,
    )
)
