"""Event-study engine: real BTC returns around FOMC decisions, against a naive loop."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fixtures.rotation import stores as _stores
from flowscope.analytics.align import align_daily, close_series
from flowscope.analytics.events import event_dates, event_study
from flowscope.data.events import EVENT_SETS, event_set, read_events_csv
from flowscope.errors import (
    InsufficientDataError,
    ParseError,
    SmallSampleWarning,
    ValidationError,
)

rotation_store = _stores.rotation_store  # session fixture: bundled data


@pytest.fixture(scope="module")
def btc_returns(rotation_store):
    btc = close_series(rotation_store.prices("BTC-USD", source="cryptoquant"))
    return np.log(btc).diff().iloc[1:].to_frame("BTC-USD")


@pytest.fixture(scope="module")
def fomc(rotation_store):
    return event_set("fomc", meetings=rotation_store.fomc_meetings())


def test_fomc_events_from_bundled_calendar(fomc, rotation_store):
    meetings = rotation_store.fomc_meetings()
    days = set(fomc["date"])
    assert {pd.Timestamp("2025-12-10"), pd.Timestamp("2025-10-29")} <= days
    # the 2020-03-15 (Sunday) emergency cut and the 2019-10-11 unscheduled meeting (reserve
    # management purchases; the calendar records no rate decision) both count
    assert {pd.Timestamp("2020-03-15"), pd.Timestamp("2019-10-11")} <= days
    # the 2003-01-28/29 meeting held rates; the calendar leaves that decision blank, it still counts
    assert pd.Timestamp("2003-01-29") in days
    # the 2025-08-22 notation vote is no meeting; 2026-10-28 lies after the calendar's last decision
    assert not {pd.Timestamp("2025-08-22"), pd.Timestamp("2026-10-28")} & days
    assert list(fomc.columns) == ["date", "label"]
    decided = fomc["date"].isin(meetings.loc[meetings["decision"].notna(), "meeting_date"])
    assert fomc.loc[decided, "label"].str.endswith(("hike", "cut", "hold")).all()
    undecided = fomc[~decided]
    assert (undecided["label"] == "FOMC " + undecided["date"].dt.strftime("%Y-%m-%d")).all()
    assert len(undecided) == 36  # 34 scheduled meetings 1999-2007 (holds), 2019-10-11, 2020-03-23
    minutes = event_set("minutes", meetings=meetings)
    # the October 2025 minutes came out on 2025-11-19
    row = minutes[minutes["label"].str.contains("2025-10-29")]
    assert row["date"].tolist() == [pd.Timestamp("2025-11-19")]


def test_event_study_mean_model_equals_naive_loop(btc_returns, fomc):
    k, m, e0, e1 = 5, 10, -120, -11
    res = event_study(btc_returns, fomc, window=(-k, m), model="mean", estimation=(e0, e1))
    r = btc_returns["BTC-USD"]
    idx = r.index
    cars = []
    for d in fomc["date"]:
        p = idx.searchsorted(d)
        if p + e0 < 0 or p + m >= len(idx):
            continue
        mu = r.iloc[p + e0 : p + e1 + 1].mean()
        ar = r.iloc[p - k : p + m + 1].to_numpy() - mu
        cars.append(np.cumsum(ar))
    cars = np.array(cars)
    assert res.n_events == len(cars) > 80
    np.testing.assert_allclose(res.caar["caar"].to_numpy(), cars.mean(axis=0), rtol=1e-10)
    np.testing.assert_allclose(res.events["car"].to_numpy(), cars[:, -1], rtol=1e-10)
    assert res.caar.index.tolist() == list(range(-k, m + 1))
    # bootstrap interval brackets the estimate and is reproducible for a seed
    assert (res.caar["ci_low"] <= res.caar["caar"]).all()
    assert (res.caar["caar"] <= res.caar["ci_high"]).all()
    again = event_study(btc_returns, fomc, window=(-k, m))
    pd.testing.assert_frame_equal(res.caar, again.caar)
    other = event_study(btc_returns, fomc, window=(-k, m), seed=1)
    assert not np.allclose(other.caar["ci_low"], res.caar["ci_low"])
    # events outside the data are listed, not silently lost
    assert set(res.dropped["reason"]) <= {
        "after the last return",
        "window starts before the first return",
        "window ends after the last return",
    }
    assert len(res.dropped) + res.n_events == len(fomc)


def test_event_study_market_model_equals_polyfit(rotation_store, fomc):
    btc = close_series(rotation_store.prices("BTC-USD", source="cryptoquant"))
    qqq = close_series(rotation_store.prices("QQQ", source="tradingview"))
    rets = np.log(align_daily(btc, qqq.rename("QQQ"))).diff().iloc[1:]
    ev = fomc[(fomc["date"] >= "2019-01-01") & (fomc["date"] <= "2025-12-31")]
    res = event_study(rets, ev, asset="BTC-USD", benchmark="QQQ", model="market", window=(-1, 3))
    idx = rets.index
    first = res.events.iloc[0]
    p = idx.searchsorted(first["event"])
    est = rets.iloc[p - 120 : p - 10]
    beta, alpha = np.polyfit(est["QQQ"], est["BTC-USD"], 1)
    win = rets.iloc[p - 1 : p + 4]
    car = (win["BTC-USD"] - (alpha + beta * win["QQQ"])).sum()
    assert first["car"] == pytest.approx(car, rel=1e-9)
    # market-adjusted model: AR = r - r_benchmark
    adj = event_study(rets, ev, asset="BTC-USD", benchmark="QQQ", model="benchmark", window=(-1, 3))
    assert adj.events.iloc[0]["car"] == pytest.approx((win["BTC-USD"] - win["QQQ"]).sum())
    # an FOMC day that is a session maps to itself; the Sunday emergency cut of 2020-03-15
    # maps to Monday's session
    moved = adj.events[adj.events["bar"] != adj.events["event"]]
    assert moved["event"].tolist() == [pd.Timestamp("2020-03-15")]
    assert moved["bar"].tolist() == [pd.Timestamp("2020-03-16")]


def test_event_study_small_sample_warns_on_halvings(btc_returns):
    halvings = event_set("halvings")
    with pytest.warns(SmallSampleWarning, match="4 event"):
        res = event_study(btc_returns, halvings, window=(-10, 30), model="raw")
    assert res.n_events == 4
    # raw CAR of log returns = log price change over the window; 2024-04-20 halving
    r = btc_returns["BTC-USD"]
    p = r.index.searchsorted(pd.Timestamp("2024-04-20"))
    assert res.events.iloc[-1]["car"] == pytest.approx(r.iloc[p - 10 : p + 31].sum())
    assert res.summary()["n_events"].iloc[0] == 4


def test_event_dates_and_mapping_of_timestamps():
    # an FOMC statement at 14:00 New York is in the same UTC day
    ts = pd.Timestamp("2025-12-10 14:00", tz="America/New_York")
    assert event_dates([ts])[0] == pd.Timestamp("2025-12-10")
    idx = pd.bdate_range("2024-01-01", periods=60)
    r = pd.Series(0.0, index=idx)
    r.loc["2024-01-22"] = 0.02  # a Monday
    # a Saturday event maps to the next bar (Monday)
    with pytest.warns(SmallSampleWarning):
        res = event_study(r, ["2024-01-20"], window=(0, 1), model="raw")
    assert res.events["bar"].iloc[0] == pd.Timestamp("2024-01-22")
    assert res.caar["caar"].tolist() == pytest.approx([0.02, 0.02])


def test_event_study_validation(btc_returns, fomc):
    with pytest.raises(ValidationError, match="`window` must be"):
        event_study(btc_returns, fomc, window=(2, 5))
    with pytest.raises(ValidationError, match="`estimation` must end before"):
        event_study(btc_returns, fomc, window=(-5, 5), estimation=(-20, -3))
    with pytest.raises(ValidationError, match="needs a benchmark"):
        event_study(btc_returns, fomc, model="market")
    with pytest.raises(ValidationError, match="`model`"):
        event_study(btc_returns, fomc, model="capm")  # type: ignore[arg-type]
    with pytest.raises(InsufficientDataError, match="none of the 1 events"):
        event_study(btc_returns, ["2030-01-01"])


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 2**16), perm_seed=st.integers(0, 2**16))
def test_event_study_invariant_to_event_order(seed, perm_seed):
    rng = np.random.default_rng(seed)
    idx = pd.date_range("2020-01-01", periods=400, freq="D")
    r = pd.Series(rng.normal(0, 0.02, 400), index=idx)
    days = pd.DatetimeIndex(np.sort(rng.choice(idx[150:380], 12, replace=False)))
    shuffled = days[np.random.default_rng(perm_seed).permutation(len(days))]
    a = event_study(r, days, window=(-3, 5))
    b = event_study(r, shuffled, window=(-3, 5))
    np.testing.assert_allclose(a.caar["caar"], b.caar["caar"], rtol=1e-12, atol=1e-15)
    assert a.caar["n"].iloc[0] == 12


def test_bundled_event_sets_and_user_file(tmp_path):
    assert set(EVENT_SETS) == {"fomc", "minutes", "halvings", "etf_launch"}
    assert event_set("etf_launch")["date"].tolist() == [pd.Timestamp("2024-01-11")]
    assert event_set("halvings")["date"].dt.year.tolist() == [2012, 2016, 2020, 2024]
    with pytest.raises(InsufficientDataError, match="needs the fomc_meetings table"):
        event_set("fomc")
    with pytest.raises(ValidationError, match="unknown event set"):
        event_set("earnings")
    good = tmp_path / "nvda_earnings.csv"
    good.write_text(
        "# NVIDIA earnings releases\ndate,label\n2025-11-19,Q3 FY2026\n2025-08-27,Q2 FY2026\n"
    )
    ev = read_events_csv(good)
    assert ev["date"].tolist() == [pd.Timestamp("2025-08-27"), pd.Timestamp("2025-11-19")]
    bad = tmp_path / "bad.csv"
    bad.write_text("date,label\n2025-11-19,ok\nnot-a-date,bad\n")
    with pytest.raises(ParseError, match=r"bad\.csv, row 3, column 'date': not a date") as exc:
        read_events_csv(bad)
    assert exc.value.row == 3
    nodate = tmp_path / "nodate.csv"
    nodate.write_text("day,label\n2025-11-19,x\n")
    with pytest.raises(ParseError, match="no 'date' column"):
        read_events_csv(nodate)


def test_user_file_timestamps_with_offsets(tmp_path):
    f = tmp_path / "earnings.csv"
    # NVIDIA reports after the close: 16:20 New York is 21:20 UTC, still the same UTC day
    f.write_text("ts,label\n2025-11-19T16:20:00-05:00,Q3 FY2026\n2025-08-27T16:20:00-04:00,Q2\n")
    ev = read_events_csv(f)
    assert ev["date"].tolist() == [pd.Timestamp("2025-08-27"), pd.Timestamp("2025-11-19")]
    assert ev["label"].tolist() == ["Q2", "Q3 FY2026"]


@settings(max_examples=80, deadline=None)
@given(text=st.text(alphabet=st.sampled_from(list('date,label\n"#0123456789-:T /x')), max_size=80))
def test_read_events_csv_mangled_input_raises_only_parse_error(tmp_path_factory, text):
    f = tmp_path_factory.mktemp("mangled") / "ev.csv"
    f.write_text("date,label\n2024-01-11,launch\n" + text)
    err: ParseError | None = None
    try:
        out = read_events_csv(f)
    except ParseError as exc:  # the only error allowed
        err = exc
    if err is not None:
        assert "ev.csv" in str(err)
    else:
        assert out["date"].notna().all()
        assert list(out.columns) == ["date", "label"]
