"""Alignment of BTC (UTC days) with NYSE sessions, returns, and the adjustment guard."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from fixtures.rotation import stores as _stores
from fixtures.rotation.stores import (
    cryptoquant_btc,
    nvda_adjusted,
    nvda_unadjusted_2024,
    tradingview,
)
from flowscope.analytics.align import (
    align_daily,
    btc_at_session_close,
    check_adjustment,
    close_series,
    is_crypto_symbol,
    returns,
)
from flowscope.errors import DataMixError, ValidationError

rotation_store = _stores.rotation_store  # session fixture: bundled data


def test_check_adjustment_real_series_pass(shared_data):
    # Arrange: every real adjusted series of the project, 2007..2026
    frames = [cryptoquant_btc(shared_data), nvda_adjusted(shared_data)]
    frames += [tradingview(shared_data, s) for s in ("QQQ", "SMH", "SOXX", "XLK", "MSTR", "COIN")]
    # Act / Assert: no false alarm on any of them
    for f in frames:
        check_adjustment(f)


def test_check_adjustment_skips_split_check_for_crypto(rotation_store):
    # Bitstamp BTC fell from 162.00 to 83.40 on 2013-04-11: a real crash, not a split
    bars = rotation_store.prices("BTC-USD", source="bitstamp-coinbase")
    check_adjustment(bars)
    with pytest.raises(DataMixError, match="2013-04-11"):
        check_adjustment(bars, detect_splits=True)
    assert is_crypto_symbol("BTC-USD") and is_crypto_symbol("ETHUSDT")
    assert not is_crypto_symbol("NVDA") and not is_crypto_symbol("BRK-B")


def test_check_adjustment_mixed_labels_refused(shared_data):
    old = nvda_unadjusted_2024(shared_data)
    new = nvda_adjusted(shared_data)
    mixed = pd.concat([old[old["ts"] < "2015-01-01"], new], ignore_index=True)
    with pytest.raises(
        DataMixError, match=r"NVDA: prices mix adjustment variants \['split', 'split_dividend'\]"
    ):
        check_adjustment(mixed)


def test_check_adjustment_unadjusted_split_jump_refused(shared_data):
    # The 2013-2023 file is not adjusted for the 10:1 split of June 2024: spliced onto the
    # adjusted series from 2024 on, the close falls from 495.22 to about 48 in one session.
    old = nvda_unadjusted_2024(shared_data)
    new = nvda_adjusted(shared_data)
    spliced = pd.concat([old, new[new["ts"] >= "2024-01-01"]], ignore_index=True)
    spliced["adjusted"] = "split"
    with pytest.raises(
        DataMixError,
        match=r"NVDA: close moves by a split ratio on 2024-01-02 \(495\.22 -> 48\.1\d, 1:10\)",
    ):
        check_adjustment(spliced)


def test_close_series_two_sources_refused(store, shared_data):
    store.upsert("prices", nvda_adjusted(shared_data), source="yfinance")
    store.upsert("prices", nvda_unadjusted_2024(shared_data), source="always03")
    with pytest.raises(DataMixError, match="NVDA: prices mix adjustment variants"):
        close_series(store.prices("NVDA"))
    # one source at a time is fine
    s = close_series(store.prices("NVDA", source="yfinance"))
    assert s.index[0] == pd.Timestamp("2015-01-02")
    assert s.name == "NVDA"


def test_align_daily_keeps_nyse_sessions_only(rotation_store):
    btc = close_series(rotation_store.prices("BTC-USD", source="cryptoquant"))
    qqq = close_series(rotation_store.prices("QQQ", source="tradingview"))
    al = align_daily(btc, qqq.rename("QQQ"), method="utc_close")
    window = al.loc["2024-12-20":"2024-12-31"]
    # 21-22 Dec weekend and Christmas Day are not sessions; Dec 24 (half day) is
    assert [d.strftime("%m-%d") for d in window.index] == [
        "12-20",
        "12-23",
        "12-24",
        "12-26",
        "12-27",
        "12-30",
        "12-31",
    ]
    # BTC is the UTC-day close of the same date (MANIFEST value for 2024-12-24 ... Dec-25 table)
    assert al.loc["2024-12-26", "BTC-USD"] == pytest.approx(btc.loc["2024-12-26"])
    # Monday's BTC log return spans the weekend: ln(close Mon / close Fri)
    r = np.log(al["BTC-USD"]).diff()
    assert r.loc["2024-12-23"] == pytest.approx(
        np.log(btc.loc["2024-12-23"] / btc.loc["2024-12-20"])
    )


def test_align_daily_rejects_unknown_method(rotation_store):
    btc = close_series(rotation_store.prices("BTC-USD", source="cryptoquant"))
    with pytest.raises(ValidationError, match="`method` must be"):
        align_daily(btc, btc.rename("X"), method="noon")  # type: ignore[arg-type]


def test_btc_at_session_close_reads_the_close_instant(shared_data):
    bars = pd.read_csv(
        shared_data / "btc_prices" / "nautilus_btc-perp_1m_2021-12-31_2022-02-01.csv"
    )
    bars = bars.rename(columns={"timestamp": "ts"})
    out = btc_at_session_close(bars)
    # 2021-12-31's close (21:00 UTC) precedes the first bar; Jan 2022 has 20 sessions (MLK day out)
    assert len(out) == 20
    assert out.index[0] == pd.Timestamp("2022-01-03")
    assert pd.Timestamp("2022-01-17") not in out.index
    # 16:00 New York = 21:00 UTC in January: the bar starting 20:59 holds the close price
    ts = pd.to_datetime(bars["ts"])
    expected = bars.loc[ts == pd.Timestamp("2022-01-03 20:59"), "close"].iloc[0]
    assert out.loc["2022-01-03"] == expected


def test_returns_simple_and_log():
    s = pd.Series([100.0, 110.0, 99.0])
    assert returns(s, "simple").round(6).tolist()[1:] == [0.1, -0.1]
    assert returns(s, "log").tolist()[1:] == pytest.approx([np.log(1.1), np.log(0.9)])
    with pytest.raises(ValidationError, match="positive"):
        returns(pd.Series([1.0, 0.0]))
    with pytest.raises(ValidationError, match="`kind`"):
        returns(s, "pct")  # type: ignore[arg-type]
