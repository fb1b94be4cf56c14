"""The liquidity front: impact-model depth z-score from the bundled BTC-USD daily bars."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pandas.testing as pdt
import pytest

from flowscope.signals.fronts import LiquidityParams, RegimeInputs, liquidity_front

D = pd.Timestamp("2025-10-15")
DAYS = pd.date_range("2025-08-01", "2025-12-31", name="date")


def _btc(inputs: RegimeInputs) -> pd.DataFrame:
    p = inputs.prices
    b = p[(p["symbol"] == "BTC-USD") & (p["interval"] == "1d")].copy()
    b["day"] = pd.to_datetime(b["ts"], utc=True).dt.tz_localize(None).dt.normalize()
    return b.set_index("day").sort_index()


def test_depth_and_zscore_match_a_hand_computation(inputs):
    b = _btc(inputs)
    day = pd.Timestamp("2025-11-20")  # bar of 2025-11-20, used by the 2025-11-21 decision
    out = liquidity_front(inputs, days=pd.DatetimeIndex([day + pd.Timedelta(days=1)]))
    close, vol = b["close"].astype(float), b["volume"].astype(float)

    def depth(t: pd.Timestamp) -> float:
        v7 = (vol * close).loc[t - pd.Timedelta(days=6) : t].mean()
        rets = close.pct_change().loc[t - pd.Timedelta(days=30) : t - pd.Timedelta(days=1)]
        return float(v7 / np.std(rets.to_numpy(), ddof=1) ** 2)

    assert out["depth_usd"].iloc[0] == pytest.approx(depth(day), rel=1e-9)
    prev = [depth(day - pd.Timedelta(days=k)) for k in range(1, 366)]
    z = (depth(day) - np.mean(prev)) / np.std(prev, ddof=1)
    assert out["value"].iloc[0] == pytest.approx(z, rel=1e-6)
    assert out["data_date"].iloc[0] == day


def test_liquidity_front_up_to_d_is_unchanged_by_bars_after_d(inputs):
    p = inputs.prices.copy()
    late = pd.to_datetime(p["ts"], utc=True).dt.tz_localize(None) > D
    p.loc[late, "volume"] = p.loc[late, "volume"] * 7.0
    p.loc[late, "close"] = p.loc[late, "close"] * 0.6
    moved = replace(inputs, prices=p)
    a = liquidity_front(inputs, days=DAYS)
    b = liquidity_front(moved, days=DAYS)
    pdt.assert_frame_equal(a.loc[:D], b.loc[:D])
    assert not np.allclose(
        a.loc[D + pd.Timedelta(days=3) :, "value"], b.loc[D + pd.Timedelta(days=3) :, "value"]
    )


def test_states_follow_the_threshold(inputs):
    out = liquidity_front(inputs, LiquidityParams(threshold=0.5), days=DAYS)
    v, s = out["value"], out["state"]
    assert (s[v > 0.5] == "deep").all() and (s[v < -0.5] == "thin").all()
    assert (s[v.abs() <= 0.5] == "normal").all()


def test_without_volume_the_front_is_neutral_with_a_reason(inputs):
    p = inputs.prices.drop(columns=["volume"])
    out = liquidity_front(replace(inputs, prices=p), days=DAYS)
    assert (out["state"] == "neutral").all() and out["value"].isna().all()
    assert out["reason"].iloc[0] == "no daily BTC-USD bars with volume held"


def test_bad_liquidity_parameter_names_the_key():
    from flowscope.errors import ValidationError
    from flowscope.signals.regime import rules_from_mapping

    doc = {
        "name": "x",
        "regime": {"risk_on": 1, "risk_off": -1},
        "fronts": {"depth": {"kind": "liquidity", "z_window": 5}},
        "conditions": [{"name": "c", "front": "depth", "op": ">", "threshold": 0}],
    }
    with pytest.raises(ValidationError, match=r"fronts\.depth\.z_window"):
        rules_from_mapping(doc, origin="r.toml")
