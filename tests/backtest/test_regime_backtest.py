"""The note's rule as a backtest on the bundled real data: timing, window, costs, walk-forward."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from flowscope.backtest import (
    backtest_preset,
    impact_slippage_bps,
    run_backtest,
    walk_forward_preset,
)
from flowscope.queries.liquidity import daily_bars
from flowscope.queries.regime import load_regime_inputs
from flowscope.signals.pit import decision_times

START, END = "2025-03-01", "2025-12-31"


@pytest.fixture(scope="module")
def inputs(bundled_store):
    return load_regime_inputs(bundled_store, start="2025-01-01")


@pytest.fixture(scope="module")
def siege(inputs):
    return backtest_preset(inputs, "siege", start=START, end=END, fee_bps=0, slippage_bps=0)


def test_position_of_day_d_earns_close_d_to_close_d_plus_1(siege):
    # Hand computation, independent of the engine: with no costs and weights 0/1, the
    # return of bar t is the position of the previous bar's decision day times the BTC
    # close-to-close return of bar t.
    pos = siege.regime.daily["position"].to_numpy()
    close = siege.close.to_numpy()
    r = close[1:] / close[:-1] - 1.0
    assert np.allclose(siege.returns.to_numpy(), pos[:-1] * r, atol=1e-12)
    # The regime has both risk-on and flat days in the window, so the test can fail.
    assert set(np.unique(pos)) == {0.0, 1.0}


def test_shifting_the_position_one_more_day_changes_the_result_accordingly(siege):
    pos = siege.positions["target"]
    shifted = run_backtest(siege.close, pos.shift(1).fillna(0.0))
    close = siege.close.to_numpy()
    r = close[1:] / close[:-1] - 1.0
    late = np.concatenate([[0.0], pos.to_numpy()[:-2]]) * r
    assert np.allclose(shifted.returns.to_numpy(), late, atol=1e-12)
    assert not np.allclose(shifted.returns.to_numpy(), siege.returns.to_numpy())
    assert shifted.equity.iloc[-1] != pytest.approx(siege.equity.iloc[-1], rel=1e-6)


def test_no_input_is_known_after_the_decision_and_the_decision_precedes_the_bar_close(siege):
    days = siege.regime.daily.index
    decided = pd.Series(decision_times(days).to_numpy(), index=days)
    for name, front in siege.regime.fronts.items():
        known = pd.to_datetime(front["available_at"], utc=True)
        ok = known.isna() | (known.to_numpy() <= decided.to_numpy())
        assert ok.all(), name
    bar_close = siege.close.index + pd.Timedelta(days=1)
    assert (decided.to_numpy() < bar_close.to_numpy()).all()
    # bar of day D starts at 00:00 UTC of D: the decision of D is applied to it
    assert (siege.close.index.tz_localize(None) == days).all()


def test_window_starts_when_every_front_with_figures_has_one(inputs):
    res = backtest_preset(inputs, "siege")
    first = res.close.index[0].tz_localize(None)
    daily = res.regime.fronts
    for name in ("flows_ibit", "flows_total", "tone"):
        assert pd.notna(daily[name]["value"].iloc[0]), name
    assert first >= pd.Timestamp("2024-01-12")  # the day after the first IBIT session
    assert any("rates" in n and "no figure" in n for n in res.notes)
    # the bundled flows end on 2026-04-10: later decisions use stale flows, and say so
    stale = res.stale.set_index("front")
    assert stale.loc["flows_ibit", "first_day"] == pd.Timestamp("2026-04-16")


def test_risk_off_short_goes_short_on_risk_off_days(inputs):
    res = backtest_preset(inputs, "siege", start=START, end=END, risk_off=-1)
    regime = res.regime.daily["regime"].to_numpy()
    target = res.positions["target"].to_numpy()
    assert (target[regime == "risk_off"] == -1).all()
    assert (regime == "risk_off").any()
    assert (target[regime == "risk_on"] == 1).all()


def test_impact_slippage_matches_a_hand_computation_on_real_bars(bundled_store):
    bars = daily_bars(bundled_store, "BTC-USD", end=pd.Timestamp("2025-06-30"))
    out = impact_slippage_bps(bars, capital_usd=5e6, y=0.8)
    day = pd.Timestamp("2025-06-16")
    closes = bars["close"].loc[: day - pd.Timedelta(days=1)].to_numpy()[-31:]
    rets = closes[1:] / closes[:-1] - 1.0  # the 30 daily returns before the day
    sigma = float(np.std(rets, ddof=1))
    window = bars.loc[day - pd.Timedelta(days=6) : day]
    vol_usd = float((window["volume"] * window["close"]).mean())
    expected = 0.8 * sigma * np.sqrt(5e6 / vol_usd) * 1e4
    assert out.loc[day, "slippage_bps"] == pytest.approx(expected, rel=1e-9)
    assert not out.loc[day, "carried_forward"]


def test_impact_slippage_after_the_last_volume_is_carried_forward_and_flagged(bundled_store):
    bars = daily_bars(bundled_store, "BTC-USD")
    out = impact_slippage_bps(bars, capital_usd=1e6)
    last = pd.Timestamp(out.attrs["last_estimate_day"])
    after = out.loc[last + pd.Timedelta(days=1) :]
    assert len(after) > 0
    assert after["carried_forward"].all()
    assert (after["slippage_bps"] == out.loc[last, "slippage_bps"]).all()


def test_impact_costs_lower_the_result(inputs, bundled_store):
    bars = daily_bars(bundled_store, "BTC-USD")
    slip = impact_slippage_bps(bars, capital_usd=1e8)["slippage_bps"]
    free = backtest_preset(inputs, "siege", start=START, end=END, fee_bps=0, slippage_bps=0)
    paid = backtest_preset(
        inputs, "siege", start=START, end=END, fee_bps=0, slippage_bps=0, slippage_bps_series=slip
    )
    assert len(paid.trades) > 0
    assert paid.equity.iloc[-1] < free.equity.iloc[-1]
    cost = paid.trades["cost"].sum()
    assert cost > 0


def test_walk_forward_keeps_test_windows_out_of_sample(inputs):
    wf = walk_forward_preset(
        inputs, "trend", start="2025-01-01", end="2025-12-31", train_days=120, test_days=60
    )
    assert wf.n_trials == len(wf.cells) * len(wf.folds) == 3 * len(wf.folds)
    assert len(wf.folds) >= 3
    assert (wf.folds["test_start"] > wf.folds["train_end"]).all()
    assert (
        wf.folds["test_start"].iloc[1:].to_numpy() > wf.folds["test_end"].iloc[:-1].to_numpy()
    ).all()
    assert wf.oos_returns.index.min() == wf.folds["test_start"].iloc[0]
    assert wf.oos_returns.index.is_unique
    assert wf.folds["deflated_sharpe"].between(0, 1).all()
    assert set(wf.folds["window"]) <= {20, 50, 100}


def test_walk_forward_folds_pay_the_default_costs(inputs):
    kw = {"start": "2025-01-01", "end": "2025-12-31", "train_days": 120, "test_days": 60}
    paid = walk_forward_preset(inputs, "trend", **kw)
    free = walk_forward_preset(inputs, "trend", fee_bps=0.0, slippage_bps=0.0, **kw)
    same_cells = (paid.folds["window"] == free.folds["window"]).all()
    assert same_cells
    assert paid.oos_equity.iloc[-1] < free.oos_equity.iloc[-1]
