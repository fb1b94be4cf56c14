"""The macro front: point in time on the real FRED files of the bundled store."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pandas.testing as pdt
import pytest

from flowscope.analytics.macro import release_times
from flowscope.errors import ValidationError
from flowscope.schemas.macro import macro_series
from flowscope.signals.fronts import MacroParams, RegimeInputs, compute_front, macro_front
from flowscope.signals.pit import decision_times
from flowscope.signals.regime import preset_rules, rules_from_toml, run_regime

D = pd.Timestamp("2025-10-15")
DAYS = pd.date_range("2025-08-01", "2025-12-31", name="date")


def _released_after(obs: pd.DataFrame, instant: pd.Timestamp) -> pd.Series:
    rel = pd.Series(pd.NaT, index=obs.index, dtype="datetime64[ns, UTC]")
    for sid, one in obs.groupby("series"):
        rel[one.index] = release_times(macro_series(str(sid)), one["date"]).as_unit("ns")
    return rel > instant


def _perturb_macro(inputs: RegimeInputs, day: pd.Timestamp) -> RegimeInputs:
    obs = inputs.macro.copy()
    late = _released_after(obs, decision_times([day]).iloc[0])
    rng = np.random.default_rng(11)
    obs.loc[late, "value"] = obs.loc[late, "value"].to_numpy() * rng.uniform(0.3, 3.0, late.sum())
    return replace(inputs, macro=obs)


def test_macro_front_up_to_d_is_unchanged_by_fred_values_released_after_d(inputs):
    moved = _perturb_macro(inputs, D)
    base = compute_front(inputs, MacroParams(), days=DAYS)
    other = compute_front(moved, MacroParams(), days=DAYS)
    pdt.assert_frame_equal(base.loc[:D], other.loc[:D])
    # the perturbation is real: later decisions change
    later = D + pd.Timedelta(days=10)
    assert not np.allclose(base.loc[later:, "value"], other.loc[later:, "value"])


def test_siege_macro_up_to_d_is_unchanged_by_fred_values_released_after_d(inputs):
    moved = _perturb_macro(inputs, D)
    rules = preset_rules("siege-macro")
    base = run_regime(inputs, rules, days=DAYS)
    other = run_regime(moved, rules, days=DAYS)
    pdt.assert_frame_equal(base.daily.loc[:D], other.daily.loc[:D])


def test_walcl_of_a_wednesday_reaches_decisions_only_after_friday(inputs):
    # H.4.1: the Wednesday 2025-10-08 level is published Thursday 16:30 New York; the
    # weekly row of Friday 2025-10-10 (usable from Saturday 00:00 UTC) is the first to use it.
    obs = inputs.macro
    walcl = obs[(obs["series"] == "WALCL") & (obs["date"] == pd.Timestamp("2025-10-08"))]
    assert len(walcl) == 1
    bumped = obs.copy()
    bumped.loc[walcl.index, "value"] = walcl["value"].to_numpy() * 1.5
    days = pd.date_range("2025-10-08", "2025-10-12", name="date")
    a = macro_front(inputs, days=days)
    b = macro_front(replace(inputs, macro=bumped), days=days)
    same = a["value"].to_numpy() == b["value"].to_numpy()
    assert list(same) == [True, True, True, False, False]  # Wed, Thu, Fri same; Sat, Sun differ
    assert a.loc["2025-10-11", "data_date"] == pd.Timestamp("2025-10-10")  # newest input: RRP


def test_macro_front_states_follow_the_threshold(inputs):
    out = macro_front(inputs, MacroParams(threshold=0.1), days=DAYS)
    v, s = out["value"], out["state"]
    assert v.notna().all()
    assert (s[v > 0.1] == "easing").all()
    assert (s[v < -0.1] == "tightening").all()
    assert (s[v.abs() <= 0.1] == "neutral").all()
    assert set(s) == {"easing", "neutral", "tightening"}
    assert (out["unit"] == "z").all()


def test_macro_front_without_fred_series_is_neutral_with_a_reason():
    out = macro_front(RegimeInputs(), days=DAYS)
    assert (out["state"] == "neutral").all()
    assert out["value"].isna().all()
    assert (out["reason"] == "no macro series held").all()


def test_macro_front_is_flagged_stale_after_the_fred_files_end(inputs):
    days = pd.date_range("2026-08-20", "2026-09-30", name="date")
    out = macro_front(inputs, days=days)
    # newest inputs are of 2026-08-21 (RRP) at the latest: 14 days later the front is stale
    assert not out.loc["2026-08-25", "stale"]
    assert out.loc["2026-09-30", "stale"]


@pytest.mark.parametrize(
    ("body", "key"),
    [
        ("threshold = -1", "fronts.liq.threshold"),
        ("z_window = 2", "fronts.liq.z_window"),
        ("window = 5", "fronts.liq.window"),
    ],
)
def test_bad_macro_parameters_name_the_key(body, key):
    text = f"""
name = "x"
[regime]
risk_on = 1
risk_off = -1
[fronts.liq]
kind = "macro"
{body}
[[conditions]]
name = "c"
front = "liq"
op = ">"
threshold = 0
"""
    with pytest.raises(ValidationError) as exc:
        rules_from_toml(text, origin="r.toml")
    assert key in str(exc.value)


def test_macro_condition_on_an_unknown_field_is_refused():
    text = """
name = "x"
[regime]
risk_on = 1
risk_off = -1
[fronts.liq]
kind = "macro"
[[conditions]]
name = "c"
front = "liq"
field = "zscore"
op = ">"
threshold = 0
"""
    with pytest.raises(ValidationError, match=r"conditions\[0\]\.field"):
        rules_from_toml(text, origin="r.toml")
