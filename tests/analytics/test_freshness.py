"""Freshness against hand-computed dates (NYSE 2026 holidays, US federal holidays, FOMC 2026).

Expected values were worked out on a calendar: NYSE is closed on Good Friday 2026-04-03 and
Thanksgiving 2026-11-26 (open on Columbus Day 2026-10-12, a Fed holiday); the 2026 FOMC
meetings are Jan 28, Mar 18, Apr 29, Jun 17, Jul 29, Sep 16, Oct 28 and Dec 9.
"""

from __future__ import annotations

import pandas as pd
import pytest

from flowscope.analytics.freshness import dataset_freshness, series_freshness


def _cov(*rows: tuple[str, str | None, str, str]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {"dataset": d, "group": g, "source": s, "end": pd.Timestamp(e), "rows": 1}
            for d, g, s, e in rows
        ]
    )


def _one(cov: pd.DataFrame, today: str, meetings: pd.DataFrame | None = None) -> pd.Series:
    out = series_freshness(cov, today=today, meetings=meetings)
    assert len(out) == 1
    return out.iloc[0]


@pytest.mark.parametrize(
    ("today", "expected", "behind", "age", "stale"),
    [
        ("2026-04-13", "2026-04-10", 0, 3, False),  # Mon: Friday's flows are the newest due
        ("2026-04-14", "2026-04-13", 1, 4, False),  # Tue: one session late, within the grace
        ("2026-04-15", "2026-04-14", 2, 5, True),  # Wed: Mon and Tue missing
    ],
)
def test_flows_ending_friday_fresh_monday_stale_wednesday(today, expected, behind, age, stale):
    r = _one(_cov(("etf_flows", "Total", "farside", "2026-04-10")), today)
    assert r["schedule"] == "xnys"
    assert r["expected_latest_date"] == pd.Timestamp(expected)
    assert r["periods_behind"] == behind
    assert r["age_days"] == age
    assert bool(r["stale"]) is stale


def test_btc_is_24_7_so_one_missing_day_is_stale():
    cov = _cov(("prices", "BTC-USD", "cryptoquant", "2026-04-11"))
    r = _one(cov, "2026-04-13")
    assert r["schedule"] == "utc_daily"
    assert r["expected_latest_date"] == pd.Timestamp("2026-04-12")
    assert (r["periods_behind"], r["age_days"], bool(r["stale"])) == (1, 2, True)
    assert not bool(_one(cov, "2026-04-12")["stale"])


def test_good_friday_is_not_a_missing_session():
    cov = _cov(("etf_flows", "IBIT", "farside", "2026-04-02"))  # Thursday before Good Friday
    mon = _one(cov, "2026-04-06")
    assert mon["expected_latest_date"] == pd.Timestamp("2026-04-02")
    assert mon["periods_behind"] == 0
    wed = _one(cov, "2026-04-08")
    assert wed["expected_latest_date"] == pd.Timestamp("2026-04-07")
    assert wed["periods_behind"] == 2  # Apr 6 and 7; Apr 3 not counted
    assert bool(wed["stale"])


def test_thanksgiving_is_not_a_missing_session():
    cov = _cov(("prices", "QQQ", "tradingview", "2026-11-25"))
    fri = _one(cov, "2026-11-27")
    assert fri["expected_latest_date"] == pd.Timestamp("2026-11-25")
    assert fri["periods_behind"] == 0
    mon = _one(cov, "2026-11-30")
    assert mon["expected_latest_date"] == pd.Timestamp("2026-11-27")
    assert (mon["periods_behind"], mon["age_days"], bool(mon["stale"])) == (1, 5, False)


def test_fred_daily_follows_federal_holidays_not_nyse():
    # Columbus Day 2026-10-12 is a Fed holiday (NYSE open): EFFR of Fri Oct 9 is still newest.
    cov = _cov(("rates", "EFFR", "fred", "2026-10-09"))
    r = _one(cov, "2026-10-13")
    assert r["schedule"] == "us_business"
    assert r["expected_latest_date"] == pd.Timestamp("2026-10-09")
    assert r["periods_behind"] == 0
    # Thanksgiving: after Wed Nov 25 only Fri Nov 27 is due by Mon Nov 30.
    r = _one(_cov(("rates", "EFFR", "fred", "2026-11-25")), "2026-11-30")
    assert r["expected_latest_date"] == pd.Timestamp("2026-11-27")
    assert (r["periods_behind"], bool(r["stale"])) == (1, False)


def test_monthly_fred_series_is_due_after_its_month_ends():
    cov = _cov(("rates", "FEDFUNDS", "fred", "2026-10-01"))
    r = _one(cov, "2026-11-30")
    assert r["schedule"] == "monthly"
    assert r["expected_latest_date"] == pd.Timestamp("2026-10-01")
    assert (r["periods_behind"], bool(r["stale"])) == (0, False)
    r = _one(cov, "2027-01-05")  # November and December have both ended
    assert r["expected_latest_date"] == pd.Timestamp("2026-12-01")
    assert (r["periods_behind"], bool(r["stale"])) == (2, True)


