"""Kalshi connector: order books of the FOMC-decision markets (dataset ``prediction_markets``).

Trade API v2, public and keyless (``https://api.elections.kalshi.com/trade-api/v2``):

* ``GET /events?series_ticker=KXFEDDECISION&status=open`` — the open decision events, one per
  meeting (``KXFEDDECISION-25DEC``: the meeting of December 2025);
* ``GET /markets?event_ticker=…`` — the event's markets, one per outcome ("Fed maintains
  rate", "Cut 25bps", "Cut >25bps", "Hike 25bps" …), paginated by ``cursor``;
* ``GET /markets/{ticker}/orderbook`` — bids on YES and on NO (``orderbook_fp`` with
  ``yes_dollars``/``no_dollars`` ``[[price, size], …]``; the older ``orderbook`` in cents is
  read too).

One row per open market: the best YES bid, the best YES ask (1 - best NO bid), their mid and
spread, and the size at each, stamped with the time the books were read (UTC; Kalshi's
answer carries no time). A resolved market (``result`` given or status settled/finalized)
and an empty book hold no quote: they are reported with a
:class:`~flowscope.errors.DataQualityWarning`, never stored as a price of 0. Market data of
Kalshi is subject to Kalshi's terms: for the user's own use.

``extract`` returns one JSON document ``{"read_at", "events", "markets", "books"}`` holding
the raw answers, so ``transform`` runs on recorded payloads.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, ClassVar

import pandas as pd

from flowscope.errors import SchemaDriftError, ValidationError
from flowscope.sources._base import Query, Source
from flowscope.sources._files import RowIssue
from flowscope.sources._window import report_issues
from flowscope.sources.formats.prediction_markets import (
    check_quotes,
    kalshi_book,
    kalshi_meeting_month,
    kalshi_outcome,
    quote_frame,
)

__all__ = ["FOMC_SERIES", "KALSHI_API", "KalshiFomcSource", "KalshiQuery"]

KALSHI_API = "https://api.elections.kalshi.com/trade-api/v2"
#: Kalshi's series of FOMC rate-decision events.
FOMC_SERIES = "KXFEDDECISION"
_RESOLVED = frozenset({"settled", "finalized", "determined", "closed"})


@dataclass(frozen=True, kw_only=True)
class KalshiQuery(Query):
    """Events to read (empty: every open event of ``series``) and the time of reading (UTC)."""

    events: tuple[str, ...] = ()
    series: str = FOMC_SERIES
    now: pd.Timestamp = field(default_factory=lambda: pd.Timestamp.now(tz="UTC"))


def _now(value: Any) -> pd.Timestamp:
    ts = pd.Timestamp(value) if value is not None else pd.Timestamp.now(tz="UTC")
    return ts.tz_localize("UTC") if ts.tzinfo is None else ts.tz_convert("UTC")


class KalshiFomcSource(Source[KalshiQuery]):
    """Best bid/ask of every open Kalshi FOMC-decision market, read now.

    ``fetch(events=["KXFEDDECISION-25DEC"])``; without ``events`` every open event of the
    series is read. ``start``/``end`` (passed by ``flowscope update``) are accepted and
    ignored: an order book exists only now.
    """

    name: ClassVar[str] = "kalshi"
    dataset: ClassVar[str] = "prediction_markets"
    lookback_days: ClassVar[int] = 1
    rate_limit: ClassVar[float | None] = 5.0
    allowed_hosts: ClassVar[tuple[str, ...]] = ("api.elections.kalshi.com",)

    def build_query(self, **params: Any) -> KalshiQuery:
        """Validate ``events`` (event tickers), ``series`` and ``now``."""
        unknown = set(params) - {"events", "series", "now", "start", "end"}
        if unknown:
            msg = f"kalshi: unknown parameter(s) {sorted(unknown)}; use events, series"
            raise ValidationError(msg, param_name=sorted(unknown)[0], received=sorted(unknown))
        events = params.get("events") or ()
        if isinstance(events, str):
            events = (events,)
        cleaned = tuple(str(e).strip().upper() for e in events)
        for e in cleaned:
            if kalshi_meeting_month(e) is None:
                msg = (
                    f"kalshi: events: {e!r} is not an FOMC event ticker (e.g. {FOMC_SERIES}-25DEC)"
                )
                raise ValidationError(msg, param_name="events", received=e)
        return KalshiQuery(
            events=cleaned,
            series=str(params.get("series") or FOMC_SERIES).upper(),
            now=_now(params.get("now")),
        )

    def _get(self, path: str, params: dict[str, str] | None = None) -> Any:
        return self.get_json(f"{KALSHI_API}{path}", params)

    def extract(self, query: KalshiQuery) -> bytes:
        """GET the events, their markets, and the order book of every open market."""
        events = list(query.events)
        listed: list[Any] = []
        if not events:
            doc = self._get("/events", {"series_ticker": query.series, "status": "open"})
            listed = doc.get("events") or [] if isinstance(doc, dict) else []
            events = [str(e.get("event_ticker", "")) for e in listed if isinstance(e, dict)]
        markets: list[Any] = []
        for event in events:
            cursor = ""
            while True:
                params = {"event_ticker": event, "limit": "200"}
                if cursor:
                    params["cursor"] = cursor
                doc = self._get("/markets", params)
                page = doc.get("markets") if isinstance(doc, dict) else None
                if not isinstance(page, list):
                    msg = f"kalshi: /markets?event_ticker={event} has no 'markets' list"
                    raise SchemaDriftError(msg, source=self.name)
                markets += page
                cursor = str(doc.get("cursor") or "")
                if not cursor or not page:
                    break
        books = {
            str(m["ticker"]): self._get(f"/markets/{m['ticker']}/orderbook")
            for m in markets
            if isinstance(m, dict) and m.get("ticker") and not _resolved(m)
        }
        doc_out = {
            "read_at": query.now.isoformat(),
            "events": listed,
            "markets": markets,
            "books": books,
        }
        return json.dumps(doc_out).encode("utf-8")

    def transform(self, query: KalshiQuery, raw: bytes) -> pd.DataFrame:
        """One ``prediction_markets`` row per open market with a quote; warn about the rest.

        Raises
        ------
        SchemaDriftError
            A market or order book no longer has the documented shape (names the ticker).
        """
        doc = json.loads(raw)
        read_at = _now(doc.get("read_at") or query.now)
        rows: list[dict[str, Any]] = []
        issues: list[RowIssue] = []
        for m in doc["markets"]:
            ticker = str(m.get("ticker", "?"))
            if _resolved(m):
                result = m.get("result") or m.get("status")
                issues.append(RowIssue(None, f"{ticker}: market resolved ({result}): no quote"))
                continue
            month = kalshi_meeting_month(str(m.get("event_ticker") or ticker))
            outcome = kalshi_outcome(m)
            if month is None or outcome is None:
                title = m.get("yes_sub_title") or m.get("title")
                issues.append(RowIssue(None, f"{ticker}: not an FOMC outcome ({title!r}): skipped"))
                continue
            try:
                quote = kalshi_book(doc["books"][ticker])
            except (KeyError, TypeError, ValueError) as exc:
                msg = f"kalshi: the order book of {ticker} no longer has the documented shape ({exc!r})"
                raise SchemaDriftError(msg, source=self.name) from None
            rows.append(
                {
                    "ts": read_at,
                    "venue": "kalshi",
                    "market_id": ticker,
                    "meeting_month": month,
                    "outcome": outcome,
                    **quote,
                }
            )
        frame = quote_frame(rows)
        kept, found = check_quotes(frame, now=read_at)
        report_issues(self.name, issues + found)
        return kept


def _resolved(market: dict[str, Any]) -> bool:
    return bool(market.get("result")) or str(market.get("status", "")).lower() in _RESOLVED
