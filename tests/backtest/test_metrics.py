"""Metrics and the engine against values computed by hand on 15 real BTC daily closes.

Closes: CryptoQuant all-exchange BTC-USD spot, 2024-01-01 .. 2024-01-15 (UTC days), from
``btc_prices/moltovy_cryptoquant_btc_usd_spot_ohlcv_daily.csv``. The expected values were
computed with plain Python (``statistics``) and are checked again below the same way.
"""

from __future__ import annotations

import math
import statistics
from pathlib import Path

import pandas as pd
import pytest

from flowscope.backtest import metrics as m
from flowscope.backtest import run_backtest
from flowscope.errors import BacktestError

CLOSES = [
    44192.0413627, 44966.3782777, 42849.53365784, 44170.17969429, 44164.7976135,
    43977.87572846, 43936.49840188, 46960.17529701, 46117.9864666, 46653.80537022,
    46341.63393419, 42780.38173439, 42844.26839068, 41714.57317343, 42511.05565013,
]  # fmt: skip
IDX = pd.date_range("2024-01-01", periods=15, freq="D", tz="UTC")
CSV = (
    Path(__file__).resolve().parents[3]
    / "shared/data/btc_prices/moltovy_cryptoquant_btc_usd_spot_ohlcv_daily.csv"
)

# Buy-and-hold of the 14 daily returns, 365 bars a year (hand-computed).
EXPECTED = {
    "total_return": -0.038038200108783005,
    "cagr": -0.636168354441325,
    "volatility_ann": 0.6624317659763467,
    "sharpe": -1.2139535313083996,
    "sortino": -1.6417791324562976,
    "max_drawdown": -0.11170320575685744,  # 46,960.18 (Jan 8) to 41,714.57 (Jan 14)
    "calmar": -5.6951664916946285,
    "hit_rate": 6 / 14,
}


@pytest.fixture
def returns() -> pd.Series:
    close = pd.Series(CLOSES, index=IDX)
    return close.pct_change().iloc[1:]


def test_closes_are_the_real_file_rows() -> None:
    if not CSV.is_file():
        pytest.skip("shared data not present")
    df = pd.read_csv(CSV, index_col="date")
    assert df.loc["2024-01-01":"2024-01-15", "Close"].tolist() == pytest.approx(CLOSES, rel=1e-12)


def test_expected_literals_match_plain_python() -> None:
    r = [CLOSES[i] / CLOSES[i - 1] - 1 for i in range(1, 15)]
    sd = statistics.stdev(r)
    assert EXPECTED["volatility_ann"] == pytest.approx(sd * math.sqrt(365), rel=1e-12)
    assert EXPECTED["sharpe"] == pytest.approx(statistics.mean(r) / sd * math.sqrt(365))
    assert EXPECTED["max_drawdown"] == pytest.approx(41714.57317343 / 46960.17529701 - 1)


def test_metrics_match_hand_computed_values(returns: pd.Series) -> None:
    ones = pd.Series(1.0, index=returns.index)
    got = {
        "total_return": m.total_return(returns),
        "cagr": m.cagr(returns, 365),
        "volatility_ann": m.volatility(returns, 365),
        "sharpe": m.sharpe(returns, 365),
        "sortino": m.sortino(returns, 365),
        "max_drawdown": m.max_drawdown(returns),
        "calmar": m.calmar(returns, 365),
        "hit_rate": m.hit_rate(returns, ones),
    }
    for key, value in EXPECTED.items():
        assert got[key] == pytest.approx(value, rel=1e-10), key


def test_periods_per_year_daily_index_is_365() -> None:
    assert m.periods_per_year(IDX) == 365.0


def test_exposure_and_turnover_by_hand() -> None:
    held = pd.Series([1, 1, 0, 0, 1, 1, 1, 0, 1, 1, 1, 1, 0, 0], dtype=float)
    assert m.exposure(held) == 9 / 14
    traded = pd.Series([1.0, 0, 1, 0, 1, 0, 0, 1, 1, 0, 0, 0, 1, 0, 0])
    assert m.turnover(traded, 365, 14) == pytest.approx(6 * 365 / 14)


