"""Tone calibration statistics against hand-computed and published values."""

from __future__ import annotations

import pandas as pd
import pytest

from flowscope.analytics.text.calibrate import (
    POOLED,
    calibrate_tone,
    release_watch_dates,
    spearman,
    wilson_interval,
)
from flowscope.errors import ValidationError


def test_wilson_interval_matches_the_published_value():
    # Wilson score interval for 7 successes in 10 at 95 % (Newcombe 1998, table I): 0.3968-0.8922
    lo, hi = wilson_interval(7, 10)
    assert lo == pytest.approx(0.3968, abs=1e-4)
    assert hi == pytest.approx(0.8922, abs=1e-4)


def test_spearman_with_ties_matches_hand_computation():
    # x ranks 1..5, y ranks 1, 2, 3.5, 5, 3.5: sum of centred products 8, sums of squares 10, 9.5
    assert spearman([1, 2, 3, 4, 5], [5, 6, 7, 8, 7]) == pytest.approx(8 / (10 * 9.5) ** 0.5)


def _pairs(tone, cut, kind="minutes"):
    return pd.DataFrame(
        {
            "kind": kind,
            "release_date": pd.date_range("2019-01-01", periods=len(tone), freq="MS"),
            "tone_change": tone,
            "d_cut_pp": cut,
        }
    )


def test_flat_moves_and_zero_tone_changes_are_not_signed():
    res = calibrate_tone(_pairs([0.1, -0.2, 0.0, 0.05], [-3.0, 5.0, 4.0, 0.01]), n_boot=200)
    row = res.iloc[0]
    assert (row["n_releases"], row["n_signed"], row["n_agree"]) == (4, 2, 2)


def test_clear_inverse_relation_is_evidence_and_noise_is_not():
    tone = [i / 10 for i in range(-15, 15)]
    strong = calibrate_tone(_pairs(tone, [-3 * t for t in tone]), n_boot=500)
    assert strong.loc[0, "spearman"] == pytest.approx(-1.0)
    assert strong.loc[0, "spearman_verdict"] == "agrees"
    assert strong.loc[0, "agree_verdict"] == "agrees"
    few = calibrate_tone(_pairs([0.1, -0.1, 0.2, -0.2], [1.0, -1.0, -2.0, 2.0]), n_boot=500)
    assert few.loc[0, "agree_verdict"] == "no evidence"
    assert few.loc[0, "spearman_verdict"] == "no evidence"


def test_pooled_row_and_seeded_bootstrap_is_reproducible():
    p = pd.concat(
        [
            _pairs([0.1, -0.2, 0.3, -0.1], [-1.0, 2.0, -4.0, 3.0]),
            _pairs([0.2, 0.1, -0.3], [1, 2, -1], "statement"),
        ]
    )
    a = calibrate_tone(p, n_boot=300, seed=7)
    b = calibrate_tone(p, n_boot=300, seed=7)
    assert list(a["kind"]) == ["minutes", "statement", POOLED]
    assert a.loc[2, "n_releases"] == 7
    pd.testing.assert_frame_equal(a, b)


def test_watch_dates_are_the_release_day_and_the_trade_date_before():
    trade = pd.Series(pd.to_datetime(["2019-10-04", "2019-10-07", "2019-10-08", "2019-10-09"]))
    dates, frame = release_watch_dates(
        pd.Series(pd.to_datetime(["2019-10-09", "2019-10-05"])), trade
    )
    assert list(frame["before_date"].dt.strftime("%m-%d")) == ["10-08", "10-04"]
    assert list(frame["on_date"].dt.strftime("%m-%d")) == ["10-09", "10-07"]
    assert len(dates) == 4


def test_missing_columns_name_the_frame():
    with pytest.raises(ValidationError, match="pairs needs columns"):
        calibrate_tone(pd.DataFrame({"kind": ["minutes"]}))
