"""Coinbase Exchange candles connector, offline.

The only recorded Coinbase body (ccxt's fixture) is for BTC-USDT; for BTC-USD, answers in the
documented shape (``[time, low, high, open, close, volume]``, newest first, at most 300 rows)
are built from real daily BTC-USD bars (CryptoQuant export in ../shared/data/btc_prices).
"""

from __future__ import annotations

import json

import httpx
import pandas as pd
import pytest

from flowscope.errors import DataQualityWarning, SchemaDriftError, SourceError, ValidationError
from flowscope.sources import get_source
from flowscope.sources.coinbase import COINBASE_CANDLES_URL, CoinbaseCandlesSource

CQ = "btc_prices/moltovy_cryptoquant_btc_usd_spot_ohlcv_daily.csv"


@pytest.fixture(scope="module")
def daily(shared_data) -> pd.DataFrame:
    df = pd.read_csv(shared_data / CQ).dropna()
    df["ts"] = pd.to_datetime(df["date"]).dt.tz_localize("UTC")
    return df


def coinbase_like(daily: pd.DataFrame, seen: list[httpx.Request]) -> httpx.Client:
    """Serve real daily bars in Coinbase's shape, filtered by start/end, newest first."""

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        p = request.url.params
        if p["granularity"] != "86400":
            return httpx.Response(200, json=[])
        a, b = pd.Timestamp(p["start"]), pd.Timestamp(p["end"])
        rows = daily[(daily["ts"] >= a) & (daily["ts"] <= b)].iloc[::-1]
        assert len(rows) <= 300  # Coinbase refuses larger windows
        body = [
            [int(r.ts.timestamp()), r.Low, r.High, r.Open, r.Close, r.Volume]
            for r in rows.itertuples()
        ]
        return httpx.Response(200, json=body)

    return httpx.Client(transport=httpx.MockTransport(handler))


def test_registered_under_coinbase():
    assert get_source("coinbase") is CoinbaseCandlesSource
    assert CoinbaseCandlesSource.lookback_days == 2
    assert 0 < (CoinbaseCandlesSource.rate_limit or 0) <= 10


def test_recorded_body_parses_to_one_hourly_bar(shared_data):
    raw = (
        shared_data / "http_payloads/coinbase_exchange_candles_btcusdt_1h__ccxt.json"
    ).read_text()
    src = CoinbaseCandlesSource(httpx.Client())
    q = src.build_query(intervals="1h", start="2024-03-13", end="2024-03-13", now="2024-03-14")
    payload = {"pages": [{"interval": "1h", "url": COINBASE_CANDLES_URL, "body": raw}]}
    out = src.transform(q, json.dumps(payload).encode())
    assert len(out) == 1
    row = out.iloc[0]
    # [1710327600, low 73241.5, high 73402.47, open 73243.33, close 73370.65, 1.56794406]
    assert row["ts"] == pd.Timestamp("2024-03-13 11:00", tz="UTC")
    assert (row["open"], row["high"], row["low"], row["close"]) == (
        73243.33,
        73402.47,
        73241.5,
        73370.65,
    )
    assert row["volume"] == 1.56794406
    assert (row["symbol"], row["interval"], row["adjusted"]) == ("BTC-USD", "1h", "none")


def test_range_is_paginated_by_300_and_in_progress_day_dropped(daily):
    seen: list[httpx.Request] = []
    src = CoinbaseCandlesSource(coinbase_like(daily, seen))
    with pytest.warns(DataQualityWarning, match="in progress"):
        out = src.fetch(
            intervals="1d", start="2023-12-01", end="2025-06-30", now="2025-06-30 12:00"
        )
    # 578 days 2023-12-01 .. 2025-06-30 -> 2 requests of at most 300 candles
    assert len(seen) == 2
    assert [r.url.params["start"][:10] for r in seen] == ["2023-12-01", "2024-09-26"]
    assert seen[0].url.params["end"][:10] == "2024-09-25"
    assert str(seen[0].url.copy_with(query=None)) == COINBASE_CANDLES_URL
    # 2025-06-30 had not ended at 12:00 UTC: last bar is 2025-06-29
    assert out["ts"].iloc[-1] == pd.Timestamp("2025-06-29", tz="UTC")
    assert len(out) == 577 and out["ts"].is_unique
    close = out.set_index("ts")["close"]
    # Christmas 2023 close of the real series (MANIFEST §5 table: 43,579.89)
    assert round(close[pd.Timestamp("2023-12-25", tz="UTC")], 2) == 43579.89
    assert close[pd.Timestamp("2024-09-26", tz="UTC")] > 0  # page boundary covered


def test_impossible_bar_is_kept_out_and_reported(daily):
    bad = daily.copy()
    i = bad.index[bad["date"] == "2024-12-31"][0]
    bad.loc[i, "Low"] = bad.loc[i, "High"] + 1.0  # high < low
    j = bad.index[bad["date"] == "2025-01-02"][0]
    bad.loc[j, "Close"] = 0.0
    src = CoinbaseCandlesSource(coinbase_like(bad, []))
    with pytest.warns(DataQualityWarning, match=r"2 bar\(s\) kept out.*2024-12-31.*2025-01-02"):
        out = src.fetch(intervals="1d", start="2024-12-30", end="2025-01-03", now="2025-02-01")
    assert out["ts"].dt.strftime("%m-%d").tolist() == ["12-30", "01-01", "01-03"]


def test_default_hourly_window_is_90_days_in_8_pages():
    seen: list[httpx.Request] = []
    src = CoinbaseCandlesSource(coinbase_like(pd.DataFrame(columns=["ts"]), seen))
    out = src.fetch(intervals="1h", now="2026-11-30 15:20")
    assert out.empty
    # 2026-09-01 00:00 .. 2026-11-30 15:00 = 2200 hourly bars -> 8 pages
    assert len(seen) == 8
    assert seen[0].url.params["granularity"] == "3600"
    assert seen[0].url.params["start"].startswith("2026-09-01T00:00")


def test_error_and_non_candle_answers():
    def client(body: bytes) -> httpx.Client:
        return httpx.Client(
            transport=httpx.MockTransport(lambda r: httpx.Response(200, content=body))
        )

    args = {"intervals": "1d", "start": "2026-01-01", "end": "2026-01-02", "now": "2026-02-01"}
    with pytest.raises(SourceError, match="Unsupported granularity"):
        CoinbaseCandlesSource(client(b'{"message":"Unsupported granularity"}')).fetch(**args)
    with pytest.raises(SchemaDriftError, match=r"row 1, column 'close'"):
        CoinbaseCandlesSource(client(b'[[1767225600, 1, 2, 1.5, "x", 3]]')).fetch(**args)
    with pytest.raises(SchemaDriftError, match="not JSON"):
        CoinbaseCandlesSource(client(b"<html>busy</html>")).fetch(**args)


@pytest.mark.parametrize(
    ("params", "match"),
    [
        ({"intervals": "5m"}, "not supported"),
        ({"start": "2026-02-01", "end": "2026-01-01"}, "after end"),
        ({"symbol": "ETH-USD"}, "unknown parameter"),
        ({"start": "yesterday-ish"}, "not a date"),
    ],
)
def test_bad_parameters(params, match):
    with pytest.raises(ValidationError, match=match):
        CoinbaseCandlesSource(httpx.Client()).build_query(**params)
