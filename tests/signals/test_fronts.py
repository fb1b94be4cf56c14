"""Front signals on the bundled store, against figures computed by hand from the raw files."""

from __future__ import annotations

import statistics
from dataclasses import replace

import pandas as pd
import pytest

from flowscope.queries.regime import load_regime_inputs
from flowscope.signals.fronts import (
    FlowsParams,
    TrendParams,
    flows_front,
    rates_front,
    rotation_front,
    tone_front,
    trend_front,
)
from flowscope.storage import Store

DAYS = pd.date_range("2025-11-20", "2025-12-02", name="date")


def test_ibit_10_session_sum_on_2025_11_28_uses_flows_to_the_26th(inputs):
    # Farside IBIT, $M, sessions 2025-11-13 .. 11-26 (Thanksgiving 27th closed; the 28th's
    # flow is published after the 28th's 09:30 decision)
    by_hand = (-256.6 - 463.1 - 145.6 - 523.2 + 60.6 - 355.5 - 122.0 - 149.1 + 83.0 + 42.8) * 1e6
    out = flows_front(inputs, FlowsParams(fund="IBIT", window=10), days=DAYS)
    row = out.loc["2025-11-28"]
    assert row["value"] == pytest.approx(by_hand, abs=1.0)
    assert row["data_date"] == pd.Timestamp("2025-11-26")
    assert row["state"] == "outflow"
    # next day: the 28th (-113.7) enters, the 13th (-256.6) leaves
    nxt = out.loc["2025-11-29", "value"]
    assert nxt == pytest.approx(by_hand + (256.6 - 113.7) * 1e6, abs=1.0)


def test_total_3_session_sum_and_reversal_on_real_dates(inputs):
    # Farside Total $M: 11-24 -151.0, 11-25 128.7, 11-26 21.1, 11-28 71.4; 11-21 238.4, 11-20 -903.2
    out = flows_front(inputs, FlowsParams(fund="Total", window=3), days=DAYS)
    assert out.loc["2025-11-25", "value"] == pytest.approx((-903.2 + 238.4 - 151.0) * 1e6, abs=1)
    assert out.loc["2025-11-26", "value"] == pytest.approx((238.4 - 151.0 + 128.7) * 1e6, abs=1)
    # the sum turned from negative to positive with the 25th's flow: a reversal
    assert not out.loc["2025-11-25", "reversal"]
    assert out.loc["2025-11-26", "reversal"]
    assert out.loc["2025-11-26", "state"] == "inflow"


def test_flows_use_the_first_known_figure_not_a_later_revision(tmp_path, bundled_store):
    flows = bundled_store.read("etf_flows", where={"fund": ["IBIT", "Total"]})
    flows = flows.drop(columns=["ts_ingested", "source"])
    with Store(tmp_path / "rev.duckdb") as store:
        first = pd.Timestamp("2025-12-01", tz="UTC")
        store.upsert("etf_flows", flows, source="farside", ts_ingested=first)
        revised = flows[(flows["fund"] == "IBIT") & (flows["date"] == "2025-11-26")].copy()
        revised["flow_usd"] = 999e6  # a later restatement of the 26th
        later = pd.Timestamp("2025-12-05", tz="UTC")
        store.upsert("etf_flows", revised, source="farside", ts_ingested=later)
        held = store.read("etf_flows", where={"fund": "IBIT"}, start="2025-11-26", end="2025-11-26")
        assert held["flow_usd"].iloc[0] == 999e6
        got = load_regime_inputs(store)
    out = flows_front(got, FlowsParams(fund="IBIT", window=1), days=DAYS)
    assert out.loc["2025-11-27", "value"] == pytest.approx(42.8e6)


def test_first_known_prefers_the_superseded_row_on_equal_ingest_times():
    from flowscope.signals.pit import first_known

    t = pd.Timestamp("2026-04-11", tz="UTC")
    cur = pd.DataFrame(
        {
            "date": [pd.Timestamp("2025-11-26")],
            "fund": "IBIT",
            "flow_usd": [999e6],
            "ts_ingested": t,
        }
    )
    rev = cur.assign(flow_usd=42.8e6, ts_superseded=pd.Timestamp("2026-04-12", tz="UTC"))
    assert first_known(cur, rev, ["date", "fund"])["flow_usd"].iloc[0] == 42.8e6


def test_trend_on_2025_11_29_equals_the_raw_cryptoquant_closes(inputs, shared_data):
    raw = pd.read_csv(
        shared_data / "btc_prices" / "moltovy_cryptoquant_btc_usd_spot_ohlcv_daily.csv"
    )
    raw = raw.set_index("date")["Close"]
    last50 = raw.loc[:"2025-11-28"].tail(50).tolist()
    expected = last50[-1] / statistics.fmean(last50) - 1.0
    out = trend_front(inputs, TrendParams(window=50), days=DAYS)
    row = out.loc["2025-11-29"]
    assert row["close"] == pytest.approx(90894.78818067, rel=1e-12)
    assert row["value"] == pytest.approx(expected, rel=1e-9)
    assert row["data_date"] == pd.Timestamp("2025-11-28")  # UTC day closed at 00:00 UTC
    assert row["state"] == "below"


def test_rates_front_is_neutral_without_futures(inputs):
    out = rates_front(inputs, days=DAYS)
    assert set(out["state"]) == {"neutral"}
    assert set(out["reason"]) == {"no futures held"}
    assert out["value"].isna().all()


def test_tone_front_reads_the_newest_released_statement(inputs):
    from flowscope.signals.fronts import ToneParams

    out = tone_front(
        inputs,
        ToneParams(kinds=("statement",)),
        days=pd.DatetimeIndex(["2025-10-29", "2025-10-30"], name="date"),
    )
    # the 2025-10-29 statement (14:00 ET) comes after that day's 09:30 decision
    assert out.loc["2025-10-29", "document"] == "statement 2025-09-17"
    assert out.loc["2025-10-30", "document"] == "statement 2025-10-29"


def test_rotation_front_uses_btc_and_smh_closes_known_by_the_decision(inputs):
    out = rotation_front(inputs, days=DAYS)
    assert out.loc["2025-11-29", "data_date"] == pd.Timestamp("2025-11-28")
    assert out.loc["2025-11-28", "data_date"] == pd.Timestamp("2025-11-26")
    assert out["state"].isin(["btc_leading", "ai_leading"]).all()


def test_stale_inputs_are_flagged(inputs):
    days = pd.DatetimeIndex(["2026-11-30"], name="date")
    out = flows_front(inputs, FlowsParams(), days=days)
    assert bool(out["stale"].iloc[0])
    assert out["age_days"].iloc[0] > 200


def test_missing_flows_are_not_zero(inputs):
    cut = inputs.flows[~((inputs.flows["fund"] == "IBIT") & (inputs.flows["date"] > "2025-11-20"))]
    out = flows_front(replace(inputs, flows=cut), FlowsParams(window=3), days=DAYS)
    assert out.loc["2025-12-02", "data_date"] == pd.Timestamp("2025-11-20")
