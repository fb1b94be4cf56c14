"""Rotation analytics: rolling kernels against naive references, pair metrics on real data."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from fixtures.rotation import stores as _stores
from flowscope.analytics import _rolling
from flowscope.analytics.align import align_daily, close_series
from flowscope.analytics.rotation import (
    correlation_regime,
    drawdown,
    pair_metrics,
    relative_strength,
    return_spread,
    rotation_score,
    rotation_snapshot,
)
from flowscope.errors import InsufficientDataError, ValidationError

rotation_store = _stores.rotation_store  # session fixture: bundled data


def naive_corr_beta(x: np.ndarray, y: np.ndarray, w: int) -> tuple[np.ndarray, np.ndarray]:
    corr = np.full(len(x), np.nan)
    beta = np.full(len(x), np.nan)
    for i in range(w - 1, len(x)):
        a, b = x[i - w + 1 : i + 1], y[i - w + 1 : i + 1]
        if np.isnan(a).any() or np.isnan(b).any():
            continue
        if a.std() > 0 and b.std() > 0:
            corr[i] = np.corrcoef(a, b)[0, 1]
        if a.var() > 0:
            beta[i] = np.cov(a, b, ddof=1)[0, 1] / np.var(a, ddof=1)
    return corr, beta


def naive_mean_std(x: np.ndarray, w: int) -> tuple[np.ndarray, np.ndarray]:
    mean = np.full(len(x), np.nan)
    std = np.full(len(x), np.nan)
    for i in range(w - 1, len(x)):
        a = x[i - w + 1 : i + 1]
        if not np.isnan(a).any():
            mean[i], std[i] = a.mean(), a.std(ddof=1)
    return mean, std


@pytest.fixture(scope="module")
def btc_nvda(rotation_store):
    btc = close_series(rotation_store.prices("BTC-USD", source="cryptoquant"))
    nvda = close_series(rotation_store.prices("NVDA", source="yfinance"))
    return align_daily(btc, nvda.rename("NVDA"))


@pytest.mark.parametrize("window", [30, 60, 90])
def test_rolling_corr_beta_equal_naive_on_real_returns(btc_nvda, window):
    r = np.log(btc_nvda).diff()
    x, y = r["NVDA"].to_numpy(), r["BTC-USD"].to_numpy()
    corr, beta = naive_corr_beta(x, y, window)
    np.testing.assert_allclose(_rolling.rolling_corr(x, y, window), corr, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(_rolling.rolling_beta(y, x, window), beta, rtol=1e-9, atol=1e-12)


def test_rolling_mean_std_sum_equal_naive_on_real_closes(btc_nvda):
    x = btc_nvda["BTC-USD"].to_numpy()
    mean, std = naive_mean_std(x, 200)
    np.testing.assert_allclose(_rolling.rolling_mean(x, 200), mean, rtol=1e-12)
    np.testing.assert_allclose(_rolling.rolling_std(x, 200), std, rtol=1e-9)
    np.testing.assert_allclose(_rolling.rolling_sum(x, 200), mean * 200, rtol=1e-12)


# Values on a 1e-6 grid: realistic magnitudes (no 1e-147 values whose squares underflow).
finite = st.floats(-1e3, 1e3, allow_nan=False, allow_infinity=False).map(lambda v: round(v, 6))
maybe_nan = st.one_of(finite, finite, finite, st.just(np.nan))


@settings(max_examples=60, deadline=None)
@given(
    data=arrays(np.float64, st.integers(0, 80), elements=maybe_nan),
    other=st.data(),
    window=st.integers(2, 20),
)
def test_rolling_kernels_property_equal_naive(data, other, window):
    y = other.draw(arrays(np.float64, data.shape, elements=maybe_nan))
    mean, std = naive_mean_std(data, window)
    np.testing.assert_allclose(_rolling.rolling_mean(data, window), mean, rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(_rolling.rolling_std(data, window), std, rtol=1e-7, atol=1e-7)
    corr, beta = naive_corr_beta(data, y, window)
    got_c = _rolling.rolling_corr(data, y, window)
    got_b = _rolling.rolling_beta(y, data, window)
    # near-constant windows are numerically fragile in both; compare where both are finite
    both = np.isfinite(corr) & np.isfinite(got_c)
    np.testing.assert_allclose(got_c[both], corr[both], rtol=1e-6, atol=1e-6)
    assert (np.isnan(got_c) | (np.abs(got_c) <= 1 + 1e-12)).all()
    both = np.isfinite(beta) & np.isfinite(got_b)
    np.testing.assert_allclose(got_b[both], beta[both], rtol=1e-6, atol=1e-6)
    # a window with a NaN never yields a value
    has_nan = pd.Series(np.isnan(data) | np.isnan(y)).rolling(window).max().fillna(1).to_numpy() > 0
    assert np.isnan(got_c[has_nan]).all()


@settings(max_examples=60, deadline=None)
@given(
    arrays(
        np.float64, st.integers(0, 60), elements=st.one_of(st.floats(0.01, 1e5), st.just(np.nan))
    )
)
def test_running_drawdown_property_equal_naive(p):
    got = _rolling.running_drawdown(p)
    for i, v in enumerate(p):
        if np.isnan(v):
            assert np.isnan(got[i])
            continue
        high = np.nanmax(p[: i + 1])
        assert got[i] == pytest.approx(v / high - 1.0)
        assert got[i] <= 0


def test_rolling_window_validation():
    with pytest.raises(ValidationError, match="`window` must be an integer >= 2"):
        _rolling.rolling_mean([1.0, 2.0], 1)
    with pytest.raises(ValidationError, match="same length"):
        _rolling.rolling_corr([1.0, 2.0], [1.0], 2)


def test_pair_metrics_real_btc_nvda(btc_nvda):
    pm = pair_metrics(btc_nvda, "NVDA")
    # relative strength is NVDA/BTC rebased to 1 on the first common session
    first = btc_nvda.index[0]
    assert pm.loc[first, "rs"] == 1.0
    d = pd.Timestamp("2024-06-28")
    expected = (btc_nvda.loc[d, "NVDA"] / btc_nvda.loc[d, "BTC-USD"]) / (
        btc_nvda.loc[first, "NVDA"] / btc_nvda.loc[first, "BTC-USD"]
    )
    assert pm.loc[d, "rs"] == pytest.approx(expected)
    # 60-session correlation on that day equals np.corrcoef on the last 60 log returns
    r = np.log(btc_nvda).diff().loc[:d].tail(60)
    assert pm.loc[d, "corr_60"] == pytest.approx(np.corrcoef(r["NVDA"], r["BTC-USD"])[0, 1])
    # spread_20 = NVDA 20-session return minus BTC's
    c = btc_nvda.loc[:d].tail(21)
    sp = (c["NVDA"].iloc[-1] / c["NVDA"].iloc[0] - 1) - (
        c["BTC-USD"].iloc[-1] / c["BTC-USD"].iloc[0] - 1
    )
    assert pm.loc[d, "spread_20"] == pytest.approx(sp)
    # regime follows the documented thresholds
    lab = pm["regime"].dropna()
    corr = pm.loc[lab.index, "corr_60"]
    assert (lab[corr >= 0.5] == "coupled").all()
    assert (lab[corr <= 0.2] == "decoupled").all()
    assert set(lab.unique()) == {"coupled", "decoupled", "neutral"}
    # drawdowns: BTC's worst since 2015 on these sessions is the 2018 bear market (about -83 %)
    worst = pm["base_drawdown"].idxmin()
    assert worst.year == 2018
    assert pm["base_drawdown"].min() == pytest.approx(-0.83, abs=0.02)


def test_pair_metrics_needs_enough_sessions(btc_nvda):
    with pytest.raises(InsufficientDataError, match="need at least 91"):
        pair_metrics(btc_nvda.head(50), "NVDA")
    with pytest.raises(ValidationError, match="not in the aligned frame"):
        pair_metrics(btc_nvda, "QQQ")


def test_relative_strength_spread_drawdown_small():
    a = pd.Series([10.0, 12.0, 9.0, 15.0])
    b = pd.Series([100.0, 100.0, 90.0, 100.0])
    rs = relative_strength(a, b, trend_window=2)
    assert rs["rs"].tolist() == pytest.approx([1.0, 1.2, 1.0, 1.5])
    assert rs["rs_trend"].iloc[-1] == pytest.approx(1.5 / 1.25 - 1)
    assert return_spread(a, b, [1])["spread_1"].iloc[3] == pytest.approx(
        15 / 9 - 1 - (100 / 90 - 1)
    )
    assert drawdown(a).tolist() == pytest.approx([0.0, 0.0, -0.25, 0.0])
    lab = correlation_regime(pd.Series([0.6, 0.3, 0.1, np.nan]))
    assert lab.tolist() == ["coupled", "neutral", "decoupled", None]
    with pytest.raises(ValidationError):
        correlation_regime(pd.Series([0.1]), coupled=0.2, decoupled=0.3)


def test_rotation_score_definition_on_real_data(rotation_store, btc_nvda):
    flows = rotation_store.etf_flows(funds="Total", source="farside").set_index("date")["flow_usd"]
    sc = rotation_score(btc_nvda, "NVDA", flows=flows)
    # flow component: 20-session sum of the Farside Total in USD, e.g. to 2025-11-20
    d = pd.Timestamp("2025-11-20")
    sess = btc_nvda.loc[:d].tail(20).index
    assert sc.loc[d, "flow_sum_usd"] == pytest.approx(flows.reindex(sess).fillna(0).sum())
    assert sc.loc[d, "flow_sum_usd"] < -2e9  # the November 2025 outflow wave
    # score = mean of momentum z and minus flow z where both exist
    both = sc.dropna(subset=["momentum_z", "flow_z"])
    assert len(both) > 100
    np.testing.assert_allclose(
        both["rotation_score"], (both["momentum_z"] - both["flow_z"]) / 2, rtol=1e-12
    )
    # before the ETFs existed only momentum counts
    early = sc.loc[:"2023-12-29"].dropna(subset=["momentum_z"])
    np.testing.assert_allclose(early["rotation_score"], early["momentum_z"])
    # momentum z is a z-score of the 20-session relative log return over 250 sessions
    m = sc["rel_momentum"].loc[:d].tail(250)
    assert sc.loc[d, "momentum_z"] == pytest.approx((m.iloc[-1] - m.mean()) / m.std(ddof=1))
    # without flows the score is the momentum z-score
    no_f = rotation_score(btc_nvda, "NVDA")
    np.testing.assert_allclose(no_f["rotation_score"].dropna(), no_f["momentum_z"].dropna())


def test_rotation_snapshot_all_assets(rotation_store):
    btc = close_series(rotation_store.prices("BTC-USD", source="cryptoquant"))
    closes = {
        s: close_series(rotation_store.prices(s, source="tradingview")) for s in ("QQQ", "MSTR")
    }
    closes["NVDA"] = close_series(rotation_store.prices("NVDA", source="yfinance"))
    snap = rotation_snapshot(btc, closes)
    assert snap["asset"].tolist() == ["QQQ", "MSTR", "NVDA"]
    assert snap.set_index("asset").loc["NVDA", "date"] == pd.Timestamp("2025-12-31")
    assert snap.set_index("asset").loc["QQQ", "date"] == pd.Timestamp("2026-04-10")
    # MSTR, a BTC proxy, is the most coupled with BTC
    assert snap.set_index("asset")["corr"].idxmax() == "MSTR"
    assert snap["corr"].between(-1, 1).all()
