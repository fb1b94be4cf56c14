"""Yahoo chart v8 connectors (equities and the ZQ strip), offline.

Equities use node-yahoo-finance2's exact recordings (NVDA 2021-02 .. 2022-01 with the 4:1
split; an AAPL window without bars). No ZQ chart body was recorded: the ZQ answers are built
in the documented chart shape from real Yahoo ``ZQZ24.CBT`` daily values
(../shared/data/fed_futures/yahoo_zq_U24_V24_X24_Z24_daily.csv, float32 artefacts kept).
"""

from __future__ import annotations

import json

import httpx
import numpy as np
import pandas as pd
import pytest

from flowscope.errors import DataQualityWarning, EmptyDataError, SourceError
from flowscope.sources import get_source
from flowscope.sources.formats.yahoo_chart import parse_yahoo_chart
from flowscope.sources.yahoo import YahooEquitiesSource, YahooFedFundsFuturesSource

NVDA = "http_payloads/raw_recording__node-yahoo-finance2__historical-via-chart-NVDA-split-2021-02-01-to-2022-01-31.csv.json"
AAPL = "http_payloads/raw_recording__node-yahoo-finance2__chart-AAPL-2025-02-01-to-2025-02-02-includePrePost-false-interval-1m.json"
ZQ = "fed_futures/yahoo_zq_U24_V24_X24_Z24_daily.csv"
ALWAYS03 = "equities/always03_yfinance_NVDA_daily_2013_2023_unadjusted_for_2024_split.csv"


def body_of(shared_data, name: str) -> bytes:
    return json.dumps(json.loads((shared_data / name).read_text())["response"]["bodyJson"]).encode()


def serving(bodies: dict[str, bytes], seen: list[httpx.Request] | None = None) -> httpx.Client:
    def handler(request: httpx.Request) -> httpx.Response:
        if seen is not None:
            seen.append(request)
        symbol = request.url.path.rsplit("/", 1)[-1]
        if symbol not in bodies:
            return httpx.Response(
                404, json={"chart": {"result": None, "error": {"code": "Not Found"}}}
            )
        return httpx.Response(200, content=bodies[symbol])

    return httpx.Client(transport=httpx.MockTransport(handler))


def zq_chart(shared_data, contract: str, regular_end: str) -> bytes:
    """A chart v8 answer for ``<contract>.CBT`` from the real Yahoo values of that contract."""
    df = pd.read_csv(shared_data / ZQ)
    df = df[df["symbol"] == contract]
    stamps = pd.to_datetime(df["date"]).dt.tz_localize("America/Chicago")
    end = int(pd.Timestamp(regular_end).timestamp())
    meta = {
        "currency": "USD",
        "symbol": f"{contract}.CBT",
        "exchangeName": "CBT",
        "instrumentType": "FUTURE",
        "gmtoffset": -18000,
        "timezone": "CDT",
        "exchangeTimezoneName": "America/Chicago",
        "currentTradingPeriod": {"regular": {"start": end - 8 * 3600, "end": end}},
        "dataGranularity": "1d",
    }
    quote = {c.lower(): df[c].tolist() for c in ("Open", "High", "Low", "Close", "Volume")}
    result = {
        "meta": meta,
        "timestamp": [int(t.timestamp()) for t in stamps],
        "indicators": {"quote": [quote], "adjclose": [{"adjclose": df["Adjusted"].tolist()}]},
    }
    return json.dumps({"chart": {"result": [result], "error": None}}).encode()


def test_registered_names():
    assert get_source("yahoo") is YahooEquitiesSource
    assert get_source("zq") is YahooFedFundsFuturesSource
    assert YahooFedFundsFuturesSource.name == "yahoo"  # stored source, as the rates section expects


def test_nvda_recording_split_adjusted_bars_on_session_dates(shared_data):
    seen: list[httpx.Request] = []
    src = YahooEquitiesSource(serving({"NVDA": body_of(shared_data, NVDA)}, seen))
    out = src.fetch(symbols="nvda", start="2021-02-01", end="2022-01-31", now="2025-02-21")
    assert seen[0].url.path == "/v8/finance/chart/NVDA"
    assert seen[0].url.params["interval"] == "1d"
    assert seen[0].url.params["events"] == "div,split"
    assert seen[0].url.params["period1"] == str(
        int(pd.Timestamp("2021-02-01", tz="UTC").timestamp())
    )
    assert len(out) == 252
    assert set(out["adjusted"]) == {"split"} and set(out["interval"]) == {"1d"}
    # 13:30 / 14:30 UTC session opens become 00:00 UTC of the New York session date
    assert (out["ts"].dt.hour == 0).all()
    assert out["ts"].iloc[0] == pd.Timestamp("2021-02-01", tz="UTC")
    # Outside oracle: yfinance download made before the 2024 10:1 split (always03 file);
    # the recording is adjusted for both splits, so it is that file / 10 (volume x 10).
    ref = pd.read_csv(shared_data / ALWAYS03, parse_dates=["Date"]).set_index("Date")
    got = out.set_index(out["ts"].dt.tz_localize(None))
    common = got.index.intersection(ref.index)
    assert len(common) == 252
    np.testing.assert_allclose(got.loc[common, "close"] * 10, ref.loc[common, "Close"], rtol=1e-6)
    np.testing.assert_allclose(got.loc[common, "volume"] / 10, ref.loc[common, "Volume"], rtol=0)
    split_day = got.loc[pd.Timestamp("2021-07-20")]
    assert round(split_day["close"], 3) == 18.612  # 186.12 before the 2024 split


