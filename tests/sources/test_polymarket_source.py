"""Polymarket FOMC-decision connector, offline.

The real CLOB ``/book`` body in ../shared/data/http_payloads is a non-FOMC market; the Gamma
event here is in the documented shape (``clobTokenIds`` and ``outcomes`` as JSON text,
``groupItemTitle`` per outcome), pointing at that real book, plus a resolved market and an
empty book.
"""

from __future__ import annotations

import json
from typing import Any

import httpx
import pandas as pd
import pytest

from flowscope.errors import DataQualityWarning, ValidationError
from flowscope.sources import get_source
from flowscope.sources.formats.prediction_markets import outcome_from_text, polymarket_book
from flowscope.sources.polymarket import PolymarketFomcSource

BOOK = "http_payloads/polymarket_clob_book_jdvance2028_yes__ccxt.json"
NOW = "2026-06-12T19:00:00Z"


def _market(mid: str, title: str, token: str, **extra: Any) -> dict[str, Any]:
    return {
        "id": mid,
        "question": f"Will the Fed {title.lower()} after the December 2025 meeting?",
        "groupItemTitle": title,
        "outcomes": '["Yes", "No"]',
        "clobTokenIds": json.dumps([token, f"{token}9"]),
        "closed": False,
        **extra,
    }


def gamma_event(yes_token: str) -> list[dict[str, Any]]:
    return [
        {
            "slug": "fed-decision-in-december",
            "title": "Fed decision in December?",
            "endDate": "2025-12-10T12:00:00Z",
            "markets": [
                _market("516710", "No change", yes_token),
                _market("516711", "25 bps decrease", "111"),
                _market(
                    "516712", "25+ bps increase", "222", closed=True, umaResolutionStatus="resolved"
                ),
            ],
        }
    ]


def serve(shared, seen: list[httpx.Request]) -> httpx.Client:
    book = json.loads((shared / BOOK).read_text())

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if request.url.host == "gamma-api.polymarket.com":
            return httpx.Response(200, json=gamma_event(book["asset_id"]))
        token = request.url.params["token_id"]
        if token == book["asset_id"]:
            return httpx.Response(200, json=book)
        return httpx.Response(200, json={"asset_id": token, "bids": [], "asks": []})

    return httpx.Client(transport=httpx.MockTransport(handler))


def test_registered_and_keyless():
    assert get_source("polymarket") is PolymarketFomcSource
    assert PolymarketFomcSource.requires_key is None


def test_recorded_book_best_levels(shared_data):
    q = polymarket_book(json.loads((shared_data / BOOK).read_text()))
    # by hand from the file: bids 0.001..0.005 (best 0.005 x 1000), asks 0.999..0.995
    assert q["best_bid"] == 0.005 and q["depth_bid"] == 1000.0
    assert q["best_ask"] == 0.995 and q["depth_ask"] == 222222.0
    assert q["ts"] == pd.Timestamp(1781289337944, unit="ms", tz="UTC")


@pytest.mark.parametrize(
    ("title", "outcome"),
    [
        ("No change", "no_change"),
        ("25 bps decrease", "cut_25"),
        ("50+ bps decrease", "cut_gt25"),
        ("25+ bps increase", "hike_gt25"),
        ("25 bps increase", "hike_25"),
    ],
)
def test_outcomes_from_group_titles(title, outcome):
    assert outcome_from_text(title) == outcome


def test_fetch_one_quote_resolved_and_empty_reported(shared_data):
    seen: list[httpx.Request] = []
    src = PolymarketFomcSource(serve(shared_data, seen))
    with pytest.warns(DataQualityWarning) as rec:
        out = src.fetch(events=["fed-decision-in-december"], now=NOW)
    assert len(out) == 1
    row = out.iloc[0]
    assert (row["market_id"], row["outcome"]) == ("516710", "no_change")
    assert row["meeting_month"] == pd.Timestamp("2025-12-01")
    assert row["ts"] == pd.Timestamp(1781289337944, unit="ms", tz="UTC")  # the book's own time
    assert row["mid"] == pytest.approx(0.5) and row["spread"] == pytest.approx(0.99)
    text = str(rec[0].message)
    assert "516712" in text and "resolved" in text and "empty order book" in text
    tokens = [r.url.params.get("token_id") for r in seen if r.url.host == "clob.polymarket.com"]
    assert "222" not in tokens  # the resolved market's book is not read
    assert seen[0].url.params["slug"] == "fed-decision-in-december"


def test_bad_slug_names_the_parameter():
    with pytest.raises(ValidationError, match="events"):
        PolymarketFomcSource(httpx.Client()).build_query(events=["Fed Decision?"])
