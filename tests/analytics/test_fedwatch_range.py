"""Starting target range of a watch date: the newest of FRED and the FOMC calendar.

Oracles: the real FRED DFEDTARL/DFEDTARU files (public domain), the FOMC decisions
transcribed from drecompounds/fomc-diff, and pyfedwatch's probabilities (golden file).
"""

from __future__ import annotations

import pandas as pd
import pytest

from flowscope.analytics.fedwatch import fedwatch_panel, target_range_asof
from flowscope.errors import ValidationError

FF = "fed_futures"
GOLDEN = "rates/pyfedwatch_golden.csv"


@pytest.fixture(scope="module")
def fred(shared_data):
    """DFEDTARL/DFEDTARU 2008-12-16 .. 2026-08-21 (riskdivergence, extended by riskmodel)."""
    old = shared_data / FF / "fred_policy_rates_riskdivergence"
    parts = {
        k: pd.read_csv(old / f"{s}.csv", parse_dates=["Date"]).set_index("Date")["Value"]
        for k, s in (("lower", "DFEDTARL"), ("upper", "DFEDTARU"))
    }
    wide = pd.DataFrame(parts)
    long = pd.read_csv(
        shared_data / FF / "fred_policy_rates_riskmodel_2021-05_2026-08_long.csv",
        parse_dates=["date"],
    )
    new = long[long.series_id.isin(["DFEDTARL", "DFEDTARU"])].pivot(
        index="date", columns="series_id", values="value"
    )
    new = new.rename(columns={"DFEDTARL": "lower", "DFEDTARU": "upper"})
    wide = pd.concat([wide, new[new.index > wide.index.max()]])
    return wide.rename_axis("date").reset_index()


@pytest.fixture(scope="module")
def calendar(shared_data):
    return pd.read_csv(
        shared_data / FF / "transcribed" / "fomc_meetings_2016_2026_drecompounds.csv",
        parse_dates=["meeting_date"],
    )


def _fred_on(fred: pd.DataFrame, days: pd.Series) -> pd.DataFrame:
    return fred.set_index("date").reindex(pd.DatetimeIndex(days))


def test_calendar_alone_gives_fred_range_of_the_next_day_2016_to_2026(fred, calendar):
    days = pd.date_range("2016-01-28", "2026-08-20")
    got = target_range_asof(days, calendar=calendar)
    want = _fred_on(fred, got["watch_date"] + pd.Timedelta(days=1))
    differ = (got["lower"].to_numpy() != want["lower"].to_numpy()) | (
        got["upper"].to_numpy() != want["upper"].to_numpy()
    )
    # FRED dates the hike of 2016-12-14 on the meeting day itself: the only other day
    assert got.loc[differ, "watch_date"].tolist() == [pd.Timestamp("2016-12-13")]
    assert (got["source"] == "fomc_calendar").all()


def test_full_fred_and_calendar_agree_every_day_with_no_flag(fred, calendar):
    days = pd.date_range("2008-12-16", "2026-08-21")
    got = target_range_asof(days, fred=fred, calendar=calendar)
    assert not got["ranges_disagree"].any()
    assert not got["older_than_last_meeting"].any()
    # FRED shows a decision from the next day: only on meeting days is the calendar newer
    decided = calendar.loc[calendar.target_lower.notna(), "meeting_date"]
    used_cal = got.loc[got["source"] == "fomc_calendar", "watch_date"]
    assert set(used_cal) == set(decided[decided <= "2026-08-21"])
    # the range used is the one FRED shows from the next day, except where FRED dated a hike
    # on its meeting day (2015-12-16, 2016-12-14): the day before, the hike was not known
    nxt = _fred_on(fred, got["watch_date"] + pd.Timedelta(days=1))
    differ = got["lower"].to_numpy() != nxt["lower"].to_numpy()
    differ &= nxt["lower"].notna().to_numpy()
    assert got.loc[differ, "watch_date"].dt.strftime("%Y-%m-%d").tolist() == [
        "2015-12-15",
        "2016-12-13",
    ]


