"""The one-pass rolling kernels give the figures of the separate ones, on real closes."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from flowscope.analytics import _rolling

CSV = (
    Path(__file__).resolve().parents[3]
    / "shared"
    / "data"
    / "btc_prices"
    / "moltovy_cryptoquant_btc_usd_spot_ohlcv_daily.csv"
)


@pytest.fixture(scope="module")
def log_returns() -> np.ndarray:
    if not CSV.is_file():
        pytest.skip(f"{CSV} not present")
    close = pd.read_csv(CSV)["Close"].dropna().to_numpy(dtype=np.float64)  # blank: no figure
    lg = np.log(close)
    return np.diff(lg)


@pytest.mark.parametrize("window", [20, 60, 250])
def test_rolling_mean_std_equals_separate_kernels_and_pandas(log_returns, window):
    x = log_returns.copy()
    x[100] = np.nan  # a gap: every window holding it is NaN
    mean, std = _rolling.rolling_mean_std(x, window)
    np.testing.assert_array_equal(mean, _rolling.rolling_mean(x, window))
    np.testing.assert_array_equal(std, _rolling.rolling_std(x, window))
    ref = pd.Series(x).rolling(window)
    np.testing.assert_allclose(mean, ref.mean().to_numpy(), rtol=1e-9, atol=1e-15)
    np.testing.assert_allclose(std, ref.std().to_numpy(), rtol=1e-7, atol=1e-15)


@pytest.mark.parametrize("window", [30, 60])
def test_rolling_corr_beta_equals_separate_kernels_and_pandas(log_returns, window):
    y, x = log_returns[1:], log_returns[:-1]  # BTC against its own lagged returns
    corr, beta = _rolling.rolling_corr_beta(y, x, window)
    np.testing.assert_array_equal(corr, _rolling.rolling_corr(y, x, window))
    np.testing.assert_array_equal(corr, _rolling.rolling_corr(x, y, window))
    np.testing.assert_array_equal(beta, _rolling.rolling_beta(y, x, window))
    sx, sy = pd.Series(x), pd.Series(y)
    ref_corr = sx.rolling(window).corr(sy).to_numpy()
    ref_beta = (sy.rolling(window).cov(sx) / sx.rolling(window).var()).to_numpy()
    np.testing.assert_allclose(corr, ref_corr, rtol=1e-7, atol=1e-12)
    np.testing.assert_allclose(beta, ref_beta, rtol=1e-7, atol=1e-12)
