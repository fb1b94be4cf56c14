"""Square-root impact model, Amihud and Corwin–Schultz on real CryptoQuant daily bars.

Oracles: values computed by hand from the raw CSV (numbers written below, re-derived in
plain Python with ``csv`` and ``statistics``), and closed forms of the formulas.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
import statistics
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from flowscope.analytics.liquidity.impact import (
    block_bootstrap_ratio,
    corwin_schultz_spread,
    daily_liquidity,
    seasonal_impact,
    usd_to_move,
    window_bounds,
)
from flowscope.errors import InsufficientDataError, ValidationError

CQ = "btc_prices/moltovy_cryptoquant_btc_usd_spot_ohlcv_daily.csv"


@pytest.fixture(scope="module")
def raw_rows(shared_data: Path) -> dict[str, dict[str, str]]:
    with (shared_data / CQ).open() as fh:
        return {r["date"][:10]: r for r in csv.DictReader(fh)}


@pytest.fixture(scope="module")
def bars(shared_data: Path) -> pd.DataFrame:
    df = pd.read_csv(shared_data / CQ, parse_dates=["date"])
    df = df.rename(columns=str.lower).set_index("date")
    df.index = pd.DatetimeIndex(df.index).tz_localize(None).normalize()
    return df.loc["2014-01-01":, ["open", "high", "low", "close", "volume"]]


def test_usd_to_move_hand_values() -> None:
    # Q = V (x / (Y sigma))^2: $1bn a day, 2 % vol, a 1 % move, Y = 1 -> $250M; Y = 0.5 -> $1bn
    assert usd_to_move(1e9, 0.02, 0.01, y=1.0) == pytest.approx(2.5e8)
    assert usd_to_move(1e9, 0.02, 0.01, y=0.5) == pytest.approx(1e9)
    # a fall costs what a rise costs
    assert usd_to_move(1e9, 0.02, -0.01, y=1.0) == pytest.approx(2.5e8)


def test_usd_to_move_rejects_non_positive_y() -> None:
    with pytest.raises(ValidationError, match="prefactor y"):
        usd_to_move(1e9, 0.02, 0.01, y=0.0)


def test_daily_liquidity_christmas_2024_matches_hand_computation(bars, raw_rows) -> None:
    # Hand computation on the raw file for 2024-12-25:
    #   sigma = stdev of the 30 daily returns 2024-11-25 .. 2024-12-24 (closes 11-24 .. 12-24)
    #         = 0.02544721206
    #   V     = mean of Volume x Close over 2024-12-19 .. 2024-12-25 = $4,012,540,553.70
    #   Q(1 %, Y = 0.8) = V * (0.01 / (0.8 * sigma))^2 = $968,186,544.59
    day = dt.date(2024, 12, 25)

    def close(d: dt.date) -> float:
        return float(raw_rows[d.isoformat()]["Close"])

    rets = [
        close(day - dt.timedelta(days=k)) / close(day - dt.timedelta(days=k + 1)) - 1
        for k in range(1, 31)
    ]
    usd = [
        float(raw_rows[(day - dt.timedelta(days=k)).isoformat()]["Volume"])
        * close(day - dt.timedelta(days=k))
        for k in range(7)
    ]
    assert statistics.stdev(rets) == pytest.approx(0.02544721206, rel=1e-9)
    assert sum(usd) / 7 == pytest.approx(4_012_540_553.70, rel=1e-9)

    out = daily_liquidity(bars).loc["2024-12-25"]
    assert out["sigma_daily"] == pytest.approx(0.02544721206, rel=1e-9)
    assert out["volume_usd_trailing"] == pytest.approx(4_012_540_553.70, rel=1e-9)
    q = usd_to_move(out["volume_usd_trailing"], out["sigma_daily"], 0.01, y=0.8)
    assert q == pytest.approx(968_186_544.59, rel=1e-9)
    assert out["depth_usd"] * (0.01 / 0.8) ** 2 == pytest.approx(968_186_544.59, rel=1e-9)
    # Amihud: |99,341.2487 / 98,601.6363 - 1| = 0.0075010 over 18,521.264 BTC x 99,341.25
    # = $1,839.93M  ->  75.010 bp / 1,839.93 = 0.0407680 bp per $M
    assert out["amihud_bp_per_usd_million"] == pytest.approx(0.040768039720850, rel=1e-9)


def test_daily_liquidity_zero_volume_is_missing_not_a_value(bars) -> None:
    # a real week with 2024-12-22's volume blanked to 0: no figure for that day, and the
    # trailing mean on 12-25 is the mean of the 6 other days (not diluted by a zero)
    cut = bars.loc["2024-10-01":"2024-12-31"].copy()
    cut.loc[pd.Timestamp("2024-12-22"), "volume"] = 0.0
    out = daily_liquidity(cut)
    assert math.isnan(out.loc["2024-12-22", "volume_usd"])
    days = pd.date_range("2024-12-19", "2024-12-25").drop(pd.Timestamp("2024-12-22"))
    want = (cut.loc[days, "volume"] * cut.loc[days, "close"]).sum() / 6
    assert out.loc["2024-12-25", "volume_usd_trailing"] == pytest.approx(want, rel=1e-12)


def test_corwin_schultz_constant_bars_closed_form() -> None:
    # identical bars give alpha = ln(H/L), so S = 2 tanh(alpha / 2) = 2 (H - L) / (H + L)
    idx = pd.date_range("2024-01-01", periods=4)
    s = corwin_schultz_spread(pd.Series(105.0, idx), pd.Series(95.0, idx))
    assert s.iloc[:3].tolist() == pytest.approx([2 * 10 / 200] * 3, rel=1e-12)
    assert math.isnan(s.iloc[3])  # no next day to pair with


def test_corwin_schultz_negative_estimate_set_to_zero() -> None:
    # H = 101, 102; L = 99, 100: beta = 7.9217e-4, gamma = 8.9121e-4,
    # alpha = (0.039804 - 0.028146) / 0.171573 - sqrt(8.9121e-4 / 0.171573) = -0.0041 < 0
    idx = pd.date_range("2024-01-01", periods=2)
    s = corwin_schultz_spread(pd.Series([101.0, 102.0], idx), pd.Series([99.0, 100.0], idx))
    assert s.iloc[0] == 0.0


def test_window_bounds_wraps_into_next_year() -> None:
    assert window_bounds(2024, ("12-20", "01-02")) == (
        pd.Timestamp("2024-12-20"),
        pd.Timestamp("2025-01-02"),
    )
    with pytest.raises(ValidationError, match="month-day"):
        window_bounds(2024, ("12-32", "01-02"))


def test_block_bootstrap_ratio_constant_samples_exact() -> None:
    assert block_bootstrap_ratio(np.full(14, 3.0), np.full(14, 2.0)) == (1.5, 1.5, 1.5)
    r = block_bootstrap_ratio([1.0, 2.0, np.nan], [])
    assert all(math.isnan(x) for x in r)


def test_block_bootstrap_ratio_interval_brackets_estimate_and_is_seeded() -> None:
    a = np.array([5.0, 7.0, 6.0, 9.0, 4.0, 8.0, 6.5])
    b = np.array([10.0, 12.0, 11.0, 9.0, 13.0, 10.5, 11.5])
    r1 = block_bootstrap_ratio(a, b, n_boot=3000, seed=7)
    r2 = block_bootstrap_ratio(a, b, n_boot=3000, seed=7)
    assert r1 == r2
    # point estimate is the ratio of plain means: 45.5 / 77 = 0.590909...
    assert r1[0] == pytest.approx(45.5 / 77)
    assert r1[1] < r1[0] < r1[2]
    assert r1[1] > 0.4 and r1[2] < 0.8


def test_seasonal_impact_2024_volume_ratio_from_raw_file(bars, raw_rows) -> None:
    # mean daily USD volume, Dec 20 2024 .. Jan 2 2025 over Dec 1 .. 14 2024, by hand
    def usd(d: dt.date) -> float:
        r = raw_rows[d.isoformat()]
        return float(r["Volume"]) * float(r["Close"])

    xmas = [usd(dt.date(2024, 12, 20) + dt.timedelta(days=k)) for k in range(14)]
    norm = [usd(dt.date(2024, 12, 1) + dt.timedelta(days=k)) for k in range(14)]
    tab = seasonal_impact(bars, [2024], n_boot=200)
    row = tab.loc[2024]
    assert row["days_christmas"] == 14 and row["days_normal"] == 14
    assert row["volume_usd_christmas"] == pytest.approx(sum(xmas) / 14, rel=1e-9)
    assert row["volume_usd_normal"] == pytest.approx(sum(norm) / 14, rel=1e-9)
    assert row["volume_ratio"] == pytest.approx(sum(xmas) / sum(norm), rel=1e-9)
    # holiday volume really is thinner in 2024: about 71 % of early December's
    assert row["volume_ratio"] == pytest.approx(0.706, abs=0.001)
    assert row["impact_ratio_ci_low"] <= row["impact_ratio"] <= row["impact_ratio_ci_high"]


def test_seasonal_impact_ratio_independent_of_y_and_move(bars) -> None:
    a = seasonal_impact(bars, [2022, 2023], y=0.5, move_pcts=(1, 2), n_boot=100)
    b = seasonal_impact(bars, [2022, 2023], y=1.0, move_pcts=(0.5,), n_boot=100)
    pd.testing.assert_series_equal(a["impact_ratio"], b["impact_ratio"])
    # Q scales with x^2 and 1/Y^2
    assert (a["usd_to_move_2pct_christmas"] / a["usd_to_move_1pct_christmas"]).tolist() == (
        pytest.approx([4.0, 4.0])
    )
    assert (a["usd_to_move_1pct_normal"] / b["usd_to_move_0p5pct_normal"]).tolist() == (
        pytest.approx([16.0, 16.0])
    )


def test_seasonal_impact_no_covered_year_raises(bars) -> None:
    with pytest.raises(InsufficientDataError, match="2030"):
        seasonal_impact(bars, [2030], n_boot=10)


def test_daily_liquidity_needs_volume(bars) -> None:
    with pytest.raises(ValidationError, match="volume"):
        daily_liquidity(bars.drop(columns="volume"))
