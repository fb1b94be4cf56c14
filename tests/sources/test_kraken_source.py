"""Kraken OHLC connector, offline.

The recorded body (ccxt's fixture) is for XBTUSDT with hourly bars; for XBTUSD daily bars an
answer in the documented shape (``result: {"XXBTZUSD": [[time, open, high, low, close, vwap,
volume, count], ...], "last": ...}``, strings for prices) is built from real daily BTC-USD
bars (CryptoQuant export in ../shared/data/btc_prices); vwap and count are not used.
"""

from __future__ import annotations

import json

import httpx
import pandas as pd
import pytest

from flowscope.errors import DataQualityWarning, GapWarning, SchemaDriftError, SourceError
from flowscope.sources import get_source
from flowscope.sources.kraken import KRAKEN_MAX_BARS, KRAKEN_OHLC_URL, KrakenOhlcSource

RECORDED = "http_payloads/kraken_ohlc_xbtusdt_1h__ccxt.json"
CQ = "btc_prices/moltovy_cryptoquant_btc_usd_spot_ohlcv_daily.csv"


def serving(body: bytes, seen: list[httpx.Request] | None = None) -> httpx.Client:
    def handler(request: httpx.Request) -> httpx.Response:
        if seen is not None:
            seen.append(request)
        return httpx.Response(200, content=body)

    return httpx.Client(transport=httpx.MockTransport(handler))


def kraken_daily(shared_data, last_day: str) -> bytes:
    """The 720 daily bars up to ``last_day`` in Kraken's shape (last one = in progress)."""
    df = pd.read_csv(shared_data / CQ).dropna()
    df = df[df["date"] <= last_day].tail(KRAKEN_MAX_BARS)
    rows = [
        [
            int(pd.Timestamp(r.date, tz="UTC").timestamp()),
            f"{r.Open:.1f}",
            f"{r.High:.1f}",
            f"{r.Low:.1f}",
            f"{r.Close:.1f}",
            "0.0",
            f"{r.Volume:.8f}",
            0,
        ]
        for r in df.itertuples()
    ]
    return json.dumps({"error": [], "result": {"XXBTZUSD": rows, "last": rows[-1][0]}}).encode()


def test_registered_under_kraken():
    assert get_source("kraken") is KrakenOhlcSource
    assert KrakenOhlcSource.rate_limit == 1.0


def test_recorded_hourly_body_parses_and_drops_the_running_bar(shared_data):
    seen: list[httpx.Request] = []
    src = KrakenOhlcSource(serving((shared_data / RECORDED).read_bytes(), seen))
    # the recording's last bar starts 2024-02-01 15:00 UTC; at 15:30 it is still running
    with pytest.warns(DataQualityWarning, match=r"2024-02-01 15:00: 1h bar still in progress"):
        out = src.fetch(intervals="1h", now="2024-02-01 15:30")
    assert seen[0].url.params["pair"] == "XBTUSD"
    assert seen[0].url.params["interval"] == "60"
    assert "since" not in seen[0].url.params
    assert len(out) == 5
    first = out.iloc[0]
    assert first["ts"] == pd.Timestamp("2024-01-30 15:00", tz="UTC")
    # [1706626800,"43437.5","43593.7","43355.5","43361.1","43511.3","18.75430110",162]
    assert (first["open"], first["high"], first["low"], first["close"]) == (
        43437.5,
        43593.7,
        43355.5,
        43361.1,
    )
    assert first["volume"] == 18.7543011


def test_daily_xbtusd_range_before_the_720_bars_says_so(shared_data):
    seen: list[httpx.Request] = []
    src = KrakenOhlcSource(serving(kraken_daily(shared_data, "2026-04-11"), seen))
    with (
        pytest.warns(GapWarning, match=r"720 most recent 1d bars.*starts 2024-01-01"),
        pytest.warns(DataQualityWarning, match="in progress"),
    ):
        out = src.fetch(intervals="1d", start="2024-01-01", now="2026-04-11 08:00")
    assert seen[0].url.params["interval"] == "1440"
    assert seen[0].url.params["since"] == str(int(pd.Timestamp("2023-12-31", tz="UTC").timestamp()))
    assert len(out) == KRAKEN_MAX_BARS - 1  # the running 2026-04-11 bar is kept out
    assert out["ts"].iloc[-1] == pd.Timestamp("2026-04-10", tz="UTC")
    close = out.set_index("ts")["close"]
    assert close[pd.Timestamp("2025-06-29", tz="UTC")] == 108381.5  # real close, 1 decimal


def test_error_answer_and_drift():
    err = b'{"error":["EQuery:Unknown asset pair"]}'
    with pytest.raises(SourceError, match="Unknown asset pair"):
        KrakenOhlcSource(serving(err)).fetch(intervals="1d")
    with pytest.raises(SchemaDriftError, match="no OHLC rows"):
        KrakenOhlcSource(serving(b'{"error":[],"result":{"last":1}}')).fetch(intervals="1d")
    assert KRAKEN_OHLC_URL.startswith("https://api.kraken.com/")
