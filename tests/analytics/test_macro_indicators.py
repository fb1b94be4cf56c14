"""Macro-liquidity indicators on the real shared FRED pulls, against hand-computed values.

Hand computations use the raw file values quoted in each test (FRED units: WALCL USD mn,
RRPONTSYD USD bn, M2SL USD bn, rates in %). Release times follow the published schedules:
H.4.1 Thursday 16:30 ET for the Wednesday level, RRP results 13:15 ET the same day, Treasury
yields the same evening, SOFR/EFFR the next business day, H.10 the Monday after, M2 about
four weeks after the month, CPI taken 20 days after the month.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from flowscope.analytics.macro import asof_panel, macro_indicators, release_times, stale_inputs
from flowscope.schemas.macro import macro_series
from flowscope.sources import read_file

RISKDIV = ("WALCL", "RRPONTSYD", "WRESBAL", "DGS10", "T10YIE", "NFCI", "CPIAUCSL")
CODEX = ("M2SL", "WM2NS", "DGS2", "DTWEXBGS")
POLICY = ("EFFR", "IORB", "SOFR")


@pytest.fixture(scope="module")
def obs(shared_data: Path) -> pd.DataFrame:
    parts = [
        read_file(shared_data / f"macro/fred_riskdivergence/{s}.csv", "rates").frame
        for s in RISKDIV
    ]
    parts += [
        read_file(shared_data / f"macro/fred_codex_macro_monitor/{s}.csv", "rates").frame
        for s in CODEX
    ]
    parts += [
        read_file(
            shared_data / f"fed_futures/fred_policy_rates_riskdivergence/{s}.csv", "rates"
        ).frame
        for s in POLICY
    ]
    out = pd.concat(parts, ignore_index=True)
    return out[out["date"] >= "2023-01-01"].reset_index(drop=True)


@pytest.fixture(scope="module")
def weekly(obs: pd.DataFrame) -> pd.DataFrame:
    return macro_indicators(obs, pd.date_range("2024-01-05", "2025-12-26", freq="W-FRI"))


def test_net_liquidity_reconciles_millions_and_billions(obs: pd.DataFrame) -> None:
    # WALCL 2025-06-04 = 6,672,885 (USD mn); RRPONTSYD 2025-06-06 = 149.284 (USD bn)
    days = pd.DatetimeIndex(["2025-06-04", "2025-06-05", "2025-06-06"])
    ind = macro_indicators(obs, days)
    # Wed 06-04: that Wednesday's level is not out until Thursday: WALCL 05-28 = 6,673,244;
    # RRP 06-04 = 168.882
    assert ind.loc["2025-06-04", "net_liquidity_usd"] == pytest.approx(6_673_244e6 - 168.882e9)
    # Thu 06-05: WALCL 06-04 (out 16:30 ET), RRP 06-05 = 152.727
    assert ind.loc["2025-06-05", "net_liquidity_usd"] == pytest.approx(6_672_885e6 - 152.727e9)
    assert ind.loc["2025-06-06", "net_liquidity_usd"] == pytest.approx(6_523_601_000_000.0)
    assert not ind["tga_held"].any()
    assert "Treasury General Account" in ind.attrs["warnings"][0]


def test_tga_is_subtracted_in_its_own_unit(obs: pd.DataFrame) -> None:
    # A WTREGEN row (USD bn) and a WDTGAL row (USD mn) of the same size give the same answer.
    day = pd.DatetimeIndex(["2025-06-06"])
    bn = pd.DataFrame(
        {"series": ["WTREGEN"], "date": [pd.Timestamp("2025-06-04")], "value": [400.0]}
    )
    mn = bn.assign(series="WDTGAL", value=400_000.0)
    with_bn = macro_indicators(pd.concat([obs, bn]), day)
    with_mn = macro_indicators(pd.concat([obs, mn]), day)
    expected = 6_672_885e6 - 400e9 - 149.284e9
    assert with_bn["net_liquidity_usd"].iloc[0] == pytest.approx(expected)
    assert with_mn["net_liquidity_usd"].iloc[0] == pytest.approx(expected)
    assert with_bn["tga_held"].iloc[0] and with_bn.attrs["warnings"] == []


def test_m2_growth_by_hand(obs: pd.DataFrame) -> None:
    # M2SL Oct 2025 22,298.0; Oct 2024 21,308.1; Jul 2025 22,028.7; Sep 2025 22,212.4;
    # Sep 2024 21,257.4. October is taken as public from 2025-11-28 (month end + 28 days).
    ind = macro_indicators(obs, pd.DatetimeIndex(["2025-11-27", "2025-11-28"]))
    assert ind.loc["2025-11-27", "m2_yoy_pct"] == pytest.approx(4.492553181480341)
    assert ind.loc["2025-11-28", "m2_yoy_pct"] == pytest.approx(4.645651184291433)
    assert ind.loc["2025-11-28", "m2_3m_ann_pct"] == pytest.approx(4.980387273448361)
    assert ind.loc["2025-11-28", "M2SL__date"] == pd.Timestamp("2025-10-01")


def test_slope_funding_dollar_and_real_rate_by_hand(weekly: pd.DataFrame) -> None:
    # DGS10 2025-06-06 4.51, DGS2 4.04 (out the same evening)
    assert weekly.loc["2025-06-06", "slope_10y_2y_pct"] == pytest.approx(0.47)
    # SOFR of 06-06 is out on Monday: SOFR 06-05 4.29 - IORB 4.40
    assert weekly.loc["2025-06-06", "funding_stress_bp"] == pytest.approx(-11.0)
    # H.10 out the Monday after: as of Fri 06-13 the newest is 06-06 (121.5217); 13 weeks
    # earlier (Fri 03-14) it was 03-07 (126.2243)
    assert weekly.loc["2025-06-13", "dollar_mom_13w_pct"] == pytest.approx(-3.7255900805154063)
    # EFFR 4.33 - CPI YoY: April 2025 (320.302 / 313.023) until May is out on 06-20
    assert weekly.loc["2025-06-13", "real_policy_rate_pct"] == pytest.approx(2.00461176974217)
    # then May (320.62 / 313.175)
    assert weekly.loc["2025-06-20", "real_policy_rate_pct"] == pytest.approx(1.9527348926319128)


def test_changes_are_taken_between_asof_values(weekly: pd.DataFrame) -> None:
    nl = weekly["net_liquidity_usd"]
    day = pd.Timestamp("2025-06-06")
    four = day - pd.Timedelta(weeks=4)
    assert weekly.loc[day, "net_liquidity_chg_4w_usd"] == pytest.approx(nl[day] - nl[four])


def test_release_times_follow_the_schedules() -> None:
    wed = pd.DatetimeIndex(["2026-08-19"])
    assert release_times(macro_series("WALCL"), wed)[0] == pd.Timestamp(
        "2026-08-20 20:30", tz="UTC"
    )
    assert release_times(macro_series("RRPONTSYD"), wed)[0] == pd.Timestamp(
        "2026-08-19 17:15", tz="UTC"
    )
    fri = pd.DatetimeIndex(["2026-08-21"])
    assert release_times(macro_series("SOFR"), fri)[0] == pd.Timestamp("2026-08-24 12:00", tz="UTC")
    assert release_times(macro_series("DTWEXBGS"), fri)[0] == pd.Timestamp(
        "2026-08-24 20:15", tz="UTC"
    )
    jan = pd.DatetimeIndex(["2026-01-01"])  # winter time: ET = UTC - 5
    assert release_times(macro_series("M2SL"), jan)[0] == pd.Timestamp("2026-02-28 18:00", tz="UTC")


def _unknowable(obs: pd.DataFrame, day: pd.Timestamp) -> pd.Series:
    """Observations not yet public at the end of ``day``, by the published schedules."""
    d, s = obs["date"], obs["series"]
    month_end = d + pd.offsets.MonthEnd(0)
    return (
        (s.isin(["WALCL", "WRESBAL"]) & (d >= day))  # Wednesday level out Thursday
        | (s.isin(["RRPONTSYD", "DGS2", "DGS10", "T10YIE", "IORB"]) & (d > day))
        | (s.isin(["SOFR", "EFFR"]) & (d >= day))  # next business day
        | ((s == "DTWEXBGS") & (d > day - pd.Timedelta(days=(day.day_of_week - 0) % 7 + 1)))
        | (s.isin(["M2SL", "WM2NS"]) & (month_end + pd.Timedelta(days=28) > day))
        | ((s == "CPIAUCSL") & (month_end + pd.Timedelta(days=20) > day))
        | ((s == "NFCI") & (d + pd.Timedelta(days=5) > day))
    )


@pytest.mark.parametrize("day", ["2024-03-13", "2025-06-04", "2025-06-06", "2025-11-27"])
def test_no_value_uses_an_observation_released_after_the_day(obs: pd.DataFrame, day: str) -> None:
    d = pd.Timestamp(day)
    grid = pd.date_range(d - pd.Timedelta(weeks=200), d, freq="7D")
    base = macro_indicators(obs, grid)
    late = _unknowable(obs, d)
    assert late.any()
    garbled = obs.assign(value=np.where(late, obs["value"] * 10.0, obs["value"]))
    again = macro_indicators(garbled, grid)
    cols = [c for c in base.columns if not c.endswith("__date")]
    pd.testing.assert_frame_equal(base.loc[[d], cols], again.loc[[d], cols])
    # and the check can fail: garbling the newest public WALCL changes the value
    known = (obs["series"] == "WALCL") & (obs["date"] == base.loc[d, "WALCL__date"])
    moved = macro_indicators(obs.assign(value=np.where(known, 1.0, obs["value"])), grid)
    assert moved.loc[d, "net_liquidity_usd"] != base.loc[d, "net_liquidity_usd"]


def test_panel_never_uses_a_future_date(obs: pd.DataFrame) -> None:
    days = pd.date_range("2024-01-01", "2025-12-31", freq="D")
    panel = asof_panel(obs, days)
    for col in [c for c in panel.columns if c.endswith("__date")]:
        used = pd.to_datetime(panel[col])
        assert (used.dropna() <= used.dropna().index).all(), col


def test_stale_inputs_are_named(obs: pd.DataFrame) -> None:
    # the codex pull of DGS2 ends 2025-12-30; a week of 2026 later the DGS10 side is fresh
    ind = macro_indicators(obs, pd.DatetimeIndex(["2026-03-20"]))
    notes = stale_inputs(ind.iloc[0], pd.Timestamp("2026-03-20"))
    assert any(n.startswith("DGS2 (2025-12-30") for n in notes)
    assert not any(n.startswith("DGS10") for n in notes)
    dropped = macro_indicators(obs, pd.DatetimeIndex(["2026-03-20"]), drop_stale=True)
    assert np.isnan(dropped["slope_10y_2y_pct"].iloc[0])
    assert np.isfinite(ind["slope_10y_2y_pct"].iloc[0])


def test_score_uses_trailing_windows_only(weekly: pd.DataFrame, obs: pd.DataFrame) -> None:
    cut = pd.Timestamp("2025-06-27")
    short = macro_indicators(obs, pd.date_range("2024-01-05", cut, freq="W-FRI"))
    assert short.loc[cut, "liquidity_score"] == pytest.approx(weekly.loc[cut, "liquidity_score"])
    assert weekly["liquidity_score"].loc["2025"].notna().all()
