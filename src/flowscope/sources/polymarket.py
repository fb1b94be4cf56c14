"""Polymarket connector: FOMC-decision order books (dataset ``prediction_markets``).

Public and keyless:

* Gamma (market metadata), ``GET https://gamma-api.polymarket.com/events?slug=<slug>`` — an
  event ("Fed decision in December?") and its markets, one per outcome (``groupItemTitle``
  "No change", "25 bps decrease", "50+ bps decrease", "25+ bps increase"), each with its
  ``clobTokenIds`` (JSON text: YES token first). Without slugs, the open events tagged
  ``fed-rates`` whose title names a Fed decision are read
  (``/events?tag_slug=fed-rates&closed=false``).
* CLOB, ``GET https://clob.polymarket.com/book?token_id=<YES token>`` — bids and asks
  ``{"price", "size"}`` and ``timestamp`` (Unix ms).

One row per open market: best YES bid and ask, mid, spread, size at each (shares), stamped
with the book's own ``timestamp`` (UTC; the time of reading when absent). The market id is
Gamma's market ``id``; the meeting month comes from the question ("… after the December 2025
meeting?") or the event title and end date. A closed or resolved market and an empty book
hold no quote: reported with a :class:`~flowscope.errors.DataQualityWarning`, never stored
as 0. Polymarket market data is subject to Polymarket's terms: for the user's own use.

``extract`` returns one JSON document ``{"read_at", "events", "books"}`` holding the raw
answers, so ``transform`` runs on recorded payloads.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any, ClassVar

import pandas as pd

from flowscope.errors import SchemaDriftError, ValidationError
from flowscope.sources._base import Query, Source
from flowscope.sources._files import RowIssue
from flowscope.sources._window import report_issues
from flowscope.sources.formats.prediction_markets import (
    check_quotes,
    json_list,
    outcome_from_text,
    polymarket_book,
    polymarket_meeting_month,
    quote_frame,
)

__all__ = ["CLOB_URL", "GAMMA_URL", "PolymarketFomcSource", "PolymarketQuery"]

GAMMA_URL = "https://gamma-api.polymarket.com"
CLOB_URL = "https://clob.polymarket.com"
#: Gamma tag of the Fed-rates events (used when no event slug is given).
FED_TAG = "fed-rates"
_FED_DECISION = re.compile(r"\bfed\b.*\b(decision|rates?)\b|\bfomc\b", re.I)
_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{2,200}$")


@dataclass(frozen=True, kw_only=True)
class PolymarketQuery(Query):
    """Event slugs to read (empty: open Fed-rates events) and the time of reading (UTC)."""

    events: tuple[str, ...] = ()
    now: pd.Timestamp = field(default_factory=lambda: pd.Timestamp.now(tz="UTC"))


def _utc(value: Any) -> pd.Timestamp:
    ts = pd.Timestamp(value) if value is not None else pd.Timestamp.now(tz="UTC")
    return ts.tz_localize("UTC") if ts.tzinfo is None else ts.tz_convert("UTC")


def _closed(market: dict[str, Any]) -> bool:
    status = str(market.get("umaResolutionStatus") or "").lower()
    return bool(market.get("closed")) or status == "resolved"


def _yes_token(market: dict[str, Any]) -> str | None:
    tokens = json_list(market.get("clobTokenIds"))
    outcomes = [str(o).lower() for o in json_list(market.get("outcomes"))]
    if not tokens:
        return None
    idx = outcomes.index("yes") if "yes" in outcomes else 0
    return str(tokens[idx]) if idx < len(tokens) else None


class PolymarketFomcSource(Source[PolymarketQuery]):
    """Best bid/ask of every open Polymarket FOMC-decision market, read now.

    ``fetch(events=["fed-decision-in-december"])``; ``start``/``end`` (passed by
    ``flowscope update``) are accepted and ignored: an order book exists only now.
    """

    name: ClassVar[str] = "polymarket"
    dataset: ClassVar[str] = "prediction_markets"
    lookback_days: ClassVar[int] = 1
    rate_limit: ClassVar[float | None] = 5.0
    allowed_hosts: ClassVar[tuple[str, ...]] = ("gamma-api.polymarket.com", "clob.polymarket.com")

    def build_query(self, **params: Any) -> PolymarketQuery:
        """Validate ``events`` (Gamma event slugs) and ``now``."""
        unknown = set(params) - {"events", "now", "start", "end"}
        if unknown:
            msg = f"polymarket: unknown parameter(s) {sorted(unknown)}; use events"
            raise ValidationError(msg, param_name=sorted(unknown)[0], received=sorted(unknown))
        events = params.get("events") or ()
        if isinstance(events, str):
            events = (events,)
        cleaned = tuple(str(e).strip().lower() for e in events)
        for e in cleaned:
            if not _SLUG.match(e):
                msg = f"polymarket: events: {e!r} is not an event slug (e.g. fed-decision-in-december)"
                raise ValidationError(msg, param_name="events", received=e)
        return PolymarketQuery(events=cleaned, now=_utc(params.get("now")))

    def _get(self, url: str, params: dict[str, str]) -> Any:
        return self.get_json(url, params)

    def extract(self, query: PolymarketQuery) -> bytes:
        """GET the events (Gamma) and the YES book of every open market (CLOB)."""
        events: list[Any] = []
        if query.events:
            for slug in query.events:
                events += self._events(self._get(f"{GAMMA_URL}/events", {"slug": slug}))
        else:
            found = self._events(
                self._get(
                    f"{GAMMA_URL}/events", {"tag_slug": FED_TAG, "closed": "false", "limit": "100"}
                )
            )
            events = [e for e in found if _FED_DECISION.search(str(e.get("title", "")))]
        books: dict[str, Any] = {}
        for event in events:
            for m in event.get("markets") or []:
                token = _yes_token(m) if isinstance(m, dict) else None
                if token and not _closed(m):
                    books[token] = self._get(f"{CLOB_URL}/book", {"token_id": token})
        doc = {"read_at": query.now.isoformat(), "events": events, "books": books}
        return json.dumps(doc).encode("utf-8")

    def _events(self, doc: Any) -> list[dict[str, Any]]:
        if not isinstance(doc, list) or not all(isinstance(e, dict) for e in doc):
            msg = "polymarket: Gamma /events did not answer a list of events"
            raise SchemaDriftError(msg, source=self.name)
        return doc

    def transform(self, query: PolymarketQuery, raw: bytes) -> pd.DataFrame:
        """One ``prediction_markets`` row per open market with a quote; warn about the rest.

        Raises
        ------
        SchemaDriftError
            A market or book no longer has the documented shape (names the market).
        """
        doc = json.loads(raw)
        read_at = _utc(doc.get("read_at") or query.now)
        rows: list[dict[str, Any]] = []
        issues: list[RowIssue] = []
        for event in doc["events"]:
            for m in event.get("markets") or []:
                mid = str(m.get("id") or m.get("conditionId") or "?")
                label = m.get("groupItemTitle") or m.get("question")
                if _closed(m):
                    issues.append(RowIssue(None, f"{mid} ({label}): market resolved: no quote"))
                    continue
                month = polymarket_meeting_month(m, event)
                outcome = outcome_from_text(str(m.get("groupItemTitle") or "")) or (
                    outcome_from_text(str(m.get("question") or ""))
                )
                token = _yes_token(m)
                if month is None or outcome is None or token is None:
                    issues.append(
                        RowIssue(None, f"{mid} ({label!r}): not an FOMC outcome: skipped")
                    )
                    continue
                try:
                    quote = polymarket_book(doc["books"][token])
                except (KeyError, TypeError, ValueError) as exc:
                    msg = f"polymarket: the book of market {mid} no longer has the documented shape ({exc!r})"
                    raise SchemaDriftError(msg, source=self.name) from None
                ts = quote.pop("ts") or read_at
                rows.append(
                    {
                        "ts": ts,
                        "venue": "polymarket",
                        "market_id": mid,
                        "meeting_month": month,
                        "outcome": outcome,
                        **quote,
                    }
                )
        frame = quote_frame(rows)
        kept, found = check_quotes(frame, now=read_at)
        report_issues(self.name, issues + found)
        return kept
