"""Prediction-market analytics on the shared Polymarket/Kalshi snapshot file.

Oracles are the file's own cells, read by hand (2025-11-19, the October minutes released at
14:00 ET = 19:00 UTC), and the figures quoted in ../shared/data/MANIFEST.md.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from flowscope.analytics import prediction_markets as apm
from flowscope.sources import read_file

FILE = "fed_futures/prediction_markets/neo-journalism_polymarket_kalshi_dec2025_nochange_30min.csv"
MEETING = pd.Timestamp("2025-12-10")
RELEASE = pd.Timestamp("2025-11-19 14:00", tz="America/New_York").tz_convert("UTC")
BEFORE = pd.Timestamp("2025-11-19 18:30:39.205", tz="UTC")  # 13:30 ET row


@pytest.fixture(scope="module")
def quotes(shared_data: Path) -> pd.DataFrame:
    parsed = read_file(shared_data / FILE, "prediction_markets")
    return parsed.frame.assign(meeting_date=MEETING)


def _at(frame: pd.DataFrame, ts: pd.Timestamp, venue: str) -> pd.Series:
    return frame[(frame["ts"] == ts) & (frame["venue"] == venue)].iloc[0]


def test_mid_is_bid_plus_one_minus_no_bid_over_two(quotes):
    # 13:30 ET row: poly best bid YES 0.65, best bid NO 0.34 -> ask 0.66, mid 0.655
    # kalshi 0.66 / 0.33 -> ask 0.67, mid 0.665 (MANIFEST: 0.655 / 0.665)
    poly, kalshi = _at(quotes, BEFORE, "polymarket"), _at(quotes, BEFORE, "kalshi")
    assert (poly["best_bid"], poly["best_ask"], poly["mid"], poly["spread"]) == (
        0.65, 0.66, 0.655, 0.01,
    )  # fmt: skip
    assert (kalshi["best_bid"], kalshi["best_ask"], kalshi["mid"]) == (0.66, 0.67, 0.665)
    assert (poly["depth_bid"], poly["depth_ask"]) == (4867.99, 20157.82)


def test_manifest_mids_later(quotes):
    late = pd.Timestamp("2025-11-21 15:30", tz="America/New_York").tz_convert("UTC")
    row = quotes[(quotes["ts"] - late).abs() < pd.Timedelta(minutes=5)]
    assert sorted(row["mid"]) == [0.335, 0.345]  # MANIFEST: 21 Nov 15:30 ET 0.335 / 0.345


def test_implied_cut_bound(quotes):
    b = apm.cut_bounds(quotes)
    poly, kalshi = _at(b, BEFORE, "polymarket"), _at(b, BEFORE, "kalshi")
    assert poly["cut_upper_bound"] == pytest.approx(1 - 0.655)  # 0.345
    assert kalshi["cut_upper_bound"] == pytest.approx(1 - 0.665)  # 0.335
    assert np.isnan(poly["cut_listed"])  # only "no change" is quoted in this file


def test_release_window_moves_by_hand(quotes):
    series = apm.cut_bounds(quotes).rename(columns={"venue": "source"})
    two = apm.window_moves(series, pd.Series([RELEASE]), hours=2).set_index("source")
    # before: 18:30:39 UTC (poly 0.655, kalshi 0.665); after: last at or before 21:00 UTC,
    # the 20:30:31 row: poly 0.66/0.33 -> 0.665, kalshi 0.68/0.31 -> 0.685
    assert two.loc["polymarket", "before_ts"] == BEFORE
    assert two.loc["polymarket", "after_ts"] == pd.Timestamp("2025-11-19 20:30:31.770", tz="UTC")
    assert two.loc["polymarket", "move"] == pytest.approx(0.665 - 0.655)
    assert two.loc["kalshi", "move"] == pytest.approx(0.685 - 0.665)
    four = apm.window_moves(series, pd.Series([RELEASE]), hours=4).set_index("source")
    # after: the 22:58:29 row: poly 0.64/0.35 -> 0.645, kalshi 0.68/0.31 -> 0.685
    assert four.loc["polymarket", "move"] == pytest.approx(0.645 - 0.655)
    assert four.loc["kalshi", "move"] == pytest.approx(0.685 - 0.665)


def test_window_without_quotes_is_missing_not_zero(quotes):
    series = apm.cut_bounds(quotes).rename(columns={"venue": "source"})
    out = apm.window_moves(series, pd.Series([pd.Timestamp("2025-10-01", tz="UTC")]), hours=2)
    assert out["move"].isna().all() and out["before"].isna().all()


def test_normalised_probabilities_on_a_derived_outcome_set(quotes):
    at = quotes[(quotes["ts"] == BEFORE) & (quotes["venue"] == "polymarket")]
    extra = at.assign(outcome="cut_25", market_id="cut", mid=0.30)
    hike = at.assign(outcome="hike_25", market_id="hike", mid=0.02)
    three = pd.concat([at, extra, hike], ignore_index=True)
    p = apm.implied_probabilities(three).set_index("outcome")
    assert p.loc["no_change", "mid_sum"] == pytest.approx(0.975)  # 0.655 + 0.30 + 0.02
    assert p.loc["no_change", "probability_normalised"] == pytest.approx(0.655 / 0.975)
    assert p["outcome_count"].eq(3).all()
    b = apm.cut_bounds(three).iloc[0]
    assert b["cut_upper_bound"] == pytest.approx(1 - 0.655 - 0.02)  # 0.325
    assert b["cut_listed"] == pytest.approx(0.30)
    single = apm.implied_probabilities(at)
    assert single["probability_normalised"].isna().all()  # one outcome: nothing to normalise


def test_venue_timeline_and_futures_without_look_ahead(quotes):
    tl = apm.venue_timeline(apm.cut_bounds(quotes))
    row = tl[tl["ts"] == BEFORE].iloc[0]
    assert row["polymarket_minus_kalshi_no_change"] == pytest.approx(0.655 - 0.665)
    # futures odds as the press reported CME FedWatch (MANIFEST): cut 33.8 % on 19 Nov,
    # 32 % on 20 Nov; a settlement of day D is known from D + 1 00:00 UTC
    fut = pd.DataFrame(
        {
            "watch_date": pd.to_datetime(["2025-11-19", "2025-11-20"]),
            "p_hold": [0.662, 0.68],
            "p_cut": [0.338, 0.32],
        }
    )
    out = apm.compare_with_futures(tl, fut)
    at_release = out[out["ts"] == BEFORE].iloc[0]
    assert np.isnan(at_release["futures_no_change"])  # 19 Nov settlement not yet out
    late = out[out["ts"] == pd.Timestamp("2025-11-20 04:30:39.258", tz="UTC")].iloc[0]
    assert late["futures_watch_date"] == pd.Timestamp("2025-11-19")
    assert late["polymarket_minus_futures_no_change"] == pytest.approx(0.675 - 0.662)
    assert late["kalshi_minus_futures_no_change"] == pytest.approx(0.685 - 0.662)


def test_release_times_from_the_calendar():
    cal = pd.DataFrame(
        {
            "meeting_date": pd.to_datetime(["2025-10-29"]),
            "kind": ["scheduled"],
            "statement_release": [pd.NaT],
            "minutes_release": pd.to_datetime(["2025-11-19"]),
        }
    )
    rel = apm.release_times(cal).set_index("kind")["release_utc"]
    assert rel["minutes"] == pd.Timestamp("2025-11-19 19:00", tz="UTC")  # 14:00 EST
    assert rel["statement"] == pd.Timestamp("2025-10-29 18:00", tz="UTC")  # 14:00 EDT


def test_releases_and_futures_in_another_time_resolution(quotes):
    # a release parsed from text is datetime64[s]; quotes are [us]: the as-of joins still match
    series = apm.cut_bounds(quotes).rename(columns={"venue": "source"})
    rel = pd.Series([RELEASE]).astype("datetime64[s, UTC]")
    out = apm.window_moves(series, rel, hours=2).set_index("source")
    assert out.loc["kalshi", "move"] == pytest.approx(0.02)
    fut = pd.DataFrame(
        {"watch_date": pd.to_datetime(["2025-11-19"]).astype("datetime64[s]"),
         "p_hold": [0.662], "p_cut": [0.338]}
    )  # fmt: skip
    tl = apm.compare_with_futures(apm.venue_timeline(apm.cut_bounds(quotes)), fut)
    assert tl["ts"].iloc[0] == pd.Timestamp("2025-11-16 06:01:20.028", tz="UTC")  # ms kept
