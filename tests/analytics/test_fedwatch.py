"""FedWatch engine: CME's worked example, the 2026-07-14 CME curve, edge cases, as-of panel."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from flowscope.analytics.fedwatch import (
    fedwatch_panel,
    implied_probabilities,
    meeting_rates,
    meeting_summary,
)
from flowscope.errors import InsufficientDataError, ValidationError

MGUTEN = "fed_futures/cme_fedwatch_validation_Mguten"


@pytest.fixture(scope="module")
def mguten(shared_data):
    curve = pd.read_csv(shared_data / MGUTEN / "cme_validation_zq_curve.csv")
    curve["contract_month"] = pd.to_datetime(
        {"year": curve.contract_year, "month": curve.contract_month, "day": 1}
    )
    curve["settle"] = curve["close_price"]
    curve["date"] = pd.to_datetime(curve["as_of_date"])
    dates = pd.read_csv(shared_data / MGUTEN / "fomc_dates.csv")
    meetings = dates.loc[dates.meeting_type == "regular", "end_date"]
    cme = pd.read_csv(shared_data / MGUTEN / "cme_validation_probabilities.csv")
    cme["probability_pct"] = cme["probability_pct"].fillna(0.0)  # the one empty cell
    cme["meeting_date"] = pd.to_datetime(cme["meeting_date"])
    cme["target_lower"] = cme["rate_low"] / 100.0
    return curve, meetings, cme


def _gaps(panel: pd.DataFrame, cme: pd.DataFrame) -> pd.DataFrame:
    priced = panel["meeting_date"].unique()
    ref = cme[cme.meeting_date.isin(priced)]
    both = ref.merge(panel, on=["meeting_date", "target_lower"], how="outer")
    both["ours_pct"] = both["probability"].fillna(0.0) * 100
    both["gap_pp"] = both["ours_pct"] - both["probability_pct"].fillna(0.0)
    return both


# -- CME's worked example (Lao & Mirza, meeting of 2015-09-17) ----------------------------


def test_worked_example_sept_2015_gives_53_6_percent_hike():
    curve = pd.DataFrame(
        {"contract_month": ["2015-08-01", "2015-09-01"], "settle": [99.8675, 99.805]}
    )
    meetings = ["2015-07-29", "2015-09-17", "2015-10-28"]
    out = implied_probabilities(
        curve,
        meetings,
        watch_date="2015-08-14",
        target_range=(0.0, 0.25),
        new_rate_from="meeting_day",
    )
    summary = meeting_summary(out)
    assert out["meeting_date"].unique().tolist() == [pd.Timestamp("2015-09-17")]
    assert summary["p_hike"].iloc[0] == pytest.approx(0.5357, abs=5e-4)  # 53.6 %
    assert summary["p_hold"].iloc[0] == pytest.approx(0.4643, abs=5e-4)
    rates = meeting_rates(curve, meetings, watch_dates=["2015-08-14"], new_rate_from="meeting_day")
    assert rates["rate_start"].iloc[0] == pytest.approx(0.1325)
    assert rates["rate_end"].iloc[0] == pytest.approx(0.26643, abs=1e-5)
    assert rates["end_from"].iloc[0] == "own_month"  # no October/November contract given


def test_worked_example_with_day_after_convention_counts_meeting_day_as_old_rate():
    curve = pd.DataFrame(
        {"contract_month": ["2015-08-01", "2015-09-01"], "settle": [99.8675, 99.805]}
    )
    out = implied_probabilities(
        curve, ["2015-09-17", "2015-10-28"], watch_date="2015-08-14", target_range=(0, 0.25)
    )
    # M = 17 days at the old rate: end = (30*0.195 - 17*0.1325)/13 = 0.27673
    assert meeting_summary(out)["p_hike"].iloc[0] == pytest.approx(
        (0.27673 - 0.1325) / 0.25, abs=1e-4
    )


# -- CME FedWatch on 2026-07-14 ------------------------------------------------------------


def test_cme_curve_2026_07_14_first_seven_meetings_within_0_1_pp(mguten):
    curve, meetings, cme = mguten
    panel = fedwatch_panel(curve, meetings, target_range=(3.5, 3.75), max_meetings=7)
    assert panel["meeting_date"].nunique() == 7
    gaps = _gaps(panel, cme)
    # CME's figures were read off a screenshot at 0.1 pp resolution
    assert gaps["gap_pp"].abs().max() < 0.1
    july = gaps[(gaps.meeting_date == "2026-07-29") & (gaps.target_lower == 3.75)]
    assert july["ours_pct"].iloc[0] == pytest.approx(36.9, abs=0.05)


def test_cme_curve_2026_07_14_meeting_day_convention_is_what_moves_july_by_1_3_pp(mguten):
    curve, meetings, cme = mguten
    panel = fedwatch_panel(
        curve, meetings, target_range=(3.5, 3.75), max_meetings=7, new_rate_from="meeting_day"
    )
    gaps = _gaps(panel, cme)
    july = gaps[(gaps.meeting_date == "2026-07-29") & (gaps.target_lower == 3.75)]
    assert july["ours_pct"].iloc[0] == pytest.approx(38.2, abs=0.05)  # pyfedwatch's figure
    assert july["gap_pp"].iloc[0] == pytest.approx(1.32, abs=0.02)


def test_cme_curve_2026_07_14_forward_fallback_beyond_the_curve(mguten):
    curve, meetings, cme = mguten
    panel = fedwatch_panel(curve, meetings, target_range=(3.5, 3.75), max_meetings=12)
    rates = meeting_rates(curve, meetings, max_meetings=12)
    # ZQN27 is the last contract: June and July 2027 are chained forwards (no ZQQ27)
    assert rates["end_from"].tolist() == ["next_month"] * 7 + ["own_month"] * 2
    assert panel["meeting_date"].max() == pd.Timestamp("2027-07-28")
    gaps = _gaps(panel, cme)
    june = gaps[gaps.meeting_date == "2027-06-09"]
    assert june["gap_pp"].abs().max() < 0.5
    july27 = gaps[gaps.meeting_date == "2027-07-28"]
    # meeting on day 28 of 31: the forward chain divides by 3 post-meeting days
    assert 1.0 < july27["gap_pp"].abs().max() < 3.0


def test_summary_on_cme_curve_gives_hike_cut_hold_and_expected_rate(mguten):
    curve, meetings, _ = mguten
    s = meeting_summary(fedwatch_panel(curve, meetings, target_range=(3.5, 3.75), max_meetings=2))
    sep = s[s.meeting_date == "2026-09-16"].iloc[0]
    assert sep["p_hold"] == pytest.approx(0.2686, abs=1e-3)
    assert sep["p_hike"] == pytest.approx(1 - 0.2686, abs=1e-3)
    assert sep["p_cut"] == 0.0
    assert sep["likely_lower"] == 3.75
    expected = 3.625 + sep["expected_change_bp"] / 100
    assert sep["expected_rate"] == pytest.approx(expected)


# -- edge cases ---------------------------------------------------------------------------


def test_missing_contract_raises_with_the_meeting_named():
    curve = pd.DataFrame({"contract_month": ["2015-09-01"], "settle": [99.805]})
    with pytest.raises(InsufficientDataError, match=r"2015-09-17.*2015-09"):
        implied_probabilities(curve, ["2015-09-17"], watch_date="2015-08-14")


def test_num_meetings_more_than_the_curve_prices_raises(mguten):
    curve, meetings, _ = mguten
    with pytest.raises(InsufficientDataError, match="only 9 of 12"):
        implied_probabilities(curve, meetings, watch_date="2026-07-14", num_meetings=12)


def test_meeting_on_watch_date_is_already_decided(mguten):
    curve, meetings, _ = mguten
    out = fedwatch_panel(
        curve.assign(date=pd.Timestamp("2026-07-29")), meetings, target_range=(3.5, 3.75)
    )
    assert out["meeting_date"].min() == pd.Timestamp("2026-09-16")


def test_unscheduled_meeting_only_counts_from_its_date():
    # flat curve at 1.5 %: an unscheduled meeting in August blocks August as an anchor
    months = pd.date_range("2019-06-01", "2019-12-01", freq="MS")
    curve = pd.DataFrame({"contract_month": months, "settle": 98.5})
    meetings = ["2019-07-31", "2019-09-18", "2019-10-30", "2019-12-11"]
    before = meeting_rates(curve, meetings, watch_dates=["2019-08-01"], unscheduled=["2019-08-20"])
    after = meeting_rates(curve, meetings, watch_dates=["2019-08-21"], unscheduled=["2019-08-20"])
    assert before["meeting_date"].iloc[0] == pd.Timestamp("2019-09-18")
    assert after["meeting_date"].iloc[0] == pd.Timestamp("2019-09-18")
    assert before["end_from"].iloc[0] == after["end_from"].iloc[0] == "next_month"
    np.testing.assert_allclose(after["move_steps"], 0.0, atol=1e-12)


def test_zero_lower_bound_folds_mass_into_lowest_range():
    # a curve implying a cut from 0-0.25 %: CME floors at zero, the raw tree does not
    curve = pd.DataFrame(
        {
            "contract_month": ["2020-05-01", "2020-06-01", "2020-07-01"],
            "settle": [99.9, 99.98, 99.99],
        }
    )
    meetings = ["2020-04-29", "2020-06-10"]
    floored = implied_probabilities(
        curve, meetings, watch_date="2020-05-15", target_range=(0.0, 0.25)
    )
    raw = implied_probabilities(
        curve, meetings, watch_date="2020-05-15", target_range=(0.0, 0.25), floor_at_zero=False
    )
    assert raw["change_bp"].min() < 0
    assert floored["change_bp"].min() == 0
    assert floored["probability"].sum() == pytest.approx(1.0)
    assert (floored["target_lower"] >= 0).all()


def test_bad_inputs_raise_validation_errors():
    curve = pd.DataFrame({"contract_month": ["2015-09-01"], "price": [99.805]})
    with pytest.raises(ValidationError, match="settle"):
        fedwatch_panel(curve, ["2015-09-17"], watch_dates=["2015-08-14"])
    ok = curve.rename(columns={"price": "settle"})
    with pytest.raises(ValidationError, match="new_rate_from"):
        fedwatch_panel(ok, ["2015-09-17"], watch_dates=["2015-08-14"], new_rate_from="x")
    with pytest.raises(ValidationError, match="max_meetings"):
        fedwatch_panel(ok, ["2015-09-17"], watch_dates=["2015-08-14"], max_meetings=0)
    with pytest.raises(ValidationError, match="meetings"):
        fedwatch_panel(ok, ["not a date"], watch_dates=["2015-08-14"])


# -- the as-of panel on real ZQ settlements ------------------------------------------------


@pytest.fixture(scope="module")
def zq(shared_data):
    from flowscope.sources import read_file

    frame = read_file(shared_data / "fed_futures" / "pyfedwatch_zq_daily_long.csv.gz").frame
    return frame[frame.date >= "2021-06-01"]


@pytest.fixture(scope="module")
def pyfedwatch_meetings(shared_data):
    return pd.read_csv(shared_data / "fed_futures" / "pyfedwatch_fomc_data.csv")["FOMCDate"]


def test_panel_uses_only_data_known_on_each_watch_date(zq, pyfedwatch_meetings):
    cut = pd.Timestamp("2022-06-30")
    full = fedwatch_panel(zq, pyfedwatch_meetings, target_range=(1.5, 1.75))
    past = fedwatch_panel(zq[zq.date <= cut], pyfedwatch_meetings, target_range=(1.5, 1.75))
    a = full[full.watch_date <= cut].reset_index(drop=True)
    pd.testing.assert_frame_equal(a, past.reset_index(drop=True))


def test_panel_row_equals_single_date_call(zq, pyfedwatch_meetings):
    panel = fedwatch_panel(zq, pyfedwatch_meetings, target_range=(0.0, 0.25))
    one = implied_probabilities(
        zq, pyfedwatch_meetings, watch_date="2022-03-01", target_range=(0.0, 0.25), num_meetings=8
    )
    row = panel[panel.watch_date == "2022-03-01"].drop(columns="watch_date")
    pd.testing.assert_frame_equal(row.reset_index(drop=True), one.reset_index(drop=True))
    # March 2022: the market priced the first hike of the cycle almost surely
    s = meeting_summary(one)
    assert s.loc[s.meeting_date == "2022-03-16", "p_hike"].iloc[0] > 0.9


def test_panel_with_target_range_frame_tracks_the_range(zq, pyfedwatch_meetings):
    tr = pd.DataFrame(
        {"date": ["2021-01-01", "2022-03-17"], "lower": [0.0, 0.25], "upper": [0.25, 0.5]}
    )
    panel = fedwatch_panel(zq, pyfedwatch_meetings, target_range=tr, max_meetings=1)
    before = panel[panel.watch_date == "2022-03-15"]
    after = panel[panel.watch_date == "2022-03-17"]
    assert (before["target_lower"] - before["change_bp"] / 100).eq(0.0).all()
    assert (after["target_lower"] - after["change_bp"] / 100).eq(0.25).all()


def test_meeting_on_last_day_of_month_is_priced_by_the_next_month(zq_2019):
    # 2019-07-31 (a cut): with the new rate from the day after, July is all pre-meeting,
    # so start = July average and end = August average (August has no meeting)
    rates = meeting_rates(zq_2019, ["2019-06-19", "2019-07-31", "2019-09-18"],
                          watch_dates=["2019-07-15"], max_meetings=1)  # fmt: skip
    on = zq_2019[zq_2019.date == "2019-07-15"].set_index("contract")["settle"]
    row = rates.iloc[0]
    assert row["rate_start"] == pytest.approx(100 - on["ZQN19"])
    assert row["rate_end"] == pytest.approx(100 - on["ZQQ19"])
    assert row["move_steps"] < -1  # the market priced a 25 bp cut and some chance of 50 bp


@pytest.fixture(scope="module")
def zq_2019(shared_data):
    from flowscope.sources import read_file

    frame = read_file(shared_data / "fed_futures" / "pyfedwatch_zq_daily_long.csv.gz").frame
    return frame[(frame.date >= "2019-06-01") & (frame.date <= "2019-08-31")]


def test_implausible_implied_move_leaves_the_meeting_unpriced():
    # a stale 50.0 settlement for August would imply a +46 pp move at the July meeting
    months = pd.date_range("2026-06-01", "2026-09-01", freq="MS")
    curve = pd.DataFrame({"contract_month": months, "settle": [96.37, 96.37, 50.0, 96.2]})
    meetings = ["2026-06-17", "2026-07-29", "2026-09-16"]
    with pytest.raises(InsufficientDataError, match="only 0 of 1"):
        implied_probabilities(curve, meetings, watch_date="2026-07-14", num_meetings=1)


@pytest.fixture(scope="module")
def fred_range(shared_data):
    d = shared_data / "fed_futures" / "fred_policy_rates_riskdivergence"
    lo = pd.read_csv(d / "DFEDTARL.csv", parse_dates=["Date"]).set_index("Date")["Value"]
    hi = pd.read_csv(d / "DFEDTARU.csv", parse_dates=["Date"]).set_index("Date")["Value"]
    return pd.DataFrame({"date": lo.index, "lower": lo.to_numpy(), "upper": hi.to_numpy()})


def test_event_moves_do_not_count_a_priced_decision_as_a_move(zq, pyfedwatch_meetings, fred_range):
    from flowscope.analytics.fedwatch import event_moves

    panel = fedwatch_panel(zq, pyfedwatch_meetings, target_range=fred_range, max_meetings=2)
    events = pd.DataFrame(
        {
            "date": ["2022-03-16", "2022-06-15", "2022-07-06"],
            "kind": ["statement"] * 2 + ["minutes"],
        }
    )
    moves = event_moves(panel, events).set_index("date")
    # 2022-03-16 hiked 25 bp, fully priced: the expected rate after May barely moves
    march = moves.loc["2022-03-16"]
    assert march["meeting_date"] == pd.Timestamp("2022-05-04")
    assert march["reference_lower"] == 0.25
    assert abs(march["d_expected_bp"]) < 5
    assert march["before_date"] == pd.Timestamp("2022-03-15")
    assert march["on_date"] == pd.Timestamp("2022-03-16")
    # 2022-06-15 hiked 75 bp to 1.50-1.75, priced by then; a July hike stayed certain and
    # the expected rate after July eased by about 7 bp on the day
    june = moves.loc["2022-06-15"]
    assert june["reference_lower"] == 1.5
    assert june["meeting_date"] == pd.Timestamp("2022-07-27")
    assert june["p_hike_before"] == june["p_hike_on"] == pytest.approx(1.0)
    assert june["d_expected_bp"] == pytest.approx(-6.8, abs=0.1)
    assert june["after_date"] == pd.Timestamp("2022-06-17")
    assert moves.loc["2022-07-06", "kind"] == "minutes"
