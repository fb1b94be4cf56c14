"""One row per key from the most trusted source: declared order, settings override, variants."""

from __future__ import annotations

import pandas as pd
import pytest

from flowscope.config import load_settings
from flowscope.errors import ConfigError
from flowscope.sources import read_file
from flowscope.storage import Store

CQ = "btc_prices/moltovy_cryptoquant_btc_usd_spot_ohlcv_daily.csv"
YAHOO_BTC = "macro/market_kittycapital/BTC.csv"
MATHASZIP = "btc_prices/mathaszip_bitstamp_coinbase_btcusd_daily_2011_2025.csv"


def _load(store: Store, shared_data, rel: str) -> None:
    parsed = read_file(shared_data / rel, "prices")
    store.upsert("prices", parsed.frame, source=parsed.source)


@pytest.fixture
def btc_store(store, shared_data):
    for rel in (CQ, YAHOO_BTC, MATHASZIP):
        _load(store, shared_data, rel)
    return store


def test_preferred_prices_continue_the_trusted_history_with_newer_sources(btc_store):
    # CryptoQuant (most trusted) ends 2026-04-11; Yahoo's copy runs to 2026-07-23.
    bars = btc_store.prices("BTC-USD", start="2024-12-24", end="2026-07-23", preferred=True)
    assert not bars.duplicated(["symbol", "ts"]).any()
    by_day = bars.set_index(bars["ts"].dt.strftime("%Y-%m-%d"))
    # MANIFEST §5 Christmas table: CryptoQuant 99,341.25 on 2024-12-25 (Yahoo 99,299.20)
    assert by_day.loc["2024-12-25", "close"] == pytest.approx(99_341.25, abs=0.01)
    assert by_day.loc["2024-12-25", "source"] == "cryptoquant"
    assert by_day.loc["2026-04-11", "source"] == "cryptoquant"
    # from 2026-04-12 only Yahoo holds the day (real file: close 70,753.40625)
    assert by_day.loc["2026-04-12", "source"] == "yahoo"
    assert by_day.loc["2026-04-12", "close"] == pytest.approx(70_753.40625)
    assert by_day.index[-1] == "2026-07-23"
    # every calendar day once
    assert len(bars) == len(pd.date_range("2024-12-24", "2026-07-23"))


def test_preferred_without_flag_returns_every_source(btc_store):
    every = btc_store.prices("BTC-USD", start="2024-12-25", end="2024-12-25")
    assert sorted(every["source"]) == ["bitstamp-coinbase", "cryptoquant", "yahoo"]


def test_settings_override_the_declared_order(tmp_path, shared_data):
    settings = load_settings(
        env={"FLOWSCOPE_SOURCE_PREFERENCE": "prices=bitstamp-coinbase,cryptoquant"}
    )
    with Store(tmp_path / "s.duckdb", source_preference=settings.source_preference) as s:
        for rel in (CQ, MATHASZIP):
            _load(s, shared_data, rel)
        day = s.prices("BTC-USD", start="2024-12-25", end="2024-12-25", preferred=True)
    # MANIFEST §5: mathaszip (Bitstamp/Coinbase) closed 2024-12-25 at 99,346.28
    assert day["source"].tolist() == ["bitstamp-coinbase"]
    assert day["close"].iloc[0] == pytest.approx(99_346.28, abs=0.01)


def test_preference_setting_is_validated():
    with pytest.raises(ConfigError, match="source_preference"):
        load_settings(env={"FLOWSCOPE_SOURCE_PREFERENCE": "prices"})


def test_preferred_never_mixes_adjustment_variants(store, shared_data):
    # NVDA split+dividend adjusted (yfinance history) and split-only (yfinance download)
    _load(store, shared_data, "equities/lragogna_yfinance_NVDA_daily_2015_2025.csv")
    raw = read_file(
        shared_data
        / "equities/always03_yfinance_NVDA_daily_2013_2023_unadjusted_for_2024_split.csv",
        "prices",
    )
    # only its 2013-2014 rows, which the adjusted history lacks: older than the newest bar
    store.upsert("prices", raw.frame[raw.frame["ts"] < "2015-01-01"], source=raw.source)
    bars = store.prices("NVDA", preferred=True)
    # the variant of the source holding the newest bar (2025-12-31) wins for the whole series
    assert set(bars["adjusted"]) == {"split_dividend"}
    assert bars["ts"].min() == pd.Timestamp("2015-01-02", tz="UTC")


def test_yahoo_btc_volume_in_dollars_is_not_stored_as_btc(shared_data):
    # the real Yahoo export: 2026-04-12 volume 29,882,740,487 — US dollars, not BTC
    parsed = read_file(shared_data / YAHOO_BTC, "prices")
    assert parsed.frame["volume"].isna().all()
    assert any("volume is in US dollars" in str(i) for i in parsed.issues)
    assert parsed.frame["close"].notna().all()
