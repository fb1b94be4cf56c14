"""The liquidity brief section: model on the bundled bars, measured depth once a book is held."""

from __future__ import annotations

import gzip
import json

import pandas as pd
import pytest

from flowscope.report._brief_model import BriefContext
from flowscope.report.sections.liquidity import build
from flowscope.storage import Store

HL = "orderbook/hftbacktest_hyperliquid_btc_l2book_raw_feed_20250126.gz"


def test_section_model_without_books(bundled_store: Store) -> None:
    sec = build(BriefContext.load(bundled_store, pd.Timestamp("2025-10-31")))
    assert sec is not None
    assert sec.facts["kind"] == "model"
    assert sec.facts["year"] == 2024  # the last complete Christmas window before 2025-10-31
    assert "model, not measured" in sec.title
    assert sec.bullets[0].startswith("Model, Christmas 2024")


def test_section_measured_with_a_real_hyperliquid_book(tmp_path, shared_data) -> None:
    with gzip.open(shared_data / HL, "rt") as fh:
        msg = json.loads(fh.readline().split(" ", 1)[1])
    ts = pd.Timestamp(msg["data"]["time"], unit="ms", tz="UTC")
    rows = [
        {
            "ts": ts,
            "venue": "hyperliquid",
            "symbol": "BTC",
            "side": side,
            "level": i,
            "price": float(x["px"]),
            "size": float(x["sz"]),
        }
        for side, lv in (("bid", msg["data"]["levels"][0]), ("ask", msg["data"]["levels"][1]))
        for i, x in enumerate(lv)
    ]
    levels = pd.DataFrame(rows)
    with Store(tmp_path / "book.duckdb") as store:
        store.upsert("book_snapshots", levels, source="hyperliquid")
        sec = build(BriefContext.load(store, pd.Timestamp("2025-01-27")))
    assert sec is not None and sec.facts["kind"] == "measured"
    # all 40 levels lie within ±1 % of the 105,055.5 mid: depth = sum of px x sz
    want = float((levels["price"] * levels["size"]).sum())
    (book,) = sec.facts["books"]
    assert book["depth_usd_1pct"] == pytest.approx(want)
    assert book["mid_usd"] == pytest.approx(105_055.5)
    assert sec.bullets[0].startswith("Measured, hyperliquid BTC at 2025-01-26 19:14 UTC")
