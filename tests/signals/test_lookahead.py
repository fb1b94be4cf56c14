"""No look-ahead: perturbing every input after a date D changes no decision up to D."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pandas.testing as pdt
import pytest

from flowscope.signals.fronts import (
    FlowsParams,
    RotationParams,
    ToneParams,
    TrendParams,
    compute_front,
)
from flowscope.signals.regime import preset_rules, run_regime

D = pd.Timestamp("2025-10-15")
DAYS = pd.date_range("2025-08-01", "2025-12-31", name="date")
FRONTS = [
    FlowsParams(fund="IBIT"),
    FlowsParams(fund="Total", window=5),
    TrendParams(),
    RotationParams(),
    ToneParams(),
]


def _perturb(inputs, day):
    rng = np.random.default_rng(7)
    f = inputs.flows.copy()
    after = pd.to_datetime(f["date"]) > day
    f.loc[after, "flow_usd"] = rng.permutation(f.loc[after, "flow_usd"].to_numpy()) * -3.0
    p = inputs.prices.copy()
    late = pd.to_datetime(p["ts"], utc=True).dt.tz_localize(None) > day
    p.loc[late, "close"] = rng.permutation(p.loc[late, "close"].to_numpy()) * 0.5
    docs = inputs.fomc_docs.copy()
    new = pd.to_datetime(docs["meeting_date"]) > day
    docs.loc[new, "text"] = "Inflation is too high and the Committee will raise rates further."
    return replace(inputs, flows=f, prices=p, fomc_docs=docs)


@pytest.fixture(scope="module")
def perturbed(inputs):
    return _perturb(inputs, D)


@pytest.mark.parametrize("params", FRONTS, ids=lambda p: f"{p.kind}")
def test_front_up_to_d_is_unchanged_by_data_after_d(inputs, perturbed, params):
    base = compute_front(inputs, params, days=DAYS)
    moved = compute_front(perturbed, params, days=DAYS)
    pdt.assert_frame_equal(base.loc[:D], moved.loc[:D])
    # the perturbation is real: later decisions do change
    assert not base.loc[D + pd.Timedelta(days=3) :, "value"].equals(
        moved.loc[D + pd.Timedelta(days=3) :, "value"]
    )


@pytest.mark.parametrize("preset", ["siege", "trend", "flows"])
def test_composite_up_to_d_is_unchanged_by_data_after_d(inputs, perturbed, preset):
    rules = preset_rules(preset)
    base = run_regime(inputs, rules, days=DAYS)
    moved = run_regime(perturbed, rules, days=DAYS)
    pdt.assert_frame_equal(base.daily.loc[:D], moved.daily.loc[:D])
    e0, e1 = base.explanation, moved.explanation
    pdt.assert_frame_equal(
        e0[e0["date"] <= D].reset_index(drop=True), e1[e1["date"] <= D].reset_index(drop=True)
    )


def test_flow_of_day_d_is_not_used_on_day_d(inputs):
    # the session's own flow is published after that day's 09:30 New York decision
    moved = _perturb(inputs, D - pd.Timedelta(days=1))  # changes D's flow and later
    p = FlowsParams(fund="IBIT", window=1)
    base = compute_front(inputs, p, days=DAYS)
    other = compute_front(moved, p, days=DAYS)
    assert base.loc[D, "data_date"] == D - pd.Timedelta(days=1)
    pdt.assert_series_equal(base.loc[:D, "value"], other.loc[:D, "value"])
    assert (
        base.loc[D + pd.Timedelta(days=1), "value"] != other.loc[D + pd.Timedelta(days=1), "value"]
    )