def test_split_event_is_read_on_its_session_date(shared_data):
    chart = parse_yahoo_chart(body_of(shared_data, NVDA), origin="nvda")
    assert chart.splits.to_dict("records") == [
        {"date": pd.Timestamp("2021-07-20"), "numerator": 4.0, "denominator": 1.0}
    ]


def test_empty_window_is_empty_when_incremental_and_an_error_otherwise(shared_data):
    client = serving({"AAPL": body_of(shared_data, AAPL)})
    out = YahooEquitiesSource(client).fetch(
        symbols="AAPL", start="2025-02-01", end="2025-02-02", now="2025-02-20"
    )
    assert out.empty
    with pytest.raises(EmptyDataError, match="no daily bar at all for AAPL"):
        YahooEquitiesSource(client).fetch(symbols="AAPL", start=None, now="2025-02-20")


def test_chart_error_answers_are_typed():
    not_found = json.dumps(
        {
            "chart": {
                "result": None,
                "error": {
                    "code": "Not Found",
                    "description": "No data found, symbol may be delisted",
                },
            }
        }
    ).encode()
    with pytest.raises(EmptyDataError, match="delisted"):
        YahooEquitiesSource(serving({"XYZQ": not_found})).fetch(symbols="XYZQ")
    bad = json.dumps(
        {
            "chart": {
                "result": None,
                "error": {"code": "Bad Request", "description": "Invalid input"},
            }
        }
    ).encode()
    with pytest.raises(SourceError, match="Bad Request: Invalid input"):
        YahooEquitiesSource(serving({"NVDA": bad})).fetch(symbols="NVDA")


def test_zq_settles_on_the_tick_and_running_session_dropped(shared_data):
    seen: list[httpx.Request] = []
    body = zq_chart(shared_data, "ZQZ24", regular_end="2024-09-09 19:00+00:00")
    src = YahooFedFundsFuturesSource(serving({"ZQZ24.CBT": body}, seen))
    # 2024-09-09 18:00 UTC: that session has not settled (its row in the file is partial)
    with pytest.warns(DataQualityWarning, match=r"ZQZ24 .*2024-09-09.*in progress"):
        out = src.fetch(contracts=["zqz24"], start="2024-08-01", now="2024-09-09 18:00")
    assert seen[0].url.path == "/v8/finance/chart/ZQZ24.CBT"
    assert out["date"].iloc[-1] == pd.Timestamp("2024-09-06")
    assert set(out["contract"]) == {"ZQZ24"}
    assert set(out["contract_month"]) == {pd.Timestamp("2024-12-01")}
    # real values: 95.540001 on 2024-09-05 and 95.57 on 2024-09-06
    settle = out.set_index("date")["settle"]
    assert settle[pd.Timestamp("2024-09-05")] == 95.54
    assert settle[pd.Timestamp("2024-09-06")] == 95.57
    ticks = out[["open", "high", "low", "settle"]].to_numpy() / 0.0025
    np.testing.assert_allclose(ticks, np.round(ticks), atol=1e-6)
    assert out.loc[out["date"] == pd.Timestamp("2024-09-06"), "volume"].item() == 46556


def test_zq_default_strip_is_thirteen_contracts_from_the_current_month():
    seen: list[httpx.Request] = []
    src = YahooFedFundsFuturesSource(serving({}, seen))
    q = src.build_query(now="2026-11-30 15:00")
    assert q.series[0] == "ZQX26" and q.series[-1] == "ZQX27" and len(q.series) == 13
    assert q.starts["ZQF27"] == pd.Timestamp("2025-11-30")
    with pytest.raises(SourceError, match=r"ZQX26\.CBT"):
        src.fetch(now="2026-11-30 15:00")
    assert len(seen) == 1  # the first failure stops the run


def test_a_split_in_the_range_reads_the_whole_history_again(shared_data):
    seen: list[httpx.Request] = []
    src = YahooEquitiesSource(serving({"NVDA": body_of(shared_data, NVDA)}, seen))
    out = src.fetch(symbols="NVDA", start="2021-07-01", end="2022-01-31", now="2025-02-21")
    assert len(out) == 252  # every bar of the (re-read) answer, not only those from July
    # the answer holds the 2021-07-20 split: a second request from the default history start
    assert [r.url.params["period1"] for r in seen] == [
        str(int(pd.Timestamp("2021-07-01", tz="UTC").timestamp())),
        str(int(pd.Timestamp("2015-01-01", tz="UTC").timestamp())),
    ]
    seen.clear()
    src.fetch(symbols="NVDA", start="2021-08-01", end="2022-01-31", now="2025-02-21")
    assert len(seen) == 1  # no split on or after the start: one request