def test_engine_long_flat_with_fees_matches_hand_equity() -> None:
    # Long at the close of days 1-2, 5-7 and 9-12; 10 bps fee: an all-in buy keeps 1/1.001 of
    # equity, a sale keeps 0.999 of it. Hand-computed curve (plain Python, see module doc).
    close = pd.Series(CLOSES, index=IDX)
    pos = pd.Series([1, 1, 0, 0, 1, 1, 1, 0, 1, 1, 1, 1, 0, 0, 0], index=IDX, dtype=float)
    res = run_backtest(close, pos, fee_bps=10)
    expected = [
        1.0, 1.016505584165994, 0.9676837476911124, 0.9676837476911124, 0.9667170306604521,
        0.9626255238623752, 0.9617198213923189, 1.0268767541535062, 1.025850903250256,
        1.0377696869693855, 1.0308257292176257, 0.9516090490073431, 0.9520771169844369,
        0.9520771169844369, 0.9520771169844369,
    ]  # fmt: skip
    assert res.equity.tolist() == pytest.approx(expected, rel=1e-12)
    assert len(res.trades) == 6
    summ = res.summary()
    assert summ.loc["exposure", "strategy"] == pytest.approx(9 / 14)
    assert summ.loc["total_return", "buy_and_hold"] == pytest.approx(
        CLOSES[-1] / CLOSES[0] / 1.001 - 1, rel=1e-12
    )


def test_engine_position_applies_to_next_bar_only() -> None:
    # A position set at the close of the biggest up day (Jan 8) must not earn that day's gain.
    close = pd.Series(CLOSES, index=IDX)
    pos = pd.Series(0.0, index=IDX)
    pos.iloc[7] = 1.0
    res = run_backtest(close, pos)
    assert res.returns.iloc[6] == 0.0  # Jan 8: the jump to 46,960 is not earned
    assert res.returns.iloc[7] == pytest.approx(CLOSES[8] / CLOSES[7] - 1)  # Jan 9 loss is


def test_engine_short_half_size_rebalances_drift() -> None:
    # -0.5 of equity short over Jan 1 -> Jan 2: equity * (1 - 0.5 r); then back to flat.
    close = pd.Series(CLOSES[:3], index=IDX[:3])
    pos = pd.Series([-1.0, 0.0, 0.0], index=IDX[:3])
    res = run_backtest(close, pos, size=0.5)
    r = CLOSES[1] / CLOSES[0] - 1
    assert res.equity.iloc[1] == pytest.approx(1 - 0.5 * r, rel=1e-12)
    assert res.equity.iloc[2] == res.equity.iloc[1]


def test_per_bar_slippage_series_adds_to_the_fixed_costs() -> None:
    close = pd.Series(CLOSES[:3], index=IDX[:3])
    pos = pd.Series([1.0, 0.0, 0.0], index=IDX[:3])
    slip = pd.Series([5.0, 20.0, 0.0], index=IDX[:3])
    res = run_backtest(close, pos, fee_bps=10, slippage_bps_series=slip)
    r = CLOSES[1] / CLOSES[0] - 1
    assert res.equity.iloc[1] == pytest.approx((1 + r) / 1.0015 * (1 - 0.003), rel=1e-12)


def test_vol_targeting_uses_only_past_returns() -> None:
    close = pd.Series(CLOSES, index=IDX)
    pos = pd.Series(1.0, index=IDX)
    res = run_backtest(close, pos, target_vol=0.3, vol_window=5, max_leverage=3.0)
    r = [CLOSES[i] / CLOSES[i - 1] - 1 for i in range(1, 15)]
    # Leverage at the close of bar 5 uses returns of bars 1..5 only.
    lev5 = min(0.3 / (statistics.stdev(r[0:5]) * math.sqrt(365)), 3.0)
    assert res.positions["target"].iloc[5] == pytest.approx(lev5, rel=1e-12)
    assert (res.positions["target"].iloc[:5] == 0).all()  # flat until the window fills


@pytest.mark.parametrize(
    ("close", "pos", "word"),
    [
        ([1.0, float("inf"), 2.0], [0.0, 0.0, 0.0], "close at"),
        ([1.0, -5.0, 2.0], [0.0, 0.0, 0.0], "close at"),
        ([1.0, 2.0, 3.0], [0.0, 1.5, 0.0], "position at"),
    ],
)
def test_bad_inputs_name_the_bar(close: list[float], pos: list[float], word: str) -> None:
    idx = IDX[:3]
    with pytest.raises(BacktestError, match=word):
        run_backtest(pd.Series(close, index=idx), pd.Series(pos, index=idx))
