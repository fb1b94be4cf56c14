"""Property tests of the FedWatch engine (hypothesis)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from flowscope.analytics.fedwatch import fedwatch_panel, meeting_summary

# the 2026-2027 FOMC schedule (regular meetings)
MEETINGS = [
    "2026-06-17", "2026-07-29", "2026-09-16", "2026-10-28", "2026-12-09",
    "2027-01-27", "2027-03-17", "2027-04-28", "2027-06-09", "2027-07-28",
]  # fmt: skip
MONTHS = pd.date_range("2026-06-01", "2027-08-01", freq="MS")

# curves within 3 percentage points: every implied move stays plausible (< 40 steps)
prices = st.lists(
    st.floats(min_value=95.0, max_value=98.0, allow_nan=False),
    min_size=len(MONTHS),
    max_size=len(MONTHS),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    settle=prices,
    watch_day=st.integers(min_value=1, max_value=30),
    floor=st.booleans(),
    convention=st.sampled_from(["day_after", "meeting_day"]),
)
def test_probabilities_in_unit_interval_and_sum_to_one(settle, watch_day, floor, convention):
    curve = pd.DataFrame({"contract_month": MONTHS, "settle": settle})
    watch = pd.Timestamp(2026, 6, watch_day)
    panel = fedwatch_panel(
        curve,
        MEETINGS,
        watch_dates=[watch],
        target_range=(3.5, 3.75),
        floor_at_zero=floor,
        new_rate_from=convention,
        min_probability=0.0,
    )
    assert panel["meeting_date"].nunique() >= 1
    assert ((panel["probability"] >= 0) & (panel["probability"] <= 1 + 1e-12)).all()
    sums = panel.groupby("meeting_date")["probability"].sum()
    np.testing.assert_allclose(sums.to_numpy(), 1.0, atol=1e-9)
    s = meeting_summary(panel)
    np.testing.assert_allclose((s.p_cut + s.p_hold + s.p_hike).to_numpy(), 1.0, atol=1e-9)


@settings(max_examples=40, deadline=None)
@given(
    level=st.floats(min_value=90.0, max_value=99.75, allow_nan=False),
    watch_day=st.integers(min_value=1, max_value=30),
    n=st.integers(min_value=1, max_value=9),
)
def test_flat_curve_gives_certain_hold(level, watch_day, n):
    curve = pd.DataFrame({"contract_month": MONTHS, "settle": level})
    rate = 100 - level
    panel = fedwatch_panel(
        curve,
        MEETINGS,
        watch_dates=[pd.Timestamp(2026, 6, watch_day)],
        target_range=(rate - 0.125, rate + 0.125),
        max_meetings=n,
    )
    s = meeting_summary(panel)
    assert len(s) == n
    np.testing.assert_allclose(s["p_hold"].to_numpy(), 1.0, atol=1e-9)
    assert panel["change_bp"].eq(0).all()


@pytest.mark.parametrize("step", [-2, -1, 1, 3])
def test_curve_stepping_by_whole_steps_after_each_meeting_is_certain(step):
    # rate moves by `step` x 25 bp the day after each meeting: every month average reflects it
    meet = pd.to_datetime(MEETINGS[1:4])
    days = pd.date_range("2026-07-01", "2026-12-31", freq="D")
    moves = np.array([(days > m).astype(int) for m in meet]).sum(axis=0)
    rate = 3.625 + step * 0.25 * moves
    avg = pd.Series(rate, index=days).groupby(days.to_period("M")).mean()
    curve = pd.DataFrame({"contract_month": avg.index.start_time, "settle": 100 - avg.to_numpy()})
    panel = fedwatch_panel(
        curve, MEETINGS, watch_dates=["2026-07-01"], target_range=(3.5, 3.75), max_meetings=3
    )
    s = meeting_summary(panel)
    np.testing.assert_allclose(
        s["expected_change_bp"], [25 * step * k for k in (1, 2, 3)], atol=1e-6
    )
    assert s["likely_probability"].min() == pytest.approx(1.0)
