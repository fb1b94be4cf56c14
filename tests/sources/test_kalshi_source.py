"""Kalshi FOMC-decision connector, offline.

No real Kalshi FOMC body is recorded; the real bodies in ../shared/data/http_payloads are a
non-FOMC market (``KXELONMARS-99``) and its order book, in the trade API v2 shapes. The FOMC
answers here reuse those real bodies with the market renamed to an FOMC outcome (documented
``KXFEDDECISION`` event and market tickers), plus a resolved market and an empty book.
"""

from __future__ import annotations

import copy
import json
from typing import Any

import httpx
import pandas as pd
import pytest

from flowscope.errors import DataQualityWarning, SchemaDriftError, ValidationError
from flowscope.sources import get_source
from flowscope.sources.formats.prediction_markets import kalshi_book, kalshi_outcome
from flowscope.sources.kalshi import KALSHI_API, KalshiFomcSource

MARKET = "http_payloads/kalshi_market_KXELONMARS-99__ccxt.json"
BOOK = "http_payloads/kalshi_orderbook_KXELONMARS-99__ccxt.json"
EVENT = "KXFEDDECISION-25DEC"
NOW = "2025-11-19T18:30:00Z"


def _load(shared, name: str) -> Any:
    return json.loads((shared / name).read_text())


def fomc_payloads(shared) -> dict[str, Any]:
    """/events, /markets and /orderbook answers for one FOMC event (three markets)."""
    real = _load(shared, MARKET)["market"]
    hold = copy.deepcopy(real) | {
        "ticker": f"{EVENT}-H0",
        "event_ticker": EVENT,
        "title": "Fed decision in Dec 2025?",
        "yes_sub_title": "Fed maintains rate",
        "no_sub_title": "Fed maintains rate",
    }
    cut = copy.deepcopy(hold) | {"ticker": f"{EVENT}-C25", "yes_sub_title": "Cut 25bps"}
    hike = copy.deepcopy(hold) | {
        "ticker": f"{EVENT}-H25",
        "yes_sub_title": "Hike 25bps",
        "status": "finalized",
        "result": "no",
    }
    return {
        "/events": {"events": [{"event_ticker": EVENT, "title": "Fed decision in Dec 2025?"}]},
        "/markets": {"markets": [hold, cut, hike], "cursor": ""},
        f"/markets/{EVENT}-H0/orderbook": _load(shared, BOOK),
        f"/markets/{EVENT}-C25/orderbook": {
            "orderbook_fp": {"yes_dollars": [], "no_dollars": None}
        },
    }


def serve(payloads: dict[str, Any], seen: list[httpx.Request]) -> httpx.Client:
    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        path = request.url.path.removeprefix("/trade-api/v2")
        if path not in payloads:
            return httpx.Response(404, json={"error": "not found"})
        return httpx.Response(200, json=payloads[path])

    return httpx.Client(transport=httpx.MockTransport(handler))


def test_registered_and_keyless():
    assert get_source("kalshi") is KalshiFomcSource
    assert KalshiFomcSource.requires_key is None
    assert KalshiFomcSource.dataset == "prediction_markets"
    assert KALSHI_API.startswith("https://")


def test_recorded_book_matches_the_markets_own_best_quotes(shared_data):
    # outside oracle: Kalshi's market object states its best YES bid/ask and their sizes
    market = _load(shared_data, MARKET)["market"]
    q = kalshi_book(_load(shared_data, BOOK))
    assert q["best_bid"] == pytest.approx(float(market["yes_bid_dollars"]))  # 0.08
    assert q["best_ask"] == pytest.approx(float(market["yes_ask_dollars"]))  # 0.12
    assert q["depth_bid"] == pytest.approx(float(market["yes_bid_size_fp"]))  # 444.32
    assert q["depth_ask"] == pytest.approx(float(market["yes_ask_size_fp"]))  # 1967.33


def test_older_cent_book_shape():
    q = kalshi_book({"orderbook": {"yes": [[30, 5], [41, 7]], "no": [[55, 2], [57, 9]]}})
    assert q == pytest.approx({"best_bid": 0.41, "best_ask": 0.43, "depth_bid": 7, "depth_ask": 9})


@pytest.mark.parametrize(
    ("title", "outcome"),
    [
        ("Fed maintains rate", "no_change"),
        ("Cut 25bps", "cut_25"),
        ("Cut >25bps", "cut_gt25"),
        ("Hike 25bps", "hike_25"),
        ("Hike >25bps", "hike_gt25"),
    ],
)
def test_outcomes_from_subtitles(title, outcome):
    assert kalshi_outcome({"yes_sub_title": title}) == outcome


def test_fetch_one_quote_resolved_and_empty_reported(shared_data):
    seen: list[httpx.Request] = []
    src = KalshiFomcSource(serve(fomc_payloads(shared_data), seen))
    with pytest.warns(DataQualityWarning) as rec:
        out = src.fetch(now=NOW)
    assert len(out) == 1
    row = out.iloc[0]
    assert row["market_id"] == f"{EVENT}-H0" and row["outcome"] == "no_change"
    assert row["meeting_month"] == pd.Timestamp("2025-12-01")
    assert row["ts"] == pd.Timestamp(NOW)
    # hand: bid 0.08, ask 1 - 0.88 = 0.12, mid 0.10, spread 0.04
    assert (row["best_bid"], row["best_ask"], row["mid"], row["spread"]) == (0.08, 0.12, 0.1, 0.04)
    text = str(rec[0].message)
    assert "H25: market resolved" in text and "empty order book" in text
    paths = [r.url.path for r in seen]
    assert not any("H25/orderbook" in p for p in paths)  # a resolved market has no book to read
    assert seen[0].url.params["series_ticker"] == "KXFEDDECISION"


def test_changed_book_shape_is_schema_drift(shared_data):
    payloads = fomc_payloads(shared_data)
    payloads[f"/markets/{EVENT}-H0/orderbook"] = {"book": []}
    with pytest.raises(SchemaDriftError, match=f"{EVENT}-H0"):
        KalshiFomcSource(serve(payloads, [])).fetch(now=NOW)


def test_bad_event_ticker_names_the_parameter():
    with pytest.raises(ValidationError, match="events"):
        KalshiFomcSource(httpx.Client()).build_query(events=["ELON"])