def test_weekly_fred_series_on_its_own_grid():
    cov = _cov(("rates", "WALCL", "fred", "2026-11-18"))  # a Wednesday
    assert _one(cov, "2026-11-30")["periods_behind"] == 0
    r = _one(cov, "2026-12-10")  # weeks of Nov 25 and Dec 2 have ended
    assert r["expected_latest_date"] == pd.Timestamp("2026-12-02")
    assert (r["periods_behind"], bool(r["stale"])) == (2, True)


def test_fomc_statements_and_minutes_follow_the_real_calendar(bundled_store):
    meetings = bundled_store.fomc_meetings()
    cov = _cov(
        ("fomc_docs", "statement", "fed_communications", "2026-04-29"),
        ("fomc_docs", "minutes", "fed_communications", "2026-04-29"),
        ("fomc_docs", "presconf", "fed_communications", "2022-09-21"),
    )
    out = series_freshness(cov, today="2026-11-30", meetings=meetings).set_index("group")
    st = out.loc["statement"]
    assert st["expected_latest_date"] == pd.Timestamp("2026-10-28")
    assert (st["periods_behind"], bool(st["stale"])) == (4, True)  # Jun, Jul, Sep, Oct
    mi = out.loc["minutes"]  # Oct 28 minutes: 3 weeks later, Nov 18
    assert mi["expected_latest_date"] == pd.Timestamp("2026-10-28")
    assert mi["periods_behind"] == 4
    assert pd.isna(out.loc["presconf", "stale"])  # not subject to staleness
    # The Apr 29 minutes were released 2026-05-20 (calendar): due from May 21 on.
    early = series_freshness(
        _cov(("fomc_docs", "minutes", "fed_communications", "2026-03-18")),
        today="2026-05-20",
        meetings=meetings,
    ).iloc[0]
    assert early["expected_latest_date"] == pd.Timestamp("2026-03-18")
    assert not bool(early["stale"])


def test_newest_source_wins_and_calendars_are_never_stale():
    cov = _cov(
        ("prices", "BTC-USD", "cryptoquant", "2026-04-11"),
        ("prices", "BTC-USD", "yahoo", "2026-07-23"),
        ("fomc_meetings", None, "flowscope-calendar", "2027-12-08"),
    )
    out = series_freshness(cov, today="2026-07-24").set_index("dataset")
    btc = out.loc["prices"]
    assert btc["newest_date"] == pd.Timestamp("2026-07-23")
    assert btc["newest_source"] == "yahoo"
    assert btc["sources"] == "cryptoquant, yahoo"
    assert btc["rows"] == 2
    assert not bool(btc["stale"])
    cal = out.loc["fomc_meetings"]
    assert cal["schedule"] == "none"
    assert pd.isna(cal["stale"]) and pd.isna(cal["age_days"])  # future meetings, no age


def test_dataset_judged_on_freshest_series_and_counts_stale_ones():
    cov = _cov(
        ("prices", "BTC-USD", "cryptoquant", "2026-04-12"),
        ("prices", "NVDA", "yfinance", "2025-12-31"),
        ("prices", "QQQ", "tradingview", "2026-04-10"),
        ("fed_futures", "ZQJ26", "cme", "2026-04-10"),
        ("fed_futures", "ZQU23", "cme", "2023-09-15"),
    )
    ds = dataset_freshness(cov, today="2026-04-13").set_index("dataset")
    p = ds.loc["prices"]
    assert p["newest_series"] == "BTC-USD"
    assert p["newest_date"] == pd.Timestamp("2026-04-12")
    assert (bool(p["stale"]), p["stale_series"]) == (False, 1)  # only NVDA
    ff = ds.loc["fed_futures"]
    assert ff["newest_series"] == "ZQJ26"
    assert bool(ff["stale"]) is False
    assert pd.isna(ff["stale_series"])  # expired contracts are not judged one by one
    per = series_freshness(cov, today="2026-04-13").set_index("group")
    assert pd.isna(per.loc["ZQU23", "stale"])
    assert bool(per.loc["NVDA", "stale"])


def test_no_figure_is_not_stale_but_missing():
    cov = pd.DataFrame(
        {"dataset": ["fed_futures"], "group": [None], "source": [None], "end": [pd.NaT]}
    )
    r = _one(cov, "2026-11-30")
    assert pd.isna(r["newest_date"]) and pd.isna(r["age_days"]) and pd.isna(r["stale"])
    assert r["expected_latest_date"] == pd.Timestamp("2026-11-27")
