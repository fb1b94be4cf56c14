"""``flowscope update`` with the exchange and Yahoo connectors on a real DuckDB store.

The transport replays answers in each API's documented shape: Coinbase and Kraken daily
BTC-USD bars built from the real CryptoQuant series (../shared/data/btc_prices, which ends
2026-04-11), Kraken's recorded hourly body, and node-yahoo-finance2's NVDA recording. Yahoo
has no answer for the other default symbols (HTTP 404), so that source fails as a whole.
"""

from __future__ import annotations

import json

import httpx
import pandas as pd
import pytest
from typer.testing import CliRunner

import flowscope.sources._http
from flowscope.cli import app
from flowscope.storage import Store

runner = CliRunner()
CQ = "btc_prices/moltovy_cryptoquant_btc_usd_spot_ohlcv_daily.csv"
NVDA = "http_payloads/raw_recording__node-yahoo-finance2__historical-via-chart-NVDA-split-2021-02-01-to-2022-01-31.csv.json"


@pytest.fixture
def replay(shared_data, monkeypatch):
    daily = pd.read_csv(shared_data / CQ).dropna()
    daily["ts"] = pd.to_datetime(daily["date"]).dt.tz_localize("UTC")
    kraken_rows = [
        [
            int(r.ts.timestamp()),
            str(r.Open),
            str(r.High),
            str(r.Low),
            str(r.Close),
            "0",
            str(r.Volume),
            0,
        ]
        for r in daily.tail(720).itertuples()
    ]
    kraken_daily = {"error": [], "result": {"XXBTZUSD": kraken_rows, "last": 1}}
    kraken_hourly = (shared_data / "http_payloads/kraken_ohlc_xbtusdt_1h__ccxt.json").read_bytes()
    nvda = json.loads((shared_data / NVDA).read_text())["response"]["bodyJson"]
    seen: list[httpx.URL] = []

    def handler(request: httpx.Request) -> httpx.Response:
        url = request.url
        seen.append(url)
        if url.host == "api.exchange.coinbase.com":
            if url.params["granularity"] != "86400":
                return httpx.Response(200, json=[])
            a, b = pd.Timestamp(url.params["start"]), pd.Timestamp(url.params["end"])
            rows = daily[(daily["ts"] >= a) & (daily["ts"] <= b)].iloc[::-1]
            return httpx.Response(
                200,
                json=[
                    [int(r.ts.timestamp()), r.Low, r.High, r.Open, r.Close, r.Volume]
                    for r in rows.itertuples()
                ],
            )
        if url.host == "api.kraken.com":
            if url.params["interval"] == "1440":
                return httpx.Response(200, json=kraken_daily)
            return httpx.Response(200, content=kraken_hourly)
        if url.host == "query1.finance.yahoo.com" and url.path.endswith("/NVDA"):
            return httpx.Response(200, json=nvda)
        return httpx.Response(404, json={"chart": {"result": None, "error": {"code": "Not Found"}}})

    monkeypatch.setattr(
        flowscope.sources._http,
        "make_client",
        lambda settings=None: httpx.Client(transport=httpx.MockTransport(handler)),
    )
    return daily, seen


def _update(db, *args):
    res = runner.invoke(
        app,
        [
            "--db",
            str(db),
            "update",
            "--connector",
            "coinbase",
            "--connector",
            "kraken",
            *args,
            "--format",
            "json",
        ],
    )
    return res, json.loads(res.stdout)


def test_update_counts_new_rows_then_nothing_new_and_a_failing_source_is_isolated(tmp_path, replay):
    daily, seen = replay
    db = tmp_path / "s.duckdb"
    res, doc = _update(db, "--connector", "yahoo")
    assert res.exit_code == 1, res.output
    by = {r["source"]: r for r in doc["sources"]}
    assert doc["exit_code"] == 1
    assert int((daily["date"] >= "2015-07-20").sum()) == 3919  # default daily history
    assert by["coinbase"]["status"] == "ok"
    # The real series closes below its low on 2023-11-21 and -22: kept out and reported
    assert by["coinbase"]["rows_new"] == 3917
    assert "2 bar(s) kept out: 2023-11-21 00:00: impossible bar" in by["coinbase"]["warnings"][0]
    assert by["coinbase"]["newest_held"] == "2026-04-11"
    # Kraken: 720 daily bars + the recording's 6 hourly bars (all ended long ago)
    assert (by["kraken"]["status"], by["kraken"]["rows_new"]) == ("ok", 726)
    # Yahoo answered for NVDA only: the source fails and stores nothing at all
    assert by["yahoo"]["status"] == "failed"
    assert "HTTP 404" in by["yahoo"]["message"] and "QQQ" in by["yahoo"]["message"]
    assert (by["yahoo"]["rows_new"], by["yahoo"]["newest_held"]) == (0, None)
    with Store(db) as s:
        held = s.sql("SELECT source, count(*) AS n FROM prices GROUP BY 1 ORDER BY 1")
        log = s.sql("SELECT DISTINCT source FROM ingest_log")
        close = s.sql(
            "SELECT close FROM prices WHERE source = 'coinbase' AND interval = '1d' "
            "AND ts = TIMESTAMPTZ '2023-12-25 00:00:00+00'"
        )["close"].item()
    assert dict(zip(held["source"], held["n"], strict=True)) == {"coinbase": 3917, "kraken": 726}
    assert "yahoo" not in set(log["source"])
    assert round(close, 2) == 43579.89  # Christmas 2023 close of the real series

    seen.clear()
    again, doc2 = _update(db)
    assert again.exit_code == 0, again.output
    by2 = {r["source"]: r for r in doc2["sources"]}
    assert by2["coinbase"]["rows_new"] == by2["kraken"]["rows_new"] == 0
    assert by2["coinbase"]["rows_changed"] == by2["kraken"]["rows_changed"] == 0
    # only what is missing after the newest bar held (2026-04-11), minus 2 lookback days
    daily_calls = [u for u in seen if u.params.get("granularity") == "86400"]
    assert [u.params["start"][:10] for u in daily_calls] == ["2026-04-10"]
    assert by2["coinbase"]["rows_unchanged"] == 2
    kraken_daily = next(u for u in seen if u.params.get("interval") == "1440")
    assert kraken_daily.params["since"] == str(
        int(pd.Timestamp("2026-04-09", tz="UTC").timestamp())
    )


def test_update_table_report_names_the_failure_and_keeps_the_successes(tmp_path, replay):
    db = tmp_path / "s.duckdb"
    res = runner.invoke(
        app, ["--db", str(db), "update", "--connector", "kraken", "--connector", "yahoo"]
    )
    assert res.exit_code == 1
    assert "kraken" in res.output and "726" in res.output
    assert "The store was not changed for yahoo" in res.output
    assert "Traceback" not in res.output


def test_update_rejects_an_unknown_format_and_source(tmp_path):
    db = tmp_path / "s.duckdb"
    res = runner.invoke(app, ["--db", str(db), "update", "--format", "xml"])
    assert res.exit_code == 2 and "--format" in res.stderr
    res = runner.invoke(app, ["--db", str(db), "update", "--connector", "nosuch"])
    assert res.exit_code == 1 and "unknown source 'nosuch'" in res.output
