"""Seasonality on real BTC closes: the MANIFEST's Christmas closes, regimes vs naive rules."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fixtures.rotation import stores as _stores
from flowscope.analytics.align import close_series
from flowscope.analytics.seasonality import (
    HOLIDAY_WINDOW,
    REGIME_RULES,
    SEED_CHRISTMAS_LABELS,
    bootstrap_mean_ci,
    calendar_returns,
    christmas_table,
    regime_labels,
    regime_summary,
    window_returns,
)
from flowscope.errors import GapWarning, SmallSampleWarning, ValidationError

# MANIFEST §5, "Christmas closes (Dec 25, UTC day)", CryptoQuant column
MANIFEST_DEC25 = {
    2015: 455.84,
    2016: 897.88,
    2017: 13801.06,
    2018: 3788.93,
    2019: 7195.49,
    2020: 24717.20,
    2021: 50429.65,
    2022: 16833.60,
    2023: 43579.89,
    2024: 99341.25,
}

rotation_store = _stores.rotation_store  # session fixture: bundled data


@pytest.fixture(scope="module")
def btc(rotation_store):
    return close_series(rotation_store.prices("BTC-USD", source="cryptoquant"))


@pytest.fixture(scope="module")
def table(btc):
    return christmas_table(btc, range(2015, 2025))


def test_christmas_table_dec25_closes_match_manifest(table):
    assert table.index.tolist() == list(range(2015, 2025))
    for year, close in MANIFEST_DEC25.items():
        assert table.loc[year, "dec25_close"] == pytest.approx(close, abs=0.005)


def test_christmas_table_window_returns_and_agreement(table, btc):
    # window return = close Dec 31 / close Dec 23 - 1
    for y in table.index:
        exp = btc.loc[f"{y}-12-31"] / btc.loc[f"{y}-12-23"] - 1
        assert table.loc[y, "return"] == pytest.approx(exp)
    assert table.loc[2020, "return"] == pytest.approx(0.2469, abs=1e-4)
    assert table.loc[2021, "return"] == pytest.approx(-0.0914, abs=1e-4)
    # the note labels six years; the other four are unlabelled
    assert {y: table.loc[y, "seed_label"] for y in SEED_CHRISTMAS_LABELS} == SEED_CHRISTMAS_LABELS
    assert table["seed_label"].isna().sum() == 4
    # the rules agree with the note in 5 of 6 labelled years each: the 200-day MA and
    # 365-day rules call Christmas 2021 bull (BTC was above both), the drawdown rule calls
    # 2023 bear (BTC was 37 % below its 2021 high)
    assert table.loc[2021, "ma200"] == "bull"
    assert table.loc[2021, "trailing365"] == "bull"
    assert table.loc[2023, "drawdown"] == "bear"
    for rule in REGIME_RULES:
        agree = table[f"agree_{rule}"].dropna()
        assert len(agree) == 6
        assert int(agree.sum()) == 5
    # sign of the window return vs the label: 2023 was labelled bull but fell 3.3 %
    out = table["outcome_agrees"].dropna()
    assert out.to_dict() == {
        2016: True,
        2018: True,
        2020: True,
        2021: True,
        2022: True,
        2023: False,
    }


def test_christmas_2025_is_held(btc):
    t = christmas_table(btc, [2025])
    assert t.index.tolist() == [2025]
    assert t.loc[2025, "seed_label"] is None
    assert t.loc[2025, "return"] == pytest.approx(btc.loc["2025-12-31"] / btc.loc["2025-12-23"] - 1)
    # a year the data does not cover is left out
    assert christmas_table(btc, [2025, 2026]).index.tolist() == [2025]


def test_holiday_window_wraps_into_january(btc):
    t = window_returns(btc, HOLIDAY_WINDOW, years=[2020])
    assert t.loc[2020, "end"] == pd.Timestamp("2021-01-05")
    assert t.loc[2020, "return"] == pytest.approx(btc.loc["2021-01-05"] / btc.loc["2020-12-14"] - 1)
    with pytest.raises(ValidationError, match="month-day"):
        window_returns(btc, ("12-32", "01-05"))


def test_regime_rules_equal_naive(btc):
    s = btc.loc["2014-01-01":]
    ma = s.rolling(200).mean()
    naive = np.where(s > ma, "bull", "bear")
    got = regime_labels(s, "ma200")
    ok = ma.notna()
    assert (got[ok].to_numpy() == naive[ok.to_numpy()]).all()
    assert got[~ok].isna().all()
    prev = s.shift(365)
    got = regime_labels(s, "trailing365")
    ok = prev.notna()
    assert (got[ok].to_numpy() == np.where(s > prev, "bull", "bear")[ok.to_numpy()]).all()
    dd = s / s.cummax() - 1
    got = regime_labels(s, "drawdown", drawdown_threshold=0.2)
    assert (got.to_numpy() == np.where(dd > -0.2, "bull", "bear")).all()
    with pytest.raises(ValidationError, match="unknown regime rule"):
        regime_labels(s, "moon")  # type: ignore[arg-type]


def test_regime_summary_cis_and_small_sample_warning(table):
    with pytest.warns(SmallSampleWarning, match="bear: 3"):
        summ = regime_summary(table, "ma200", n_boot=2000, seed=0)
    assert summ.loc["all", "n"] == 10
    assert summ.loc["bull", "n"] + summ.loc["bear", "n"] == 10
    bear = table.loc[table["ma200"] == "bear", "return"]
    assert summ.loc["bear", "mean"] == pytest.approx(bear.mean())
    for reg in ("bull", "bear", "all"):
        assert summ.loc[reg, "ci_low"] <= summ.loc[reg, "mean"] <= summ.loc[reg, "ci_high"]
    # every bear-regime Christmas (2018, 2019, 2022 by the 200-day MA) fell
    assert summ.loc["bear", "share_positive"] == 0.0


def test_bootstrap_mean_ci_is_seeded():
    v = np.array([0.01, -0.02, 0.05, 0.03, -0.01])
    a = bootstrap_mean_ci(v, seed=3)
    assert a == bootstrap_mean_ci(v, seed=3)
    assert a[0] == pytest.approx(v.mean())
    assert a[1] < a[0] < a[2]
    assert bootstrap_mean_ci([0.02]) == (0.02, 0.02, 0.02)
    assert all(np.isnan(bootstrap_mean_ci([])))


def test_calendar_returns_weekday_equals_groupby(btc):
    got = calendar_returns(btc, "weekday", start="2015-01-01", end="2024-12-31", n_boot=200)
    r = np.log(btc).diff().loc["2015-01-01":"2024-12-31"]
    naive = r.groupby(r.index.day_of_week).mean()
    allrows = got[got["regime"] == "all"].reset_index(drop=True)
    np.testing.assert_allclose(allrows["mean"], naive.to_numpy(), rtol=1e-10)
    assert allrows["n"].sum() == len(r)
    assert allrows["bucket"].tolist() == ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]


def test_calendar_returns_month_by_regime(btc):
    got = calendar_returns(btc, "month", rule="ma200", start="2015-01-01", n_boot=200)
    dec = got[(got["bucket"] == "Dec")].set_index("regime")
    assert dec.loc["all", "n"] == dec.loc["bull", "n"] + dec.loc["bear", "n"]
    # December 2020: last close of Dec over last close of Nov
    r = np.log(btc.loc["2020-12-31"] / btc.loc["2020-11-30"])
    assert dec.loc["all", "n"] >= 11
    m = np.log(btc).groupby(btc.index.to_period("M")).last().diff()
    assert m.loc[pd.Period("2020-12")] == pytest.approx(r)


@settings(max_examples=20, deadline=None)
@given(seed=st.integers(0, 2**16))
def test_window_returns_invariant_to_row_order(btc, seed):
    s = btc.loc["2019-01-01":"2022-12-31"]
    shuffled = s.sample(frac=1.0, random_state=seed)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        a = window_returns(s, years=range(2019, 2023))
        b = window_returns(shuffled, years=range(2019, 2023))
    pd.testing.assert_frame_equal(a, b)


def test_missing_days_are_carried_forward_with_gap_warning(btc):
    s = btc.loc["2020-01-01":"2021-12-31"].drop(pd.Timestamp("2020-12-27"))
    with pytest.warns(GapWarning, match="1 calendar day"):
        t = window_returns(s, years=[2020])
    assert t.loc[2020, "return"] == pytest.approx(btc.loc["2020-12-31"] / btc.loc["2020-12-23"] - 1)