@pytest.mark.parametrize(
    ("watch", "cut", "hike", "range_after"),
    [
        ("2022-06-28", "2022-05-18", "2022-06-15", (1.50, 1.75)),
        ("2022-09-22", "2022-08-24", "2022-09-21", (3.00, 3.25)),
        ("2022-12-16", "2022-11-16", "2022-12-14", (4.25, 4.50)),
    ],
)
def test_fred_cut_four_weeks_before_a_hike_gives_the_same_odds_as_full_fred(
    shared_data, fred, calendar, watch, cut, hike, range_after
):
    from tests.conftest import FIXTURES

    from flowscope.sources import read_file

    stale = fred[fred.date <= cut]
    got = target_range_asof([watch], fred=stale, calendar=calendar).iloc[0]
    full = target_range_asof([watch], fred=fred, calendar=calendar).iloc[0]
    assert (got["lower"], got["upper"]) == range_after == (full["lower"], full["upper"])
    assert got["source"] == "fomc_calendar"
    assert got["range_date"] == pd.Timestamp(hike)
    assert got["fred_date"] == pd.Timestamp(cut)
    assert bool(got["ranges_disagree"]) is True
    assert full["source"] == "fred"
    assert not full["ranges_disagree"] and not full["older_than_last_meeting"]

    # pyfedwatch's probabilities (cumulative bp moves) placed on the published range
    golden = pd.read_csv(FIXTURES / GOLDEN, parse_dates=["watch_date", "meeting_date"])
    golden = golden[golden.watch_date == watch]
    assert not golden.empty
    golden = golden.assign(target_lower=range_after[0] + golden["change_bp"] / 100)
    fomc = pd.read_csv(shared_data / FF / "pyfedwatch_fomc_data.csv")["FOMCDate"]
    zq = read_file(shared_data / FF / "pyfedwatch_zq_daily_long.csv.gz").frame
    zq = zq[(zq.date >= "2021-06-01") & (zq.date <= watch)]
    ranges = target_range_asof([watch], fred=stale, calendar=calendar)
    ours = fedwatch_panel(
        zq,
        fomc,
        target_range=ranges,
        watch_dates=[watch],
        max_meetings=6,
        floor_at_zero=False,
        new_rate_from="meeting_day",
    )
    both = golden.merge(ours, on=["meeting_date", "target_lower"], how="left")
    gap_pp = (both["probability_y"].fillna(0) - both["probability_x"]).abs() * 100
    assert gap_pp.max() < 0.1
    assert ours["probability"].sum() == pytest.approx(golden["probability"].sum(), abs=1e-6)


def test_statement_after_the_settlement_counts_from_the_next_watch_date(fred, calendar):
    release = pd.Series(pd.NaT, index=calendar.index, dtype="datetime64[ns, UTC]")
    # 2020-03-03: intermeeting cut announced 10:00 ET, before that day's settlement
    release[calendar.meeting_date == "2020-03-03"] = pd.Timestamp("2020-03-03T15:00Z")
    # 2022-03-16 with its statement moved to 22:00 UTC, after ZQ settled (19:00 UTC)
    release[calendar.meeting_date == "2022-03-16"] = pd.Timestamp("2022-03-16T22:00Z")
    cal = calendar.assign(statement_release=release)
    got = target_range_asof(
        ["2020-03-02", "2020-03-03", "2022-03-16", "2022-03-17"], calendar=cal
    ).set_index("watch_date")
    assert got.loc["2020-03-02", "lower"] == 1.50
    assert got.loc["2020-03-03", "lower"] == 1.00
    assert got.loc["2022-03-16", "lower"] == 0.00
    assert got.loc["2022-03-17", "lower"] == 0.25


def test_range_older_than_a_meeting_whose_decision_is_not_held_is_flagged(fred, calendar):
    cal = calendar.copy()
    cal.loc[cal.meeting_date == "2022-06-15", ["target_lower", "target_upper"]] = None
    got = target_range_asof(["2022-06-28"], fred=fred[fred.date <= "2022-05-18"], calendar=cal)
    row = got.iloc[0]
    assert row["source"] == "fred"
    assert (row["lower"], row["upper"]) == (0.75, 1.00)
    assert bool(row["older_than_last_meeting"]) is True
    assert row["last_meeting"] == pd.Timestamp("2022-06-15")


def test_panel_takes_one_range_per_watch_date_on_consecutive_days(shared_data, calendar):
    from flowscope.sources import read_file

    zq = read_file(shared_data / FF / "pyfedwatch_zq_daily_long.csv.gz").frame
    zq = zq[(zq.date >= "2022-03-01") & (zq.date <= "2022-06-30")]
    meetings = calendar["meeting_date"]
    days = ["2022-06-14", "2022-06-15", "2022-06-16"]
    ranges = target_range_asof(days, calendar=calendar)
    panel = fedwatch_panel(zq, meetings, target_range=ranges, watch_dates=days, max_meetings=2)
    start = panel["target_lower"] - panel["change_bp"] / 100
    per_day = start.groupby(panel["watch_date"]).agg(["min", "max"])
    # the hike decided on 2022-06-15 is the reference from that watch date on
    assert per_day["min"].round(2).tolist() == [0.75, 1.50, 1.50]
    assert (per_day["min"] == per_day["max"]).all()


def test_bad_inputs_name_the_missing_columns():
    with pytest.raises(ValidationError, match="fred frame needs columns"):
        target_range_asof(["2022-06-28"], fred=pd.DataFrame({"date": ["2022-06-01"]}))
    with pytest.raises(ValidationError, match="calendar needs columns"):
        target_range_asof(["2022-06-28"], calendar=pd.DataFrame({"meeting_date": ["2022-06-15"]}))
